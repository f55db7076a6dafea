"""The DuckDB floor of `bench/finance.py`: esep's per unit-year sums (`esep.finance.sums`), the
consolidated regions and the indicators (`esep.finance.indicators`), computed with SQL over the
same CSV files esep imports. Kept apart so that the SQL can be read next to the Python it
mirrors; see bench/README.md, "Finance".

Inputs (written by bench/finance.py): `lines.csv` and `transfers.csv` (the files esep imports),
`units.csv` (every unit: id, the reference the files use, kind, the region its path starts with,
its population and population year), `populations.csv` (the site's population series) and
`regions.csv` (regions that split off or changed status: before `split_year` their budgets
belonged to `former_id`, as `esep.finance.sums.Regions` reads the site's history)."""

from __future__ import annotations

from pathlib import Path

# esep stores the sums (UnitYear) and computes the ratios when a page or the API reads them; the
# floor computes both, so it does a little more than `esep rebuild-indicators`.
UNIT_YEAR_SQL = """
CREATE OR REPLACE TABLE unit_year AS
WITH
units AS (
    SELECT * FROM read_csv('{units}', header = true, columns = {{
        'unit_id': 'BIGINT', 'ref': 'VARCHAR', 'kind': 'VARCHAR', 'region': 'BIGINT',
        'population': 'BIGINT', 'population_year': 'INTEGER'}})
),
lines AS (  -- a unit's reference (KATO code or OCD id) to its id; a code to its group
    SELECT u.unit_id, l.year, l.phase, l.direction,
           CAST(split_part(l.code, ' ', 1) AS INTEGER) AS top,
           CAST(l.amount_thousand_kzt * 100000 AS BIGINT) AS amount  -- thousand tenge to tiyn
    FROM read_csv('{lines}', header = true, columns = {{
        'unit': 'VARCHAR', 'year': 'INTEGER', 'direction': 'VARCHAR', 'phase': 'VARCHAR',
        'code': 'VARCHAR', 'amount_thousand_kzt': 'DECIMAL(18,1)'}}) AS l
    JOIN units AS u ON u.ref = l.unit
),
sums AS (  -- sums.rebuild_unit_years: revenue by category, spending by functional group
    SELECT unit_id, year, phase,
        COALESCE(SUM(amount) FILTER (direction = 'revenue' AND top = 1), 0) AS tax,
        COALESCE(SUM(amount) FILTER (direction = 'revenue' AND top = 2), 0) AS non_tax,
        COALESCE(SUM(amount) FILTER (direction = 'revenue' AND top = 3), 0) AS capital,
        COALESCE(SUM(amount) FILTER (direction = 'revenue' AND top = 4), 0) AS transfers_in,
        COALESCE(SUM(amount) FILTER (direction = 'expenditure' AND top <> 15), 0) AS expenditure,
        COALESCE(SUM(amount) FILTER (direction = 'expenditure' AND top = 14), 0) AS debt_service,
        COALESCE(SUM(amount) FILTER (direction = 'expenditure' AND top = 15), 0) AS transfers_out
    FROM lines
    GROUP BY unit_id, year, phase
),
transfers AS (
    SELECT g.unit_id AS giver, r.unit_id AS receiver, t.year, t.kind,
           CAST(t.amount_thousand_kzt * 100000 AS BIGINT) AS amount
    FROM read_csv('{transfers}', header = true, columns = {{
        'giver': 'VARCHAR', 'receiver': 'VARCHAR', 'year': 'INTEGER', 'kind': 'VARCHAR',
        'amount_thousand_kzt': 'DECIMAL(18,1)'}}) AS t
    JOIN units AS g ON g.ref = t.giver
    JOIN units AS r ON r.ref = t.receiver
),
general AS (  -- subventions received and withdrawals paid by each budget
    SELECT unit_id, year, SUM(sub) AS subventions, SUM(wd) AS withdrawals
    FROM (
        SELECT receiver AS unit_id, year, amount AS sub, 0 AS wd FROM transfers
        WHERE kind = 'subvention'
        UNION ALL
        SELECT giver, year, 0, amount FROM transfers WHERE kind = 'withdrawal'
    )
    GROUP BY unit_id, year
),
changes AS (
    SELECT * FROM read_csv('{regions}', header = true, columns = {{
        'region_id': 'BIGINT', 'split_year': 'INTEGER', 'former_id': 'BIGINT'}})
),
unit_years AS (
    SELECT unit_id, year FROM sums
    UNION SELECT giver, year FROM transfers
    UNION SELECT receiver, year FROM transfers
),
region_of AS (  -- sums.Regions.of: the region a budget belonged to that year
    SELECT k.unit_id, k.year,
        CASE WHEN c1.split_year IS NOT NULL AND k.year < c1.split_year THEN
            CASE WHEN c2.split_year IS NOT NULL AND k.year < c2.split_year
                THEN c2.former_id ELSE c1.former_id END
        ELSE u.region END AS region
    FROM unit_years AS k
    JOIN units AS u ON u.unit_id = k.unit_id
    LEFT JOIN changes AS c1 ON c1.region_id = u.region
    LEFT JOIN changes AS c2 ON c2.region_id = c1.former_id
),
totals AS (
    SELECT r.region AS unit_id, s.year, s.phase,
        SUM(s.tax) AS tax, SUM(s.non_tax) AS non_tax, SUM(s.capital) AS capital,
        SUM(s.transfers_in) AS transfers_in, SUM(s.expenditure) AS expenditure,
        SUM(s.debt_service) AS debt_service, SUM(s.transfers_out) AS transfers_out
    FROM sums AS s
    JOIN region_of AS r ON r.unit_id = s.unit_id AND r.year = s.year
    WHERE r.region IS NOT NULL
    GROUP BY r.region, s.year, s.phase
),
moves AS (
    SELECT t.year, t.kind, t.amount, gr.region AS giver_region, rr.region AS receiver_region,
           COALESCE(gr.region = rr.region, false) AS inside
    FROM transfers AS t
    JOIN region_of AS gr ON gr.unit_id = t.giver AND gr.year = t.year
    JOIN region_of AS rr ON rr.unit_id = t.receiver AND rr.year = t.year
),
inside AS (  -- transfers between two budgets of one region cancel out in its consolidation
    SELECT giver_region AS region, year, SUM(amount) AS net
    FROM moves WHERE inside GROUP BY giver_region, year
),
outside AS (
    SELECT region, year, SUM(sub) AS subventions, SUM(wd) AS withdrawals
    FROM (
        SELECT receiver_region AS region, year, amount AS sub, 0 AS wd FROM moves
        WHERE NOT inside AND kind = 'subvention' AND receiver_region IS NOT NULL
        UNION ALL
        SELECT giver_region, year, 0, amount FROM moves
        WHERE NOT inside AND kind = 'withdrawal' AND giver_region IS NOT NULL
    )
    GROUP BY region, year
),
series AS (  -- sums.Populations: the site's series plus each unit's own figure
    SELECT unit_id, year, population FROM read_csv('{populations}', header = true, columns = {{
        'unit_id': 'BIGINT', 'year': 'INTEGER', 'population': 'BIGINT'}})
),
pops AS (
    SELECT unit_id, year, population FROM series
    UNION ALL
    SELECT u.unit_id, u.population_year, u.population FROM units AS u
    WHERE u.population > 0 AND NOT EXISTS (
        SELECT 1 FROM series AS s WHERE s.unit_id = u.unit_id AND s.year = u.population_year
    )
),
earliest AS (
    SELECT unit_id, arg_min(population, year) AS population FROM pops GROUP BY unit_id
),
wanted AS (SELECT unit_id, year FROM sums UNION SELECT unit_id, year FROM totals),
lost AS (  -- a region before a part split off also served that part's residents
    SELECT w.unit_id, w.year, c.region_id AS split_off
    FROM wanted AS w JOIN changes AS c ON c.former_id = w.unit_id AND w.year < c.split_year
),
asked AS (SELECT unit_id, year FROM wanted UNION SELECT split_off, year FROM lost),
known AS (  -- the population of the year, else of the nearest earlier year, else the earliest
    SELECT w.unit_id, w.year, COALESCE(a.population, e.population) AS population
    FROM asked AS w
    ASOF LEFT JOIN pops AS a ON a.unit_id = w.unit_id AND w.year >= a.year
    LEFT JOIN earliest AS e ON e.unit_id = w.unit_id
),
pop_of AS (
    SELECT k.unit_id, k.year,
        k.population + COALESCE((
            SELECT SUM(COALESCE(o.population, 0)) FROM lost AS l
            JOIN known AS o ON o.unit_id = l.split_off AND o.year = l.year
            WHERE l.unit_id = k.unit_id AND l.year = k.year
        ), 0) AS population
    FROM known AS k JOIN wanted AS w ON w.unit_id = k.unit_id AND w.year = k.year
),
rows AS (
    SELECT s.unit_id, s.year, s.phase, false AS consolidated, u.kind,
        s.tax, s.non_tax, s.capital, s.transfers_in, s.expenditure, s.debt_service,
        s.transfers_out,
        COALESCE(g.subventions, 0) AS subventions, COALESCE(g.withdrawals, 0) AS withdrawals,
        p.population
    FROM sums AS s
    JOIN units AS u ON u.unit_id = s.unit_id
    LEFT JOIN general AS g ON g.unit_id = s.unit_id AND g.year = s.year
    LEFT JOIN pop_of AS p ON p.unit_id = s.unit_id AND p.year = s.year
    UNION ALL
    SELECT t.unit_id, t.year, t.phase, true, u.kind,
        t.tax, t.non_tax, t.capital,
        GREATEST(t.transfers_in - COALESCE(i.net, 0), 0),  -- clamped, as esep does
        t.expenditure, t.debt_service,
        GREATEST(t.transfers_out - COALESCE(i.net, 0), 0),
        COALESCE(o.subventions, 0), COALESCE(o.withdrawals, 0),
        p.population
    FROM totals AS t
    JOIN units AS u ON u.unit_id = t.unit_id
    LEFT JOIN inside AS i ON i.region = t.unit_id AND i.year = t.year
    LEFT JOIN outside AS o ON o.region = t.unit_id AND o.year = t.year
    LEFT JOIN pop_of AS p ON p.unit_id = t.unit_id AND p.year = t.year
),
whole AS (
    SELECT unit_id, year, phase, consolidated, kind,
        CAST(tax AS BIGINT) AS tax, CAST(non_tax AS BIGINT) AS non_tax,
        CAST(capital AS BIGINT) AS capital, CAST(transfers_in AS BIGINT) AS transfers_in,
        CAST(expenditure AS BIGINT) AS expenditure,
        CAST(debt_service AS BIGINT) AS debt_service,
        CAST(transfers_out AS BIGINT) AS transfers_out,
        CAST(subventions AS BIGINT) AS subventions, CAST(withdrawals AS BIGINT) AS withdrawals,
        population
    FROM rows
)
-- indicators.indicators: the ratios as doubles; per capita in tiyn (hundredths of a tenge),
-- rounded half to even from whole tiyn as Decimal.quantize does
SELECT *,
    tax + non_tax + capital AS own_revenue,
    own_revenue + transfers_in AS total_revenue,
    CASE WHEN total_revenue <> 0
        THEN CAST(transfers_in AS DOUBLE) / CAST(total_revenue AS DOUBLE) END
        AS transfer_dependence,
    1 - transfer_dependence AS own_revenue_share,
    CASE WHEN expenditure <> 0
        THEN 1 - CAST(own_revenue AS DOUBLE) / CAST(expenditure AS DOUBLE) END
        AS vertical_imbalance,
    subventions - withdrawals AS net_general_transfer,
    CASE WHEN net_general_transfer < 0 THEN 'donor'
        WHEN net_general_transfer > 0 THEN 'subsidised' ELSE 'neither' END AS position,
    CASE WHEN population > 0 THEN (
        total_revenue // population
         + CASE WHEN 2 * (total_revenue % population) > population
                  OR (2 * (total_revenue % population) = population
                      AND (total_revenue // population) % 2 = 1)
             THEN 1 ELSE 0 END) END AS revenue_per_capita_tiyn,
    CASE WHEN population > 0 THEN (
        expenditure // population
         + CASE WHEN 2 * (expenditure % population) > population
                  OR (2 * (expenditure % population) = population
                      AND (expenditure // population) % 2 = 1)
             THEN 1 ELSE 0 END) END AS spending_per_capita_tiyn
FROM whole
"""

SUM_COLUMNS = (
    "kind",
    "tax",
    "non_tax",
    "capital",
    "transfers_in",
    "expenditure",
    "debt_service",
    "transfers_out",
    "subventions",
    "withdrawals",
    "population",
)

# esep's UnitYear rows (exported from the site's database) against the floor's, every column.
COMPARE_SQL = """
SELECT e.unit_id AS esep_unit, d.unit_id AS floor_unit,
    COALESCE(e.unit_id, d.unit_id) AS unit_id, COALESCE(e.year, d.year) AS year,
    COALESCE(e.phase, d.phase) AS phase, COALESCE(e.consolidated, d.consolidated) AS cons,
    {differs} AS differs
FROM read_csv('{esep}', header = true, columns = {{
    'unit_id': 'BIGINT', 'year': 'INTEGER', 'phase': 'VARCHAR', 'consolidated': 'BOOLEAN',
    'kind': 'VARCHAR', 'tax': 'BIGINT', 'non_tax': 'BIGINT', 'capital': 'BIGINT',
    'transfers_in': 'BIGINT', 'expenditure': 'BIGINT', 'debt_service': 'BIGINT',
    'transfers_out': 'BIGINT', 'subventions': 'BIGINT', 'withdrawals': 'BIGINT',
    'population': 'BIGINT'}}) AS e
FULL OUTER JOIN unit_year AS d
    ON d.unit_id = e.unit_id AND d.year = e.year AND d.phase = e.phase
    AND d.consolidated = e.consolidated
WHERE e.unit_id IS NULL OR d.unit_id IS NULL OR {differs_where}
ORDER BY unit_id, year, phase, cons
"""


def unit_year_sql(work: Path) -> str:
    """The floor's statement over the files in `work`."""

    def quoted(name: str) -> str:
        return str(work / name).replace("'", "''")

    return UNIT_YEAR_SQL.format(
        units=quoted("units.csv"),
        lines=quoted("lines.csv"),
        transfers=quoted("transfers.csv"),
        regions=quoted("regions.csv"),
        populations=quoted("populations.csv"),
    )


def compare_sql(esep_csv: Path) -> str:
    """Rows of esep's UnitYear (the CSV) and of the floor's table that differ or lack a twin."""
    differs = " OR ".join(f"e.{c} IS DISTINCT FROM d.{c}" for c in SUM_COLUMNS)
    listed = " || ' ' || ".join(
        f"CASE WHEN e.{c} IS DISTINCT FROM d.{c} THEN '{c}: ' || COALESCE(CAST(e.{c} AS VARCHAR), "
        f"'null') || ' vs ' || COALESCE(CAST(d.{c} AS VARCHAR), 'null') ELSE '' END"
        for c in SUM_COLUMNS
    )
    return COMPARE_SQL.format(
        esep=str(esep_csv).replace("'", "''"), differs=listed, differs_where=f"({differs})"
    )
