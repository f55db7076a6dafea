"""esep's appeals benchmark: `make bench-appeals` (or `.venv/bin/python bench/appeals.py`).

It builds a throwaway production-mode site with the national demo registry (or reuses one with
`--reuse-site DIR`, see bench/run.py), writes about 5 million appeals over ten years across its
akimats and maslikhats with raw inserts into the real tables (bench/appeals_data.py, fixed seed)
and measures:

(1) pages as a ratio of the trivial-view floor with wrk (goal ≥ 0.5, cached where pages are
    cached): the staff inbox of the busiest body (signed in: cached for that session), that
    body's public statistics, the national overview and /open311/v2/requests.json, with the
    query counts of each page for two or more addresses;
(2) the computation of a busy body's figures (esep.accountability.queries.statistics.figures,
    uncached, median of several runs) against the same aggregate written as one raw SQL
    statement run through the same connection (bench/appeals_sql.py; target ≤ 1.5×).

A page that does not exist yet (404) is reported as not measured. It prints the tables and
writes them into bench/README.md between the appeals-results markers. See bench/README.md,
"Appeals".
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as http  # noqa: E402

README = ROOT / "bench" / "README.md"
START_MARKER = "<!-- appeals-results:start -->"
END_MARKER = "<!-- appeals-results:end -->"
SCALE = "national"
DEFAULT_APPEALS = 5_000_000
DEFAULT_YEARS = 10
DEFAULT_SEED = 2026
TARGET_RATIO = 1.5  # (2): esep's figures at most 1.5 × the raw SQL
PAGE_GOAL = 0.5  # (1): cached pages at least half the trivial-view floor
LONG_TIMEOUT = 4 * 3600  # seconds: writing millions of appeals takes minutes
MANIFEST = "bench-appeals.json"  # in a --reuse-site DIR: the appeals written there

# --- scripts run in the site with `esep shell -c`: each receives ARGS (JSON) and prints one
# --- JSON line last.

# Untimed. Removes the appeals already in the site (an earlier run's), loads the categories,
# and lists the bodies that receive appeals: every akimat and maslikhat of a published unit in
# force, weighted by the kind of unit (a city of republican significance receives most), each
# with the body its forwarded appeals go to (the akimat of the unit above; a maslikhat's go to
# its own unit's akimat) and the centre of its region (for coordinates).
PREPARE = """
import json
from django.db import connection
from shapely.geometry import shape
from esep.accountability.actions import load_categories
from esep.accountability.models import Category
from esep.core.actions import Actor
from esep.territory.geo import read_regions
from esep.territory.models import Body, Unit

args = json.loads(ARGS)
cleared = {}
if not args["keep"]:
    with connection.cursor() as cursor:
        for table in ("accountability_appealfile", "accountability_appealstep",
                      "accountability_appeal"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            cleared[table] = cursor.fetchone()[0]
            if cleared[table]:
                cursor.execute(f"DELETE FROM {table}")
        if cleared["accountability_appeal"] > 100_000 and connection.vendor == "sqlite":
            cursor.execute("VACUUM")  # the appeals then go into a compact file
load_categories(Actor.cli("bench-appeals"))
active = Category.objects.filter(is_active=True).order_by("id")
categories = list(active.values_list("id", flat=True))
centres = {iso: shape(g).representative_point() for iso, g in read_regions().items()}
in_force = Unit.objects.filter(valid_until__isnull=True, published_at__isnull=False)
units = {u.pk: u for u in in_force}
weights = args["weights"]
akimat_of = {b.unit_id: b.pk for b in Body.objects.filter(unit__in=list(units), kind="akimat")}
bodies = []
kinds = ("akimat", "maslikhat")
for body in Body.objects.filter(unit__in=list(units), kind__in=kinds).order_by("id"):
    unit = units[body.unit_id]
    ids = unit.path.strip("/").split("/")
    region = units.get(int(ids[1])) if len(ids) > 1 else None
    centre = centres.get(region.iso_code) if region is not None else None
    if centre is None:
        continue
    weight = weights.get(unit.kind, 1.0) * (1.0 if body.kind == "akimat" else 0.05)
    forward_to = akimat_of.get(unit.parent_id) if body.kind == "akimat" else akimat_of.get(unit.pk)
    bodies.append({"id": body.pk, "unit_id": unit.pk, "weight": weight, "next": forward_to,
                   "lat": round(centre.y, 4), "lon": round(centre.x, 4), "kind": body.kind})
print(json.dumps({"cleared": cleared, "categories": categories, "bodies": bodies,
                  "vendor": connection.vendor}))
"""

# Timed: bench/appeals_data.generate in the site (Django started), then ANALYZE as a deployment
# would after a bulk load, so that SQLite's planner knows the sizes.
GENERATE = """
import json, resource, time
import datetime as dt
from django.db import connection
from esep.accountability import clock
from bench.appeals_data import generate

args = json.loads(ARGS)
started = time.perf_counter()
written = generate(total=args["total"], bodies=args["bodies"], categories=args["categories"],
                   today=clock.today(), years=args["years"], seed=args["seed"])
seconds = time.perf_counter() - started
analyse = time.perf_counter()
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(json.dumps({**written.__dict__, "seconds": round(seconds, 1),
                  "analyse_seconds": round(time.perf_counter() - analyse, 1),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""

# Untimed: the bodies and units the targets name (the busiest body, a body with the median
# number of appeals, their units and regions), a staff account with a session for each of the
# two bodies (for the inbox), the size of the data, and whether the pages written by others
# exist yet.
FACTS = """
import json
from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.utils.crypto import get_random_string
from esep.accounts.actions import grant_role, register_resident
from esep.accounts.models import User
from esep.accountability.models import Appeal, AppealStep
from esep.core.actions import Actor
from esep.territory.models import Body, Unit

args = json.loads(ARGS)
per_body = Appeal.objects.values_list("body_id").annotate(n=Count("pk"))
counts = list(per_body.order_by("-n", "body_id"))
busy, busy_n = counts[0]
typical, typical_n = counts[len(counts) // 2]
system = Actor.cli("bench-appeals")
sessions = {}
for name, body_id in (("busy", busy), ("typical", typical)):
    body = Body.objects.get(pk=body_id)
    email = f"bench-{name}-{body_id}@bench.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = register_resident(system, email=email, full_name=f"Bench {name}",
                                 password="bench-staff-password-7", is_demo=True)
        kind = "akimat_editor" if body.kind == "akimat" else "maslikhat_staff"
        grant_role(system, user=user, kind=kind, body=body)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
# A browser signed in holds a CSRF cookie too (set by the sign-in page): a random secret.
csrf = {name: get_random_string(32) for name in sessions}
busy_body = Body.objects.select_related("unit").get(pk=busy)
ids = busy_body.unit.path.strip("/").split("/")
region = int(ids[1]) if len(ids) > 1 else busy_body.unit_id
district = (Unit.objects.filter(kind="district", valid_until__isnull=True)
            .annotate(n=Count("children")).order_by("-n", "id").values_list("id", flat=True)[0])
public = Appeal.objects.filter(body_id=busy, is_public=True).count()
probe = Client(SERVER_NAME="localhost")
exists = {}
for name, path in (("inbox", "/kk/appeals/inbox/"), ("open311", "/open311/v2/requests.json")):
    client = Client(SERVER_NAME="localhost")
    if name == "inbox":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions["busy"]
    exists[name] = client.get(path).status_code
print(json.dumps({
    "busy": busy, "busy_appeals": busy_n, "busy_public": public, "busy_name": str(busy_body),
    "busy_unit": busy_body.unit_id, "typical": typical, "typical_appeals": typical_n,
    "region": region, "district": district, "sessions": sessions, "exists": exists,
    "bodies_with_appeals": len(counts), "appeals": Appeal.objects.count(),
    "steps": AppealStep.objects.count(),
    "cookie": settings.SESSION_COOKIE_NAME, "csrf": csrf,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
}))
"""

# Untimed: SQL queries of each page for several addresses, uncached
# (ESEP_PAGE_CACHE_SECONDS=0), and on a cache hit (the inbox: its session's own copy).
QUERIES = """
import json
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

args = json.loads(ARGS)
facts = args["facts"]

def client_for(session):
    client = Client(SERVER_NAME="localhost")
    if session:
        client.cookies[settings.SESSION_COOKIE_NAME] = facts["sessions"][session]
        client.cookies[settings.CSRF_COOKIE_NAME] = facts["csrf"][session]
    return client

def count(path, session=None):
    client = client_for(session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(captured)

found = {}
for name, addresses in args["pages"].items():
    resolved = [(path.format(**facts), session) for path, session in addresses]
    with override_settings(ESEP_PAGE_CACHE_SECONDS=0):
        uncached = [count(path, session) for path, session in resolved]
    cache.clear()
    count(*resolved[0])  # fills the cache (a signed-in page: that session's own copy)
    hit = count(*resolved[0])
    found[name] = {"paths": [f"{p} (signed in, {s} body)" if s else p for p, s in resolved],
                   "uncached": uncached, "hit": hit}
print(json.dumps(found))
"""

# Timed: esep's figures of a body against the same aggregate as one raw SQL statement, through
# the same connection, alternately, after one untimed run of each; then (untimed) a check that
# both computed the same figures.
STATS = """
import json, statistics, time
from django.db import connection
from esep.accountability import clock
from esep.accountability.queries.public_appeals import Scope
from esep.accountability.queries.statistics import figures, median, trend_months
from esep.territory.models import Body
from bench.appeals_sql import figures_query, fold

args = json.loads(ARGS)
body = Body.objects.select_related("unit").get(pk=args["body"])
today = clock.today()
starts = [connection.ops.adapt_datetimefield_value(m.start) for m in trend_months(today)]
sql, params = figures_query(body.pk, today, starts)

def run_esep():
    started = time.perf_counter()
    found = figures(Scope(body=body), today)
    return time.perf_counter() - started, found

def run_floor():
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return time.perf_counter() - started, rows

run_esep(); run_floor()  # the database's pages into memory, for both alike
esep, floor = [], []
for _ in range(args["repeat"]):
    seconds, found = run_esep(); esep.append(seconds)
    seconds, rows = run_floor(); floor.append(seconds)
raw = fold(rows)
ours = {name: getattr(found, name).total for name in (
    "received", "decided", "on_time", "late", "open", "overdue", "forwarded",
    "forwarded_on_time", "extended", "rated", "satisfied")}
theirs = {name: raw[name] for name in ours}
problems = []
if ours != theirs:
    problems.append({"esep": ours, "floor": theirs})
if found.received.public != raw["public"]:
    problems.append({"public": [found.received.public, raw["public"]]})
if found.median_days != median(raw["histogram"].items()):
    problems.append({"median": [found.median_days, median(raw["histogram"].items())]})
months = {i: row.received.total for i, row in enumerate(found.trend) if row.received.total}
if months != raw["months"]:
    problems.append({"months": [months, raw["months"]]})
categories = {row.category.pk: row.received.total for row in found.by_category}
if categories != raw["categories"]:
    problems.append({"categories": [categories, raw["categories"]]})
print(json.dumps({
    "esep_runs": [round(s, 4) for s in esep], "floor_runs": [round(s, 4) for s in floor],
    "esep": statistics.median(esep), "floor": statistics.median(floor),
    "floor_rows": len(rows), "figures": ours, "median_days": found.median_days,
    "problems": problems, "today": today.isoformat(),
}))
"""

# Addresses whose query counts are compared (path, signed-in session or None): the first of
# each is the one measured with wrk.
QUERY_PAGES = {
    "staff inbox": [
        ("/kk/appeals/inbox/", "busy"),
        ("/kk/appeals/inbox/", "typical"),
        ("/kk/appeals/inbox/?page=2", "busy"),
    ],
    "body statistics": [
        ("/kk/appeals/bodies/{busy}/", None),
        ("/kk/appeals/bodies/{typical}/", None),
        ("/en/appeals/bodies/{busy}/", None),
    ],
    "unit statistics": [
        ("/kk/units/{region}/appeals/", None),
        ("/kk/units/{district}/appeals/", None),
        ("/kk/units/{busy_unit}/appeals/", None),
    ],
    "national overview": [("/kk/appeals/", None), ("/en/appeals/", None)],
    "public list": [
        ("/kk/appeals/public/?body={busy}", None),
        ("/kk/appeals/public/?bodies_in={region}&outcome=late&month=2025-03", None),
        ("/kk/appeals/public/?body={typical}&page=2", None),
    ],
    "open311 requests": [
        ("/open311/v2/requests.json", None),
        ("/open311/v2/requests.json?service_code=roads", None),
    ],
    "api statistics": [
        ("/api/v1/appeal-statistics?body={busy}", None),
        ("/api/v1/appeal-statistics?unit={district}", None),
    ],
}
# Pages written by others: measured only once they exist (FACTS probes them).
OTHERS = {"staff inbox": "inbox", "open311 requests": "open311"}

PAGE_TARGETS = [
    http.Target(
        "inbox",
        http.ESEP_APP,
        "/kk/appeals/inbox/",
        "<table",
        "staff inbox of the busiest body, signed in (cached for the session)",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "appeals-body",
        http.ESEP_APP,
        "/kk/appeals/bodies/{busy}/",
        'id="trend-chart"',
        "the busiest body's figures: trend, categories, map",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "appeals-national",
        http.ESEP_APP,
        "/kk/appeals/",
        'id="map-title"',
        "national overview: regions on the map and in a table",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "open311-requests",
        http.ESEP_APP,
        "/open311/v2/requests.json",
        '"service_request_id"',
        "Open311 GeoReport v2: the newest requests",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "appeals-unit",
        http.ESEP_APP,
        "/kk/units/{region}/appeals/",
        'id="below-caption"',
        "a region's figures and the units below it",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "appeals-list",
        http.ESEP_APP,
        "/kk/appeals/public/?body={busy}",
        'id="appeals-caption"',
        "the public appeals of the busiest body, first page of 50",
        goal=PAGE_GOAL,
    ),
    http.Target(
        "api-statistics",
        http.ESEP_APP,
        "/api/v1/appeal-statistics?body={busy}",
        '"median_working_days"',
        "API: the busiest body's figures",
        goal=PAGE_GOAL,
    ),
]
UNCACHED = (
    "inbox",
    "appeals-body",
    "appeals-national",
    "open311-requests",
    "appeals-unit",
    "appeals-list",
    "api-statistics",
)
SIGNED_IN = {"inbox": "busy"}
NOT_YET = {"inbox": "inbox", "open311-requests": "open311"}


@dataclass(frozen=True)
class Options:
    seconds: int
    warmup: int
    threads: int
    connections: int
    workers: int
    write_readme: bool
    reuse_site: Path | None
    reuse_appeals: bool
    appeals: int
    years: int
    seed: int
    repeat: int
    pages: bool
    args: tuple[str, ...]

    def command(self) -> str:
        if not self.args:
            return "`make bench-appeals` (`.venv/bin/python bench/appeals.py`)"
        return f"`.venv/bin/python bench/appeals.py {shlex.join(self.args)}`"

    def wrk_args(self, seconds: int, latency: bool) -> list[str]:
        return self.http_options().wrk_args(seconds, latency)

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
        "appeals are removed and written again unless --reuse-appeals",
    )
    parser.add_argument(
        "--reuse-appeals",
        action="store_true",
        help="with --reuse-site: keep the appeals an earlier run wrote there if it wrote "
        "the same number with the same seed and years",
    )
    parser.add_argument(
        "--appeals",
        type=int,
        default=DEFAULT_APPEALS,
        help=f"about how many appeals to write (default {DEFAULT_APPEALS:,}; "
        "e.g. 200000 for a quick run)",
    )
    parser.add_argument(
        "--years", type=int, default=DEFAULT_YEARS, help="over how many years (default 10)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=7,
        help="(2): how many timed runs of esep and of the floor, the medians count (7)",
    )
    parser.add_argument("--no-pages", action="store_true", help="skip the wrk measurements")
    ns = parser.parse_args(argv)
    for name in ("seconds", "warmup", "threads", "connections", "workers", "appeals", "years"):
        if getattr(ns, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if ns.repeat < 1:
        parser.error("--repeat must be at least 1")
    if ns.reuse_appeals and not ns.reuse_site:
        parser.error("--reuse-appeals needs --reuse-site")
    return Options(
        seconds=ns.seconds,
        warmup=ns.warmup,
        threads=ns.threads,
        connections=ns.connections,
        workers=ns.workers,
        write_readme=not ns.no_readme,
        reuse_site=ns.reuse_site.resolve() if ns.reuse_site else None,
        reuse_appeals=ns.reuse_appeals,
        appeals=ns.appeals,
        years=ns.years,
        seed=ns.seed,
        repeat=ns.repeat,
        pages=not ns.no_pages,
        args=tuple(sys.argv[1:] if argv is None else argv),
    )


def shell(
    env: dict[str, str], name: str, script: str, args: dict, timeout: int = http.STEP_TIMEOUT
) -> dict:
    return http.shell_json(env, name, script, args, timeout)


# Weights of a body's share of the appeals, by the kind of its unit (an akimat; a maslikhat
# receives a twentieth of that).
WEIGHTS = {
    "republican_city": 600.0,
    "oblast": 120.0,
    "regional_city": 60.0,
    "district": 25.0,
    "city_district": 30.0,
    "district_city": 6.0,
    "rural_district": 3.0,
    "village": 0.5,
}


# --- (1) pages ----------------------------------------------------------------------------------


def uncached_latency(
    targets: list[http.Target],
    opts: Options,
    env: dict[str, str],
    tmp: Path,
    headers: dict[str, list[str]],
    runs: int = 3,
) -> list[tuple[http.Target, list[float]]]:
    """Seconds of each page without the page cache, one request at a time (a page that takes
    seconds cannot be measured with wrk: its warm-up's queued requests fill the run)."""
    found = []
    settings = dict(http.NO_CACHE)
    print(f"gunicorn {http.ESEP_APP} (ESEP_PAGE_CACHE_SECONDS=0), one request at a time")
    server = http.gunicorn(
        http.ESEP_APP, {**env, **settings}, opts.http_options(), tmp / "gunicorn-nocache.log", "/"
    )
    with server as port:
        for target in targets:
            sent = headers.get(target.name, [])
            http.check_answer(port, target, sent)  # the first request: its pages come into memory
            seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                http.check_answer(port, target, sent)
                seconds.append(time.perf_counter() - started)
            print(f"  {target.name}: {[round(s, 2) for s in seconds]} s", flush=True)
            found.append((target, seconds))
    return found


def latency_table(found: list[tuple[http.Target, list[float]]]) -> str:
    rows = [
        "| page, no cache | URL | what it exercises | one request at a time, median | runs |",
        "|---|---|---|--:|---|",
    ]
    for target, seconds in found:
        median = sorted(seconds)[len(seconds) // 2]
        runs = ", ".join(f"{s * 1000:,.0f}" for s in seconds)
        rows.append(
            f"| {target.name} | `{target.path}` | {target.what} | {median * 1000:,.0f} ms "
            f"| {runs} ms |"
        )
    return "\n".join(rows)


# --- report ---------------------------------------------------------------------------------


def queries_table(counts: dict[str, dict], missing: dict[str, str]) -> str:
    rows = [
        "| page | queries, uncached: each address | constant | queries on a cache hit |",
        "|---|---|---|--:|",
    ]
    for name in QUERY_PAGES:
        if name in missing:
            rows.append(f"| {name} | not measured: {missing[name]} | | |")
            continue
        found = counts[name]
        listed = "<br>".join(
            f"`{path}`: {n}" for path, n in zip(found["paths"], found["uncached"], strict=True)
        )
        constant = "yes" if len(set(found["uncached"])) == 1 else "no"
        hit = "never cached" if found["hit"] is None else str(found["hit"])
        rows.append(f"| {name} | {listed} | {constant} | {hit} |")
    return "\n".join(rows)


def database_size(site: Path) -> str:
    db = site / "var" / "esep.sqlite3"
    return f"{db.stat().st_size / 1e9:.1f} GB" if db.exists() else "?"


DESCRIPTION = """\
`bench/appeals.py` (`make bench-appeals`) measures the appeals at national scale. It:

1. builds the national demo site as `bench/run.py` does (`esep demo --scale national`, or a
   site kept with `--reuse-site DIR`), removes any appeals in it and loads the categories;
2. writes about 5 million appeals filed over the last ten years (`--appeals`, `--years`) across
   every akimat and maslikhat of a unit in force, with raw `executemany` into
   `accountability_appeal` and, for the 5 % forwarded from one body to another,
   `accountability_appealstep` (`bench/appeals_data.py`, seed 2026). A body's share depends
   on its unit's kind (a city of republican significance receives most); appeals are written
   day by day in the order they were filed; every date of the legal clock comes from
   `WorkingCalendar` (the 15th working day after receipt, forwarding within 3, an extension to
   two months), so every row satisfies the models' constraints: 12 % are decided late, 8 %
   left, 3 % forwarded out of esep, 7 % extended, 0.4 % never answered, 25 % public, 30 %
   rated, 30 % with coordinates. Then `ANALYZE`, as after any bulk load;
3. **(1)** counts the SQL queries of each page for two or more addresses with
   `CaptureQueriesContext` around a test-client GET in the site, uncached
   (`ESEP_PAGE_CACHE_SECONDS=0`) and on a cache hit, then serves the site with gunicorn and
   measures with wrk as `bench/run.py` does, each page as a ratio of the trivial-view floor
   (goal ≥ 0.5): the staff inbox of the busiest body (signed in with the session and CSRF
   cookies of a staff account of that body; cached for that session until data changes), the
   busiest body's statistics page, the national overview and `/open311/v2/requests.json`
   (cached), and, for the record, a region's page, the public list and the statistics API;
   then times seven of them without the page cache, one request at a time (wrk cannot
   measure a page that takes seconds: the queued requests of its warm-up fill the run). A
   page that does not exist yet answers 404 and is reported as not measured;
4. **(2)** times `esep.accountability.queries.statistics.figures` for the busiest body (five
   GROUP BY queries and the folding of their rows into figures, uncached) against the same
   aggregate written as one raw SQL statement (`bench/appeals_sql.py`: the same groups as one
   UNION ALL, rows fetched, not folded) through the same connection: one untimed run of each,
   then `--repeat` runs of each alternately, medians compared (target ≤ 1.5×). It then checks
   that both computed the same figures, and fails if not;
5. prints the tables and writes them below, between the `appeals-results` markers.

Options: `--appeals N`, `--years N`, `--seed N`, `--repeat N`, `--no-pages`, `--no-readme`,
`--reuse-site DIR`, `--reuse-appeals` (keep the appeals an earlier run wrote in DIR), and
`bench/run.py`'s `--seconds`, `--warmup`, `--threads`, `--connections`, `--workers`.

```sh
make bench-appeals                                                    # the full run
.venv/bin/python bench/appeals.py --reuse-site ~/esep-bench-site      # build the site once
.venv/bin/python bench/appeals.py --reuse-site ~/esep-bench-site --appeals 200000 --no-readme
.venv/bin/python bench/appeals.py --reuse-site ~/esep-bench-site --reuse-appeals --no-pages
```
"""


def report(
    opts: Options,
    prepared: dict,
    written: dict,
    facts: dict,
    counts: dict,
    stats: dict,
    results: list[http.Result],
    latencies: list[tuple[http.Target, list[float]]],
    missing: dict[str, str],
    build: http.SiteBuild,
    wrk: str | None,
    load: float,
    site: Path,
) -> str:
    demo = f"`esep demo --scale {build.scale}` took {http.duration(build.demo_seconds)}"
    if build.reused:
        where = f"kept with `--reuse-site`, built {build.built_at} UTC by an earlier run ({demo})"
    elif opts.reuse_site:
        where = f"kept with `--reuse-site`, built by this run ({demo})"
    else:
        where = f"in a temporary directory, built by this run ({demo})"
    ratio = stats["esep"] / stats["floor"]
    result = "met" if ratio <= TARGET_RATIO else f"missed ({ratio:.3f})"
    f = stats["figures"]
    lines = [
        "## Appeals",
        "",
        DESCRIPTION,
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with {opts.command()}.",
        "",
        "| measure | esep | floor | esep ÷ floor | target | result |",
        "|---|--:|--:|--:|---|---|",
        f"| (2) figures of the busiest body ({facts['busy_appeals']:,} appeals at it) "
        f"| {stats['esep'] * 1000:,.0f} ms | {stats['floor'] * 1000:,.0f} ms (one raw SQL "
        f"statement, {stats['floor_rows']:,} rows) | {ratio:.2f} | ≤ {TARGET_RATIO}× "
        f"| {result} |",
        "",
        f"- Dataset: {written['appeals']:,} appeals filed {written['first_day']} to "
        f"{written['last_day']} and {written['steps']:,} forwardings, across "
        f"{facts['bodies_with_appeals']:,} bodies (of {len(prepared['bodies']):,} akimats and "
        f"maslikhats); seed {opts.seed}; written in {written['seconds']:,.0f} s (peak memory "
        f"{written['max_rss_mb']:,} MB), `ANALYZE` {written['analyse_seconds']:,.0f} s; "
        f"database {database_size(site)}."
        + (" Reused from an earlier run (`--reuse-appeals`)." if written.get("reused") else ""),
        f"- (2) Busiest body: {facts['busy_name']} (body {facts['busy']}), "
        f"{facts['busy_appeals']:,} appeals at it, {facts['busy_public']:,} public; figures on "
        f"{stats['today']}: received {f['received']:,}, decided {f['decided']:,} "
        f"({f['on_time']:,} on time), overdue now {f['overdue']:,}, forwarded "
        f"{f['forwarded']:,}, median {stats['median_days']} working days. esep: "
        f"`figures(Scope(body=…), today)` in one `esep shell`, runs "
        f"{', '.join(f'{s * 1000:.0f}' for s in stats['esep_runs'])} ms; floor: "
        f"`bench/appeals_sql.py` through `connection.cursor()`, runs "
        f"{', '.join(f'{s * 1000:.0f}' for s in stats['floor_runs'])} ms; medians compared. "
        "Checked equal: every headline figure, the public count, the median, the months and "
        "the categories.",
    ]
    if results:
        floor = results[0].rps
        met = [r.target.name for r in results if http.goal_met(r, floor) is True]
        missed = [r.target.name for r in results if http.goal_met(r, floor) is False]
        lines += [
            "",
            http.table(results),
            "",
            f"Ratio to floor = requests/s of the target ÷ requests/s of the floor. Goal (≥ "
            f"{PAGE_GOAL}): met by {', '.join(met) or 'none'}; missed by "
            f"{', '.join(missed) or 'none'}.",
        ]
    if latencies:
        lines += [
            "",
            latency_table(latencies),
            "",
            "Without the page cache (ESEP_PAGE_CACHE_SECONDS=0), after one request that brings "
            "the database's pages into memory: what the first visitor after a change waits.",
        ]
    for name, why in missing.items():
        lines += ["", f"- **{name}: not measured:** {why}"]
    lines += [
        "",
        queries_table(counts, {k: v for k, v in missing.items() if k in QUERY_PAGES}),
        "",
        "Queries counted with `CaptureQueriesContext` around a test-client GET in the site "
        "(uncached: ESEP_PAGE_CACHE_SECONDS=0; the inbox signed in as staff of the body named).",
        "",
        http.machine_line(wrk, load),
        f"- Site: ESEP_DEBUG=0, {prepared['vendor']} {where}.",
    ]
    if results:
        wrk_cmd = f"wrk {' '.join(opts.wrk_args(opts.seconds, True))} URL"
        lines.append(
            f"- Load: `{wrk_cmd}` (the inbox with `-H 'Cookie: …'`) after a {opts.warmup}-second "
            f"warm-up; gunicorn with {opts.workers} sync workers, one for the floor, one with the "
            "page cache on, one with ESEP_PAGE_CACHE_SECONDS=0 for the pages timed without it."
        )
    return "\n".join(lines)


def write_readme(body: str) -> None:
    http.write_block(START_MARKER, END_MARKER, body, "## Appeals")


# --- main -----------------------------------------------------------------------------------


def bench(opts: Options, tmp: Path, wrk: str | None, load: float) -> str:
    site = opts.reuse_site or tmp / "site"
    env = http.bench_env(site)
    build = http.prepare_site(env, site, SCALE, reuse=opts.reuse_site is not None)
    manifest = site / MANIFEST
    wanted = {"appeals": opts.appeals, "years": opts.years, "seed": opts.seed}
    earlier = json.loads(manifest.read_text()) if manifest.exists() else None
    keep = bool(opts.reuse_appeals and earlier and earlier.get("wanted") == wanted)
    prepared = shell(
        env,
        "PREPARE",
        PREPARE,
        {"weights": WEIGHTS, "keep": keep},
        timeout=LONG_TIMEOUT,
    )
    print(f"  site: {len(prepared['bodies']):,} bodies, cleared {prepared['cleared']}", flush=True)
    if keep:
        written = {**earlier["written"], "reused": True}
        print(f"  reusing the appeals written {earlier['at']}", flush=True)
    else:
        manifest.unlink(missing_ok=True)
        written = shell(
            env,
            "GENERATE",
            GENERATE,
            {
                "total": opts.appeals,
                "bodies": prepared["bodies"],
                "categories": prepared["categories"],
                "years": opts.years,
                "seed": opts.seed,
            },
            timeout=LONG_TIMEOUT,
        )
        if opts.reuse_site:
            manifest.write_text(
                json.dumps(
                    {"wanted": wanted, "written": written, "at": f"{datetime.now(UTC):%Y-%m-%d}"}
                )
            )
    print(f"  written: {written}", flush=True)
    facts = shell(env, "FACTS", FACTS, {}, timeout=LONG_TIMEOUT)
    print(
        f"  facts: busiest body {facts['busy']} ({facts['busy_appeals']:,} appeals), typical "
        f"{facts['typical']} ({facts['typical_appeals']:,}); pages of others: {facts['exists']}",
        flush=True,
    )
    missing = {}
    for page, key in OTHERS.items():
        if facts["exists"][key] == 404:
            missing[page] = f"`{QUERY_PAGES[page][0][0]}` answers 404: the view is not written yet"
    pages = {name: addresses for name, addresses in QUERY_PAGES.items() if name not in missing}
    counts = shell(env, "QUERIES", QUERIES, {"facts": facts, "pages": pages}, timeout=LONG_TIMEOUT)
    print(f"  queries: {counts}", flush=True)
    stats = shell(
        env, "STATS", STATS, {"body": facts["busy"], "repeat": opts.repeat}, timeout=LONG_TIMEOUT
    )
    print(
        f"  figures: esep {stats['esep_runs']} s, floor {stats['floor_runs']} s, "
        f"{stats['floor_rows']} rows",
        flush=True,
    )
    if stats["problems"]:
        raise http.BenchError(f"esep and the floor computed different figures: {stats}")
    results: list[http.Result] = []
    latencies: list[tuple[http.Target, list[float]]] = []
    if opts.pages and wrk is not None:
        skipped = {target for target, key in NOT_YET.items() if facts["exists"][key] == 404}
        chosen = [t.resolve(facts) for t in PAGE_TARGETS if t.name not in skipped]
        targets = [
            http.Target("floor", http.FLOOR_APP, "/", "ok", "Django + gunicorn, one trivial view"),
            *chosen,
        ]
        cookie = (
            f"Cookie: {facts['cookie']}={facts['sessions']['busy']}; "
            f"{facts['csrf_cookie']}={facts['csrf']['busy']}"
        )
        headers = {name: [cookie] for name in SIGNED_IN}
        results = http.measure(targets, opts.http_options(), env, tmp, wrk, headers, probe="/")
        latencies = uncached_latency(
            [t for t in chosen if t.name in UNCACHED], opts, env, tmp, headers
        )
    body = report(
        opts,
        prepared,
        written,
        facts,
        counts,
        stats,
        results,
        latencies,
        missing,
        build,
        wrk,
        load,
        site,
    )
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
    tmp = Path(tempfile.mkdtemp(prefix="esep-bench-appeals-"))
    started = time.monotonic()
    try:
        body = bench(opts, tmp, wrk, load)
    except http.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(body)
    print(f"\n(the run took {http.duration(time.monotonic() - started)})")
    if opts.write_readme:
        write_readme(body)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
