"""esep's budget benchmark: `make bench-finance` (or `.venv/bin/python bench/finance.py`).

It builds a throwaway production-mode site with the national demo registry (or reuses one with
`--reuse-site DIR`, see bench/run.py), generates a national-scale budget dataset (every budget
unit × 26 years, about 5 million lines, fixed seed) and measures, against floors:

(a) `import_budget` of the dataset against csv.reader + sqlite3 executemany of the same rows
    into an equivalent table (target ≤ 2×);
(b) `rebuild_indicators` against DuckDB computing the same sums and indicators with SQL over the
    same CSV (target ≤ 2×), after checking that both give the same figures;
(c) the budget pages and API at that scale: query counts, and requests/s as a ratio of the
    trivial-view floor with wrk, cached and uncached (goal ≥ 0.5 cached).

It prints a table and writes it into bench/README.md between the finance-results markers.
See bench/README.md, "Finance".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import finance_sql  # noqa: E402
from bench import run as http  # noqa: E402

README = ROOT / "bench" / "README.md"
START_MARKER = "<!-- finance-results:start -->"
END_MARKER = "<!-- finance-results:end -->"
SCALE = "national"
FIRST_YEAR, LAST_YEAR = 2000, 2025
PHASES = ("approved", "adjusted", "executed")
DIRECTIONS = ("revenue", "expenditure")
DEFAULT_LINES = 5_000_000
DEFAULT_SEED = 2026
TARGET_RATIO = 2.0  # (a) and (b): esep at most twice its floor
PAGE_GOAL = 0.5  # (c): cached pages at least half the trivial-view floor
LONG_TIMEOUT = 4 * 3600  # seconds: an import of millions of lines takes minutes
# Amounts of one line in thousand tenge (drawn in tenths), by budget level.
AMOUNTS = {2: (10_000, 50_000_000), 3: (1_000, 5_000_000), 4: (10, 50_000)}

# --- scripts run in the site with `esep shell -c`: each receives ARGS (JSON) and prints one
# --- JSON line last.

# Untimed. Removes the finance facts already in the site (whatever `esep demo` imported, or the
# previous run's lines with --reuse-site), loads the budget classification when missing, and
# exports what the generator and the DuckDB floor need: the budget units with the reference
# the files use for each (its KATO code when that names one unit only, else its OCD id, checked
# with esep's own UnitResolver for every year written), every unit, the population series and
# the regions that split off (as esep.finance.sums.Regions reads the history).
PREPARE = """
import csv, json
from pathlib import Path
from django.db import connection
from esep.core.actions import Actor
from esep.finance.actions import load_classification
from esep.finance.importers import UnitResolver
from esep.finance.models import FOURTH_LEVEL_SINCE, Classification
from esep.finance.sums import Regions
from esep.territory.models import Unit, UnitPopulation
from esep.territory.models.units import LEVEL_OF_KIND

args = json.loads(ARGS)
work = Path(args["work"])
cleared = {}
with connection.cursor() as cursor:
    for table in ("finance_unityear", "finance_budgetline", "finance_budgetrelease",
                  "finance_transfer"):
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        cleared[table] = cursor.fetchone()[0]
        if cleared[table]:
            cursor.execute(f"DELETE FROM {table}")
    if cleared["finance_budgetline"] > 100_000:
        cursor.execute("VACUUM")  # the import then writes into a compact file, as on a new site
added = load_classification(Actor.cli("bench-finance"))
codes = list(Classification.objects.values_list("id", "direction", "code", "parent_id"))
parents = {parent for _pk, _d, _c, parent in codes if parent}
leaves = {"revenue": [], "expenditure": []}
for pk, direction, code, _parent in sorted(codes, key=lambda c: (c[1], c[2])):
    if pk not in parents:
        leaves[direction].append(code)
resolver = UnitResolver()
units = list(Unit.objects.order_by("id"))

def ref_of(unit):
    if unit.kato and len(resolver.by_code.get(unit.kato.lower(), ())) == 1:
        return unit.kato
    return unit.ocd_id

budget, refused, republic = [], 0, None
for unit in units:
    level = LEVEL_OF_KIND[unit.kind]
    if level == 1 and republic is None:
        republic = ref_of(unit)
    if unit.kind not in args["kinds"]:
        continue
    ref, years = ref_of(unit), []
    for year in range(args["first"], args["last"] + 1):
        if not resolver.exists_in(unit, year) or (level == 4 and year < FOURTH_LEVEL_SINCE):
            continue
        found = resolver.resolve(ref, year)
        if isinstance(found, str) or found.pk != unit.pk:
            refused += 1
            continue
        years.append(year)
    if years:
        budget.append({"id": unit.pk, "ref": ref, "kind": unit.kind, "level": level,
                       "parent": unit.parent_id, "years": years})
with (work / "units.csv").open("w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["unit_id", "ref", "kind", "region", "population", "population_year"])
    for unit in units:
        ids = unit.path.strip("/").split("/")
        writer.writerow([unit.pk, ref_of(unit), unit.kind, ids[1] if len(ids) > 1 else "",
                         unit.population or "", unit.population_year or ""])
with (work / "populations.csv").open("w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["unit_id", "year", "population"])
    writer.writerows(UnitPopulation.objects.order_by("unit_id", "year").values_list(
        "unit_id", "year", "population"))
before = Regions({u.pk: (u.kind, u.path, u.population, u.population_year) for u in units}).before
for region, (_year, former) in before.items():
    if former in before and before[former][1] in before:
        raise SystemExit(f"regions split more than twice ({region}): the DuckDB floor follows two")
with (work / "regions.csv").open("w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["region_id", "split_year", "former_id"])
    writer.writerows((region, year, former) for region, (year, former) in sorted(before.items()))
(work / "budget.json").write_text(json.dumps({"units": budget, "leaves": leaves,
                                              "republic": republic}))
print(json.dumps({"cleared": cleared, "classification_added": added, "budget_units": len(budget),
                  "unit_years": sum(len(u["years"]) for u in budget), "refused": refused,
                  "units": len(units), "regions_split": len(before)}))
"""

# Untimed: the transfers between budgets that the sums and the consolidation read.
IMPORT_TRANSFERS = """
import json
from pathlib import Path
from esep.core.actions import Actor
from esep.finance.actions import import_transfers
from esep.finance.tables import read_path

args = json.loads(ARGS)
table, digest = read_path(Path(args["file"]), "transfers")
result = import_transfers(Actor.cli("bench-finance"), table, title="bench: transfers",
                          sha256=digest, indicators=False)
print(json.dumps({"transfers": result.lines}))
"""

# Timed: what `esep import-budget FILE --no-indicators` does after Django has started (read the
# file, its SHA-256, check every line, write), or `esep rebuild-indicators` (`runs` times: it
# rewrites the same rows; the median counts). With a profile path, the call runs once under
# cProfile (slower) and the stats are written there.
TIMED = """
import cProfile, json, resource, statistics, time
from pathlib import Path
from esep.core.actions import Actor
from esep.finance.actions import import_budget, rebuild_indicators
from esep.finance.tables import read_path

args = json.loads(ARGS)
actor = Actor.cli("bench-finance")

def measured():
    if args["step"] == "rebuild":
        return {"rows": rebuild_indicators(actor)}
    table, digest = read_path(Path(args["file"]), "budget-lines")
    result = import_budget(actor, table, title="bench: national-scale budget lines",
                           sha256=digest, indicators=False)
    return {"lines": result.lines, "slices": result.new, "warnings": len(result.warnings)}

runs = []
for _ in range(1 if args["profile"] else args["runs"]):
    profiler = cProfile.Profile() if args["profile"] else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    out = measured()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args["profile"])
    runs.append(time.perf_counter() - started)
out["runs"] = [round(s, 2) for s in runs]
out["seconds"] = statistics.median(runs)
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(out))
"""

# Untimed: esep's own indicators (esep.finance.indicators) for a sample of the floor's rows.
CHECK_RATIOS = """
import json
from pathlib import Path
from esep.finance.indicators import indicators
from esep.finance.models import UnitYear

args = json.loads(ARGS)
sample = json.loads(Path(args["file"]).read_text())
rows = {
    (r.unit_id, r.year, r.phase, r.consolidated): r
    for r in UnitYear.objects.filter(unit_id__in={s["unit_id"] for s in sample})
}
bad = []
for s in sample:
    row = rows.get((s["unit_id"], s["year"], s["phase"], s["consolidated"]))
    if row is None:
        bad.append({"row": s, "esep": None})
        continue
    found = indicators(row)
    cents = lambda v: None if v is None else int(v * 100)
    esep = {
        "transfer_dependence": found.transfer_dependence,
        "own_revenue_share": found.own_revenue_share,
        "vertical_imbalance": found.vertical_imbalance,
        "net_general_transfer": found.net_general_transfer,
        "position": found.position,
        "revenue_per_capita_tiyn": cents(found.revenue_per_capita),
        "spending_per_capita_tiyn": cents(found.spending_per_capita),
    }
    differs = {k: [v, s[k]] for k, v in esep.items() if v != s[k]}
    if differs:
        bad.append({"key": [s["unit_id"], s["year"], s["phase"], s["consolidated"]],
                    "esep vs floor": differs})
print(json.dumps({"checked": len(sample), "bad": len(bad), "first": bad[:5]}))
"""

# Untimed: the units the page targets name (deterministic, typical rather than extreme: the
# in-force district and oblast with the median number of units below them, the first rural
# district and the largest republican city with a 2024 budget), and the number of SQL queries
# each page and API list runs at this scale, uncached (ESEP_PAGE_CACHE_SECONDS=0) for several
# units and years, and on a cache hit.
PAGES = """
import json
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from esep.finance.models import BudgetLine, UnitYear
from esep.territory.models import Unit

args = json.loads(ARGS)
year = args["year"]
with_budget = UnitYear.objects.filter(year=year, consolidated=False).values("unit_id")
units = Unit.objects.filter(valid_until__isnull=True, published_at__isnull=False,
                            pk__in=with_budget)
below = Count("children", filter=Q(children__valid_until__isnull=True))

def median(qs):
    rows = list(qs.annotate(below=below).order_by("below", "id").values_list("id", flat=True))
    if not rows:
        raise SystemExit("no unit fits")
    return rows[len(rows) // 2]

facts = {
    "district": median(units.filter(kind="district")),
    "oblast": median(units.filter(kind="oblast")),
    "rural": units.filter(kind="rural_district").order_by("id").values_list("id", flat=True)[0],
    "city": units.filter(kind="republican_city").order_by("-population", "id")
        .values_list("id", flat=True)[0],
    "year": year,
}
facts["district_lines"] = BudgetLine.objects.filter(unit_id=facts["district"], year=year).count()
facts["oblast_lines"] = BudgetLine.objects.filter(unit_id=facts["oblast"], year=year).count()
facts["unit_years"] = UnitYear.objects.count()
facts["indicator_rows"] = UnitYear.objects.filter(year=year).count()
client = Client(SERVER_NAME="localhost")

def queries(path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(captured)

counts = {}
for name, paths in args["pages"].items():
    paths = [p.format(**facts) for p in paths]
    with override_settings(ESEP_PAGE_CACHE_SECONDS=0):
        uncached = [queries(p) for p in paths]
    cache.clear()
    queries(paths[0])  # fills the cache
    counts[name] = {"paths": paths, "uncached": uncached, "hit": queries(paths[0])}
print(json.dumps({"facts": facts, "counts": counts}))
"""

# Paths whose query counts are compared: the first is the one measured with wrk; the others are
# other units (a rural district, a district, an oblast, a republican city) and other years.
QUERY_PAGES = {
    "unit budget": [
        "/en/units/{district}/budget/",
        "/en/units/{rural}/budget/",
        "/en/units/{oblast}/budget/",
        "/en/units/{city}/budget/",
        "/en/units/{district}/budget/?year=2005&phase=approved",
    ],
    "national budgets": [
        "/en/budgets/",
        "/en/budgets/?year=2005",
        "/en/budgets/?year=2021&phase=adjusted",
    ],
    "api-budget-lines": [
        "/api/v1/budget-lines?unit={district}&year={year}",
        "/api/v1/budget-lines?unit={rural}&year={year}",
        "/api/v1/budget-lines?unit={oblast}&year={year}",
        "/api/v1/budget-lines?unit={city}&year=2005",
    ],
    "api-indicators": [
        "/api/v1/indicators?year={year}",
        "/api/v1/indicators?year=2005",
        "/api/v1/indicators?year={year}&phase=executed&consolidated=true",
    ],
}

PAGE_TARGETS = [
    http.Target(
        "budget-district",
        http.ESEP_APP,
        "/en/units/{district}/budget/",
        'id="revenue-chart"',
        "a district's budget: groups, lines, trend since 2000, peers",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "budget-oblast",
        http.ESEP_APP,
        "/en/units/{oblast}/budget/",
        'id="consolidated"',
        "an oblast's budget, with the consolidated region",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "budgets",
        http.ESEP_APP,
        "/en/budgets/",
        'id="map-title"',
        "national overview: map, regions, positions, inequality since 2000",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "api-budget-lines",
        http.ESEP_APP,
        "/api/v1/budget-lines?unit={district}&year={year}",
        '"amount_kzt"',
        "API: a district's lines of one year (100) and their count",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "api-indicators",
        http.ESEP_APP,
        "/api/v1/indicators?year={year}",
        '"transfer_dependence"',
        "API: indicators of every unit in one year (100) and their count",
        goal=PAGE_GOAL,
    ),
]
TARGETS = [
    http.Target("floor", http.FLOOR_APP, "/", "ok", "Django + gunicorn, one trivial view"),
    *PAGE_TARGETS,
    *(http.uncached(target) for target in PAGE_TARGETS),
]


@dataclass(frozen=True)
class Options:
    seconds: int
    warmup: int
    threads: int
    connections: int
    workers: int
    write_readme: bool
    reuse_site: Path | None
    lines: int
    seed: int
    year: int
    duckdb_threads: int
    repeat: int
    pages: bool
    profile: Path | None
    args: tuple[str, ...]

    def command(self) -> str:
        if not self.args:
            return "`make bench-finance` (`.venv/bin/python bench/finance.py`)"
        return f"`.venv/bin/python bench/finance.py {shlex.join(self.args)}`"

    def http_options(self) -> http.Options:
        return http.PatientOptions(
            seconds=self.seconds,
            warmup=self.warmup,
            threads=self.threads,
            connections=self.connections,
            workers=self.workers,
            write_readme=False,
            scale=SCALE,
            reuse_site=self.reuse_site,
            args=self.args,
        )


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per URL (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up per URL (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (nproc)"
    )
    parser.add_argument("--no-readme", action="store_true", help="print only, leave README")
    parser.add_argument(
        "--reuse-site",
        type=Path,
        metavar="DIR",
        help="keep the national site in DIR (shared with bench/run.py --reuse-site); the "
        "budget data is removed and imported again on every run",
    )
    parser.add_argument(
        "--lines",
        type=int,
        default=DEFAULT_LINES,
        help=f"about how many budget lines to generate (default {DEFAULT_LINES:,})",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--year", type=int, default=2024, help="year the pages show (2024)")
    parser.add_argument(
        "--duckdb-threads", type=int, default=0, help="DuckDB threads (default: DuckDB's own)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="(b): run the rebuild and DuckDB this many times, the median counts (default 3)",
    )
    parser.add_argument("--no-pages", action="store_true", help="skip the wrk measurements")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run the import and the rebuild under cProfile, write import.prof and "
        "rebuild.prof to DIR and print where the time goes (implies --no-readme: the "
        "profiler slows esep down)",
    )
    ns = parser.parse_args(argv)
    for name in ("seconds", "warmup", "threads", "connections", "workers", "lines", "repeat"):
        if getattr(ns, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if not FIRST_YEAR <= ns.year <= LAST_YEAR:
        parser.error(f"--year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return Options(
        seconds=ns.seconds,
        warmup=ns.warmup,
        threads=ns.threads,
        connections=ns.connections,
        workers=ns.workers,
        write_readme=not ns.no_readme and ns.profile is None,
        reuse_site=ns.reuse_site.resolve() if ns.reuse_site else None,
        lines=ns.lines,
        seed=ns.seed,
        year=ns.year,
        duckdb_threads=ns.duckdb_threads,
        repeat=ns.repeat,
        pages=not ns.no_pages,
        profile=ns.profile.resolve() if ns.profile else None,
        args=tuple(sys.argv[1:] if argv is None else argv),
    )


def shell(
    env: dict[str, str], name: str, script: str, args: dict, timeout: int = http.STEP_TIMEOUT
) -> dict:
    return http.shell_json(env, name, script, args, timeout)


# --- (data) the generator -------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    lines: int
    slices: int  # (unit, year, direction, phase)
    unit_years: int
    budget_units: dict[str, int]  # by kind
    transfers: int
    megabytes: float
    seconds: float


def cell(text: str) -> str:
    return text if not any(c in text for c in ',"\n\r') else '"' + text.replace('"', '""') + '"'


def generate(work: Path, target: int, seed: int) -> Dataset:
    """lines.csv: every budget unit, every year it had a budget of its own, every phase and both
    directions, a random share of the most detailed codes (no total with its parts) so that the
    file has about `target` lines; transfers.csv: subventions and withdrawals between the
    republic and each region and between each region and its districts, and targeted transfers
    to one rural district in five. Amounts in thousand tenge with one decimal."""
    started = time.perf_counter()
    facts = json.loads((work / "budget.json").read_text())
    units, leaves = facts["units"], facts["leaves"]
    rng = random.Random(seed)
    slices = sum(len(u["years"]) for u in units) * len(PHASES)
    share = min(1.0, target / (slices * sum(len(leaves[d]) for d in DIRECTIONS)))
    lines = 0
    with (work / "lines.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("unit,year,direction,phase,code,amount_thousand_kzt\n")
        for unit in units:
            ref = cell(unit["ref"])
            low, high = (10 * bound for bound in AMOUNTS[unit["level"]])
            for year in unit["years"]:
                for phase in PHASES:
                    for direction in DIRECTIONS:
                        codes = leaves[direction]
                        exact = share * len(codes)
                        count = int(exact) + (rng.random() < exact - int(exact))
                        prefix = f"{ref},{year},{direction},{phase},"
                        rows = []
                        for i in sorted(rng.sample(range(len(codes)), count)):
                            tenths = rng.randrange(low, high)
                            rows.append(f"{prefix}{codes[i]},{tenths // 10}.{tenths % 10}\n")
                        out.writelines(rows)
                        lines += count
    by_id = {u["id"]: u for u in units}
    republic = cell(facts["republic"])
    transfers = 0
    with (work / "transfers.csv").open("w", encoding="utf-8", newline="") as out:
        out.write("giver,receiver,year,kind,amount_thousand_kzt\n")
        for unit in units:
            parent = by_id.get(unit["parent"])
            ref = cell(unit["ref"])
            low, high = (10 * bound // 20 for bound in AMOUNTS[unit["level"]])
            for year in unit["years"]:
                tenths = rng.randrange(low, high)
                amount = f"{tenths // 10}.{tenths % 10}"
                if unit["level"] == 2:
                    giver, receiver = republic, ref
                elif parent is not None and year in parent["years"]:
                    giver, receiver = cell(parent["ref"]), ref
                else:
                    continue
                if unit["level"] == 4:
                    if rng.random() >= 0.2:
                        continue
                    kind = "targeted_current"
                elif rng.random() < 0.25:  # a donor: it pays a withdrawal upwards
                    kind, giver, receiver = "withdrawal", receiver, giver
                else:
                    kind = "subvention"
                out.write(f"{giver},{receiver},{year},{kind},{amount}\n")
                transfers += 1
    kinds: dict[str, int] = {}
    for unit in units:
        kinds[unit["kind"]] = kinds.get(unit["kind"], 0) + 1
    return Dataset(
        lines=lines,
        slices=slices * len(DIRECTIONS),
        unit_years=slices // len(PHASES),
        budget_units=kinds,
        transfers=transfers,
        megabytes=(work / "lines.csv").stat().st_size / 1e6,
        seconds=time.perf_counter() - started,
    )


# --- (a) import -----------------------------------------------------------------------------


def site_db(site: Path) -> Path:
    return site / "var" / "esep.sqlite3"


def budget_line_ddl(db: Path) -> list[str]:
    """The CREATE TABLE and CREATE INDEX statements of finance_budgetline as the site has them."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'finance_budgetline' "
            "AND sql IS NOT NULL ORDER BY type DESC"  # the table before its indexes
        ).fetchall()
    finally:
        con.close()
    if not rows or not rows[0][0].startswith("CREATE TABLE"):
        raise http.BenchError(f"{db} has no finance_budgetline table")
    return [sql for (sql,) in rows]


FLOOR_INSERT = (
    "INSERT INTO finance_budgetline "
    "(unit_id, year, direction, phase, classification_id, top, amount, dataset_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def floor_import(lines_csv: Path, ddl: list[str], db: Path) -> tuple[float, int]:
    """The same rows read with csv.reader and written with one executemany in one transaction
    into a new SQLite file with finance_budgetline's own DDL and esep's PRAGMAs (WAL, synchronous
    NORMAL), without validation: each cell goes in as read (the unit's reference, the year, the
    direction, the phase, the code and the amount, all text, SQLite's column affinity converting
    what looks like a number), `top` is the code's first part and the dataset is 1; foreign keys
    are not enforced (their tables are not there: a foreign-key check is validation)."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=OFF")
        for sql in ddl:
            con.execute(sql)
        started = time.perf_counter()
        with lines_csv.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            con.execute("BEGIN IMMEDIATE")
            con.executemany(
                FLOOR_INSERT,
                (
                    (unit, year, direction, phase, code, code.partition(" ")[0], amount, 1)
                    for unit, year, direction, phase, code, amount in reader
                ),
            )
            con.execute("COMMIT")
        seconds = time.perf_counter() - started
        (rows,) = con.execute("SELECT COUNT(*) FROM finance_budgetline").fetchone()
    finally:
        con.close()
    return seconds, rows


# --- (b) rebuild ----------------------------------------------------------------------------


def duckdb_floor(work: Path, threads: int) -> tuple[float, int]:
    """DuckDB over the CSV files: the same sums, consolidation and indicators, written to a table
    of a new DuckDB file. Timed from opening the database to the end of the statement."""
    import duckdb

    db = work / "floor.duckdb"
    db.unlink(missing_ok=True)
    sql = finance_sql.unit_year_sql(work)
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute(sql)
        seconds = time.perf_counter() - started
        (rows,) = con.execute("SELECT COUNT(*) FROM unit_year").fetchone()
    finally:
        con.close()
    return seconds, rows


UNIT_YEAR_COLUMNS = ("unit_id", "year", "phase", "consolidated", *finance_sql.SUM_COLUMNS)
RATIO_COLUMNS = (
    "transfer_dependence",
    "own_revenue_share",
    "vertical_imbalance",
    "net_general_transfer",
    "position",
    "revenue_per_capita_tiyn",
    "spending_per_capita_tiyn",
)


def check_floor(env: dict[str, str], site: Path, work: Path) -> dict[str, int]:
    """Fail unless DuckDB computed what esep did: every UnitYear row of the site (sums,
    transfers, population, kind, own and consolidated) against the floor's, and esep's own
    indicators for a sample of rows against the floor's ratios."""
    import duckdb

    exported = work / "esep_unit_year.csv"
    con = sqlite3.connect(f"file:{site_db(site)}?mode=ro", uri=True)
    try:
        rows = con.execute(
            f"SELECT {', '.join(UNIT_YEAR_COLUMNS)} FROM finance_unityear"  # noqa: S608
        ).fetchall()
    finally:
        con.close()
    with exported.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(UNIT_YEAR_COLUMNS)
        writer.writerows(
            (*row[:3], "true" if row[3] else "false", *row[4:]) for row in rows
        )  # fmt: skip
    duck = duckdb.connect(str(work / "floor.duckdb"))
    try:
        differ = duck.execute(finance_sql.compare_sql(exported)).fetchall()
        floor_rows = duck.execute(
            f"SELECT unit_id, year, phase, consolidated, {', '.join(RATIO_COLUMNS)} "  # noqa: S608
            "FROM unit_year ORDER BY consolidated, unit_id, year, phase"
        ).fetchall()
    finally:
        duck.close()
    if differ:
        shown = "\n".join(str(row) for row in differ[:10])
        raise http.BenchError(
            f"DuckDB's sums differ from esep's UnitYear in {len(differ)} rows "
            f"(esep rows {len(rows)}); the first:\n{shown}"
        )
    own = [r for r in floor_rows if not r[3]]
    consolidated = [r for r in floor_rows if r[3]]
    sample = own[:: max(1, len(own) // 400)] + consolidated[:: max(1, len(consolidated) // 100)]
    names = ("unit_id", "year", "phase", "consolidated", *RATIO_COLUMNS)
    sample_file = work / "ratio_sample.json"
    sample_file.write_text(json.dumps([dict(zip(names, r, strict=True)) for r in sample]))
    checked = shell(env, "CHECK_RATIOS", CHECK_RATIOS, {"file": str(sample_file)})
    if checked["bad"]:
        raise http.BenchError(
            f"DuckDB's indicators differ from esep's in {checked['bad']} of "
            f"{checked['checked']} sampled rows; the first: {checked['first']}"
        )
    print(
        f"  check: {len(rows):,} UnitYear rows equal in both; indicators equal in "
        f"{checked['checked']} sampled rows",
        flush=True,
    )
    return {"rows": len(rows), "ratios": checked["checked"]}


# --- profiles -------------------------------------------------------------------------------


def print_profile(path: Path, limit: int = 25) -> str:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs()
    for key in ("tottime", "cumulative"):
        out.write(f"\n--- {path.name}, by {key} ---\n")
        stats.sort_stats(key).print_stats(limit)
    return out.getvalue()


# --- report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    name: str
    what: str
    esep: float
    floor: float
    floor_what: str

    @property
    def ratio(self) -> float:
        return self.esep / self.floor

    @property
    def met(self) -> bool:
        return self.ratio <= TARGET_RATIO


def timings_table(timings: list[Timing]) -> str:
    rows = [
        "| measure | esep | floor | esep ÷ floor | target | result |",
        "|---|--:|--:|--:|---|---|",
    ]
    for t in timings:
        result = "met" if t.met else f"missed ({t.ratio:.3f})"
        if t.met and t.ratio > 0.95 * TARGET_RATIO:  # within the noise of one run
            result = f"met, narrowly ({t.ratio:.3f})"
        rows.append(
            f"| {t.name}: {t.what} | {t.esep:,.1f} s | {t.floor:,.1f} s ({t.floor_what}) "
            f"| {t.ratio:.2f} | ≤ {TARGET_RATIO:.0f}× | {result} |"
        )
    return "\n".join(rows)


def queries_table(counts: dict[str, dict]) -> str:
    rows = [
        "| page | queries, uncached: each address | constant | queries on a cache hit |",
        "|---|---|---|--:|",
    ]
    for name, found in counts.items():
        listed = "<br>".join(
            f"`{path}`: {n}" for path, n in zip(found["paths"], found["uncached"], strict=True)
        )
        constant = "yes" if len(set(found["uncached"])) == 1 else "no"
        rows.append(f"| {name} | {listed} | {constant} | {found['hit']} |")
    return "\n".join(rows)


def report(
    opts: Options,
    data: Dataset,
    timings: list[Timing],
    detail: dict,
    pages: dict,
    results: list[http.Result],
    build: http.SiteBuild,
    wrk: str | None,
    load: float,
) -> str:
    import duckdb

    units = ", ".join(f"{n:,} {kind}" for kind, n in sorted(data.budget_units.items()))
    facts = pages["facts"]
    demo = f"`esep demo --scale {build.scale}` took {http.duration(build.demo_seconds)}"
    if build.reused:
        where = f"kept with `--reuse-site`, built {build.built_at} UTC by an earlier run ({demo})"
    elif opts.reuse_site:
        where = f"kept with `--reuse-site`, built by this run ({demo})"
    else:
        where = f"in a temporary directory, built by this run ({demo})"
    imp, reb = detail["import"], detail["rebuild"]
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with {opts.command()}.",
        "",
        timings_table(timings),
        "",
        f"- Dataset: {data.lines:,} budget lines ({data.megabytes:,.0f} MB of CSV) in "
        f"{data.slices:,} slices (unit, year, direction, phase), {data.unit_years:,} unit-years "
        f"of {sum(data.budget_units.values()):,} budget units ({units}), years "
        f"{FIRST_YEAR}–{LAST_YEAR} (fourth-level units from 2020), phases approved, adjusted "
        f"and executed; {data.transfers:,} transfers; seed {opts.seed}. Deleted from the site "
        f"before the import (what `esep demo` or an earlier run imported): "
        + ", ".join(f"{n:,} rows of {table}" for table, n in detail["cleared"].items())
        + ".",
        f"- (a) esep: `read_path` + `import_budget(..., indicators=False)` in one `esep shell` "
        f"(Django already started), {imp['lines']:,} lines written, peak memory "
        f"{imp['max_rss_mb']:,} MB. Floor: `csv.reader` + one `executemany` of the raw cells "
        f"into a new SQLite file with `finance_budgetline`'s DDL, WAL, synchronous=NORMAL, "
        f"{detail['floor_rows']:,} rows.",
        f"- (b) esep: `rebuild_indicators` (all years) in one `esep shell`, median of "
        f"{len(reb['runs'])} ({', '.join(f'{s:.1f}' for s in reb['runs'])} s), {reb['rows']:,} "
        f"UnitYear rows, peak memory {reb['max_rss_mb']:,} MB. Floor: DuckDB {duckdb.__version__} "
        f"({detail['duckdb_threads']} threads, median of {opts.repeat}) over the CSV files, the "
        f"same sums, consolidation and indicators into a table, {detail['duckdb_rows']:,} rows"
        + (
            f"; on one thread, as esep runs, DuckDB takes {detail['duckdb_single']:.1f} s "
            f"(esep ÷ that: {reb['seconds'] / detail['duckdb_single']:.2f})"
            if detail["duckdb_single"]
            else ""
        )
        + f". Checked equal: every one of the {detail['checked']['rows']:,} rows' sums, and "
        f"esep's indicators of {detail['checked']['ratios']} sampled rows.",
    ]
    if results:
        floor = results[0].rps
        met = [r.target.name for r in results if http.goal_met(r, floor) is True]
        missed = [r.target.name for r in results if http.goal_met(r, floor) is False]
        lines += [
            "",
            http.table(results),
            "",
            f"Ratio to floor = requests/s of the target ÷ requests/s of the floor. Goal "
            f"(≥ {PAGE_GOAL} cached): met by {', '.join(met) or 'none'}; missed by "
            f"{', '.join(missed) or 'none'}. Pages for {facts['year']}: district "
            f"{facts['district']} ({facts['district_lines']} lines that year), oblast "
            f"{facts['oblast']} ({facts['oblast_lines']} lines); /api/v1/indicators?year="
            f"{facts['year']} pages {facts['indicator_rows']:,} rows.",
        ]
    lines += [
        "",
        queries_table(pages["counts"]),
        "",
        "Queries counted with `CaptureQueriesContext` around a test-client GET in the site "
        "(uncached: ESEP_PAGE_CACHE_SECONDS=0).",
        "",
        http.machine_line(wrk, load, f", DuckDB {duckdb.__version__}"),
        f"- Site: ESEP_DEBUG=0, SQLite (WAL) {where}.",
    ]
    if results:
        wrk_cmd = f"wrk {' '.join(opts.http_options().wrk_args(opts.seconds, True))} URL"
        lines.append(
            f"- Load: `{wrk_cmd}` after a {opts.warmup}-second warm-up; gunicorn with "
            f"{opts.workers} sync workers, one for the floor, one with the page cache on, one "
            "with ESEP_PAGE_CACHE_SECONDS=0 for the `(no cache)` targets."
        )
    return "\n".join(lines)


def write_readme(body: str) -> None:
    http.write_block(START_MARKER, END_MARKER, body, "## Finance results")


# --- main -----------------------------------------------------------------------------------


def bench(opts: Options, tmp: Path, wrk: str | None, load: float) -> str:
    site = opts.reuse_site or tmp / "site"
    work = tmp / "data"
    work.mkdir()
    env = http.bench_env(site)
    build = http.prepare_site(env, site, SCALE, reuse=opts.reuse_site is not None)
    kinds = ["oblast", "republican_city", "district", "regional_city"]
    kinds += ["rural_district", "district_city"]
    prepared = shell(
        env,
        "PREPARE",
        PREPARE,
        {"work": str(work), "kinds": kinds, "first": FIRST_YEAR, "last": LAST_YEAR},
        timeout=LONG_TIMEOUT,
    )
    print(f"  site: {prepared}", flush=True)
    data = generate(work, opts.lines, opts.seed)
    print(
        f"  generated {data.lines:,} lines ({data.megabytes:,.0f} MB), {data.transfers:,} "
        f"transfers in {data.seconds:.1f} s",
        flush=True,
    )
    shell(env, "IMPORT_TRANSFERS", IMPORT_TRANSFERS, {"file": str(work / "transfers.csv")})
    profile = {}
    if opts.profile:
        opts.profile.mkdir(parents=True, exist_ok=True)
        profile = {step: str(opts.profile / f"{step}.prof") for step in ("import", "rebuild")}

    ddl = budget_line_ddl(site_db(site))
    imp = shell(
        env,
        "TIMED import",
        TIMED,
        {
            "step": "import",
            "file": str(work / "lines.csv"),
            "profile": profile.get("import"),
            "runs": 1,
        },
        timeout=LONG_TIMEOUT,
    )
    print(f"  esep import: {imp}", flush=True)
    if imp["lines"] != data.lines:
        raise http.BenchError(f"esep wrote {imp['lines']:,} lines of {data.lines:,}")
    floor_seconds, floor_rows = floor_import(work / "lines.csv", ddl, tmp / "floor.sqlite3")
    print(f"  floor import: {floor_seconds:.1f} s, {floor_rows:,} rows", flush=True)
    if floor_rows != data.lines:
        raise http.BenchError(f"the floor wrote {floor_rows:,} rows of {data.lines:,}")
    (tmp / "floor.sqlite3").unlink()

    reb = shell(
        env,
        "TIMED rebuild",
        TIMED,
        {"step": "rebuild", "profile": profile.get("rebuild"), "runs": opts.repeat},
        timeout=LONG_TIMEOUT,
    )
    print(f"  esep rebuild: {reb}", flush=True)
    duck = [duckdb_floor(work, opts.duckdb_threads) for _ in range(opts.repeat)]
    duck_seconds, duck_rows = statistics.median(s for s, _n in duck), duck[0][1]
    print(f"  DuckDB: {[round(s, 2) for s, _n in duck]} s, {duck_rows:,} rows", flush=True)
    single = None  # DuckDB on one core, as esep runs: for the record
    if opts.duckdb_threads != 1:
        single = statistics.median(duckdb_floor(work, 1)[0] for _ in range(opts.repeat))
        print(f"  DuckDB, 1 thread: {single:.2f} s", flush=True)
    checked = check_floor(env, site, work)

    facts_and_counts = shell(
        env, "PAGES", PAGES, {"year": opts.year, "pages": QUERY_PAGES}, timeout=LONG_TIMEOUT
    )
    print(f"  pages: {facts_and_counts}", flush=True)
    results: list[http.Result] = []
    if opts.pages and wrk is not None:
        facts = facts_and_counts["facts"]
        targets = [target.resolve(facts) for target in TARGETS]
        results = http.measure(targets, opts.http_options(), env, tmp, wrk)

    timings = [
        Timing(
            "(a) import",
            f"{data.lines:,} lines",
            imp["seconds"],
            floor_seconds,
            "csv + sqlite3 executemany",
        ),
        Timing(
            "(b) rebuild indicators",
            f"{reb['rows']:,} unit-years",
            reb["seconds"],
            duck_seconds,
            "DuckDB SQL over the CSV",
        ),
    ]
    import duckdb

    threads = opts.duckdb_threads
    if not threads:
        with duckdb.connect() as con:
            threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    detail = {
        "cleared": prepared["cleared"],
        "import": imp,
        "rebuild": reb,
        "floor_rows": floor_rows,
        "duckdb_rows": duck_rows,
        "duckdb_threads": threads,
        "duckdb_single": single,
        "checked": checked,
    }
    body = report(opts, data, timings, detail, facts_and_counts, results, build, wrk, load)
    for path in profile.values():
        print(print_profile(Path(path)))
    if any(r.errors for r in results):
        raise http.BenchError(f"wrk reported errors (see the errors column)\n\n{body}")
    return body


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None and opts.pages:
        print("wrk not found: apt-get install wrk (or --no-pages)", file=sys.stderr)
        return 2
    load = http.load_average()
    if load > 0.5:
        print(f"bench: load average is {load:.2f}: other work lowers the numbers", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="esep-bench-finance-"))
    try:
        body = bench(opts, tmp, wrk, load)
    except http.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(body)
    if opts.write_readme:
        write_readme(body)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
