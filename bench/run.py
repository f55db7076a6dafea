"""esep's HTTP benchmark: `make bench` (or `.venv/bin/python bench/run.py` from the project root).

It builds a throwaway production-mode site (ESEP_DEBUG=0, demo data at national scale by default,
collected static files) in a temporary directory, or reuses one built earlier with
`--reuse-site DIR`, serves it with gunicorn on 127.0.0.1, measures each target with wrk and
writes the table into bench/README.md between the results markers. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "bench" / "README.md"
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"
HOST = "127.0.0.1"  # loopback only, always

FLOOR_APP = "bench.floor_wsgi:application"
ESEP_APP = "esep.wsgi:application"
SCALES = ("small", "national")
SITE_MANIFEST = "bench-site.json"  # written into a --reuse-site directory once its build is done
DEMO_TIMEOUT = 1800  # seconds; `esep demo --scale national` takes minutes
STEP_TIMEOUT = 300  # seconds, every other esep command
# The page cache (src/esep/core/cache.py) serves anonymous visitors; 0 turns it off.
NO_CACHE = (("ESEP_PAGE_CACHE_SECONDS", "0"),)


@dataclass(frozen=True)
class Target:
    """One URL to measure. `expect` must appear in a 200 answer before the load starts.

    `path` and `expect` may name facts of the built site in braces (`{district}`): they are
    filled in by `resolve()` once the site exists (see SITE_FACTS). `settings` are environment
    variables for this target's gunicorn on top of the bench's; `goal` is the ratio to the floor
    the target is meant to reach (reported, not enforced)."""

    name: str
    app: str
    path: str
    expect: str
    what: str
    settings: tuple[tuple[str, str], ...] = ()
    goal: float | None = None

    def resolve(self, facts: dict[str, object]) -> Target:
        return replace(self, path=self.path.format_map(facts), expect=self.expect.format_map(facts))

    def server(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Targets with the same app and settings share one gunicorn."""
        return self.app, self.settings


def uncached(target: Target) -> Target:
    """The same page with the page cache turned off: what a cache miss costs."""
    return replace(target, name=f"{target.name} (no cache)", settings=NO_CACHE, goal=None)


# The "who governs" registry: public pages and API lists, all behind the page cache.
REGISTRY = [
    Target(
        "national",
        ESEP_APP,
        "/kk/units/",
        'class="map-svg"',
        "map of the 20 regions by share of directly elected akims",
        goal=0.5,
    ),
    Target(
        "unit",
        ESEP_APP,
        "/kk/units/{district}/",
        'id="composition-caption"',
        "a district: akim, maslikhat composition, rural districts below",
        goal=0.5,
    ),
    Target(
        "unit-region",
        ESEP_APP,
        "/kk/units/{oblast}/",
        'id="children-caption"',
        "an oblast: its districts and cities below with their akims",
        goal=0.5,
    ),
    Target(
        "person",
        ESEP_APP,
        "/kk/people/{person}/",
        'id="history-caption"',
        "a person with several mandates, newest first",
        goal=0.5,
    ),
    Target(
        "search",
        ESEP_APP,
        "/kk/search/?q=Shymkent",
        'href="/kk/units/{shymkent}/"',
        "search for a place by its Latin name",
        goal=0.5,
    ),
    Target(
        "search-person",
        ESEP_APP,
        "/kk/search/?q={family_latin}",
        'href="/kk/people/',
        "search for people by a Latin family name",
        goal=0.5,
    ),
    Target(
        "api-units",
        ESEP_APP,
        "/api/v1/units?limit=100",
        '"ocd_id"',
        "API: 100 units and the total count",
        goal=0.5,
    ),
    Target(
        "api-mandates",
        ESEP_APP,
        "/api/v1/mandates?current=true&limit=100",
        '"term_ends"',
        "API: 100 current mandates (joins) and the total count",
        goal=0.5,
    ),
]

# To add a benchmark, add a Target here (keep targets of one gunicorn, same app and settings,
# next to each other, so that one gunicorn serves them all). The floor must stay first: every
# ratio is computed against it.
TARGETS = [
    Target("floor", FLOOR_APP, "/", "ok", "Django + gunicorn, esep settings, one trivial view"),
    Target("healthz", ESEP_APP, "/healthz", '"ok"', "plain Django view, one SQL query"),
    Target("api-health", ESEP_APP, "/api/v1/health", '"ok"', "django-ninja endpoint, no DB"),
    Target("home", ESEP_APP, "/kk/", '<th scope="row">', "home page: 20 units, template (cached)"),
    *REGISTRY,
    *(uncached(target) for target in REGISTRY),
]

# Facts of the built site that targets name in braces, printed as JSON by `esep shell -c`.
# Each pick is deterministic (same data, same pick) and typical rather than extreme: the
# in-force district and oblast with the median number of units below them (the district among
# those with rural districts below), the first published person holding two or more published
# mandates, and that person's family name as written in Latin letters.
SITE_FACTS = """
import json
from urllib.parse import quote
from django.db.models import Count, Q
from esep.territory.models import Mandate, Person, Unit

def median(qs):
    rows = list(qs.order_by("below", "id").values_list("id", flat=True))
    if not rows:
        raise SystemExit("no unit fits")
    return rows[len(rows) // 2]

in_force = Unit.objects.filter(valid_until__isnull=True)
below = Count("children", filter=Q(children__valid_until__isnull=True))
rural = Count("children", filter=Q(children__kind="rural_district"))
district = median(
    in_force.filter(kind="district").annotate(below=below, rural=rural).filter(rural__gt=0)
)
oblast = median(in_force.filter(kind="oblast").annotate(below=below))
published = Mandate.objects.filter(published_at__isnull=False)
person = (
    Person.objects.filter(published_at__isnull=False)
    .annotate(n=Count("mandates", filter=Q(mandates__published_at__isnull=False)))
    .filter(n__gte=2)
    .order_by("id")
    .first()
)
if person is None:
    raise SystemExit("no person holds two mandates")
shymkent = in_force.get(name_en="Shymkent")
print(json.dumps({
    "district": district,
    "oblast": oblast,
    "person": person.pk,
    "family_latin": quote(person.name_latin.split()[0]),
    "shymkent": shymkent.pk,
    "units": Unit.objects.count(),
    "people": Person.objects.count(),
    "mandates": Mandate.objects.count(),
}))
"""


@dataclass(frozen=True)
class Result:
    target: Target
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str  # "" when wrk reported no socket errors and no non-2xx/3xx answers


@dataclass(frozen=True)
class Options:
    seconds: int
    warmup: int
    threads: int
    connections: int
    workers: int
    write_readme: bool
    scale: str
    reuse_site: Path | None
    args: tuple[str, ...]  # as given on the command line, for the results

    def command(self) -> str:
        if not self.args:
            return "`make bench` (`.venv/bin/python bench/run.py`)"
        return f"`.venv/bin/python bench/run.py {shlex.join(self.args)}`"

    def wrk_args(self, seconds: int, latency: bool) -> list[str]:
        args = [f"-t{self.threads}", f"-c{self.connections}", f"-d{seconds}s"]
        return [*args, "--latency"] if latency else args


WRK_TIMEOUT = 10  # seconds, per request, for PatientOptions


@dataclass(frozen=True)
class PatientOptions(Options):
    """The same wrk settings with a longer timeout: wrk's default (2 s) counts an uncached
    page that waits longer behind 15 others as a socket error and fails the run."""

    def wrk_args(self, seconds: int, latency: bool) -> list[str]:
        return [*super().wrk_args(seconds, latency), "--timeout", f"{WRK_TIMEOUT}s"]


class BenchError(Exception):
    """A step failed: the message says which and why."""


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk run per URL (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up per URL (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk open connections (default 16)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="gunicorn sync workers, one per core (default: nproc)",
    )
    parser.add_argument(
        "--no-readme", action="store_true", help="print the table only, leave README alone"
    )
    parser.add_argument(
        "--scale",
        choices=SCALES,
        default="national",
        help="size of the demo registry, passed to `esep demo --scale` (default national)",
    )
    parser.add_argument(
        "--reuse-site",
        type=Path,
        metavar="DIR",
        help="keep the built site in DIR: build it there when DIR is empty or missing, reuse "
        "it when DIR holds a site built earlier with the same --scale",
    )
    ns = parser.parse_args(argv)
    for name in ("seconds", "warmup", "threads", "connections", "workers"):
        if getattr(ns, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if ns.connections < ns.threads:
        parser.error("--connections must be at least --threads")
    return Options(
        seconds=ns.seconds,
        warmup=ns.warmup,
        threads=ns.threads,
        connections=ns.connections,
        workers=ns.workers,
        write_readme=not ns.no_readme,
        scale=ns.scale,
        reuse_site=ns.reuse_site.resolve() if ns.reuse_site else None,
        args=tuple(sys.argv[1:] if argv is None else argv),
    )


def venv_tool(name: str) -> Path:
    """A console script next to the running interpreter (.venv/bin when run by `make bench`)."""
    tool = Path(sys.executable).parent / name
    if not tool.exists():
        raise BenchError(f"{tool} not found: run `make install-test` first")
    return tool


def bench_env(site: Path) -> dict[str, str]:
    """Production-mode settings pointing at the site's directory, nothing inherited."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ESEP_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="esep.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        ESEP_VAR_DIR=str(site / "var"),
        ESEP_STATIC_ROOT=str(site / "static"),
        ESEP_DEBUG="0",
        ESEP_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        ESEP_ALLOWED_HOSTS=f"{HOST},localhost",
        ESEP_SSL_REDIRECT="0",
        ESEP_HSTS_SECONDS="0",
        ESEP_LOG_LEVEL="WARNING",
    )
    return env


@dataclass(frozen=True)
class SiteBuild:
    """How the measured site's data came to be: kept in SITE_MANIFEST of a --reuse-site DIR."""

    scale: str
    demo_seconds: float  # how long `esep demo --scale …` took
    built_at: str  # UTC, when the build finished
    reused: bool = False  # True when this run found the site already built


def esep(args: list[str], env: dict[str, str], timeout: int = STEP_TIMEOUT, label: str = "") -> str:
    """Run one esep command on the site; `label` stands for the arguments in messages."""
    shown = label or " ".join(args)
    print(f"$ esep {shown}", flush=True)
    try:
        done = subprocess.run(
            [str(venv_tool("esep")), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"esep {shown} took longer than {timeout} s") from None
    if done.returncode != 0:
        raise BenchError(f"esep {shown} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def shell_json(
    env: dict[str, str], name: str, script: str, args: dict, timeout: int = STEP_TIMEOUT
) -> dict:
    """Run `script` in `esep shell` of the site with ARGS, the JSON of `args` (passed in a
    file: it may be longer than a command line); its last line of output is JSON."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="esep-bench-") as handle:
        json.dump(args, handle)
        handle.flush()
        code = f"from pathlib import Path\nARGS = Path({handle.name!r}).read_text()\n{script}"
        output = esep(["shell", "-c", code], env, timeout=timeout, label=f"shell -c {name}")
    try:
        return json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchError(f"{name}: no JSON in the output:\n{output}") from None


def build_site(env: dict[str, str], scale: str) -> SiteBuild:
    esep(["compile-catalogues"], env)
    esep(["migrate", "--no-input"], env)
    started = time.monotonic()
    esep(["demo", "--scale", scale], env, timeout=DEMO_TIMEOUT)
    seconds = time.monotonic() - started
    print(f"  esep demo --scale {scale} took {duration(seconds)}", flush=True)
    esep(["collectstatic", "--no-input"], env)
    return SiteBuild(scale, round(seconds, 1), f"{datetime.now(UTC):%Y-%m-%d %H:%M}")


def prepare_site(env: dict[str, str], site: Path, scale: str, reuse: bool) -> SiteBuild:
    """Build the site in `site`; with `reuse`, keep it there and use it again next time.

    A reused site is brought up to date with the code (catalogues, migrations, static files) but
    its data is the one built the first time: empty DIR to build it again."""
    if not reuse:
        return build_site(env, scale)
    manifest = site / SITE_MANIFEST
    if manifest.exists():
        try:
            built = SiteBuild(**json.loads(manifest.read_text()))
        except (ValueError, TypeError) as exc:
            raise BenchError(f"{manifest} is unreadable ({exc}): empty {site}") from None
        if built.scale != scale:
            raise BenchError(
                f"{site} holds a site built with --scale {built.scale}, not {scale}: "
                "give another directory or empty this one"
            )
        print(f"reusing the {scale} site in {site} (built {built.built_at} UTC)", flush=True)
        esep(["compile-catalogues"], env)
        esep(["migrate", "--no-input"], env)
        esep(["collectstatic", "--no-input"], env)
        return replace(built, reused=True)
    if site.exists() and any(site.iterdir()):
        raise BenchError(f"{site} is not empty and holds no {SITE_MANIFEST}: give an empty one")
    site.mkdir(parents=True, exist_ok=True)
    try:
        built = build_site(env, scale)
    except BaseException:
        # The directory was empty: remove the half-built site so that the next run starts over.
        for child in ("var", "static"):
            shutil.rmtree(site / child, ignore_errors=True)
        raise
    manifest.write_text(json.dumps(asdict(built), indent=2) + "\n")
    return built


def site_facts(env: dict[str, str]) -> dict[str, object]:
    """Ids and counts of the built site that targets name in braces (see SITE_FACTS)."""
    output = esep(["shell", "-c", SITE_FACTS], env, label="shell -c SITE_FACTS")
    try:
        facts = json.loads(output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchError(f"could not read the site's facts:\n{output}") from None
    print(f"  site facts: {facts}", flush=True)
    return facts


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def get(
    port: int, path: str, timeout: float = 30.0, headers: Sequence[str] = ()
) -> tuple[int, str]:
    """One GET without following redirects: a 3xx is reported as it is. `headers` as wrk's
    `-H` takes them ("Name: value")."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=dict(header.split(": ", 1) for header in headers))
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def log_tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def gunicorn(app: str, env: dict[str, str], opts: Options, log: Path, probe: str) -> Iterator[int]:
    """Serve `app` on a free loopback port until the block ends; yields the port."""
    port = free_port()
    cmd = [
        str(venv_tool("gunicorn")),
        app,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(opts.workers),
        "--worker-class",
        "sync",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(ROOT),
        "--no-control-socket",
        "--log-level",
        "warning",
    ]  # no --access-logfile: gunicorn writes no access log unless asked to
    with log.open("w") as log_file:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise BenchError(f"gunicorn {app} exited ({proc.returncode}):\n{log_tail(log)}")
            try:
                get(port, probe, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"gunicorn {app} did not answer within 30 s:\n{log_tail(log)}"
                    ) from None
                time.sleep(0.2)
        yield port
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


_DURATION_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise BenchError(f"unexpected wrk duration {text!r}")
    return float(match[1]) * _DURATION_MS[match[2]]


def parse_wrk(output: str) -> tuple[float, float, float, int, str]:
    """Requests/sec, p50 ms, p99 ms, total requests and an error summary from `wrk --latency`."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50(?:\.000)?%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not read wrk's output:\n{output}")
    errors = []
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        kinds = ("connect", "read", "write", "timeout")
        errors += [f"{n} {k}" for k, n in zip(kinds, sockets.groups(), strict=True) if n != "0"]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors.append(f"{non2xx[1]} non-2xx")
    return float(rps[1]), to_ms(p50[1]), to_ms(p99[1]), int(total[1]), ", ".join(errors)


def run_wrk(
    wrk: str, url: str, seconds: int, opts: Options, latency: bool, headers: Sequence[str] = ()
) -> str:
    sent = [arg for header in headers for arg in ("-H", header)]
    done = subprocess.run(
        [wrk, *opts.wrk_args(seconds, latency), *sent, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"wrk {url} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def check_answer(port: int, target: Target, headers: Sequence[str] = ()) -> None:
    """Load is only worth measuring on the right page: a 200 that contains `expect`."""
    status, body = get(port, target.path, timeout=60.0, headers=headers)
    if status != 200:
        raise BenchError(f"{target.name}: GET {target.path} answered {status}, not 200")
    if target.expect not in body:
        raise BenchError(f"{target.name}: GET {target.path} lacks {target.expect!r}")


def measure(
    targets: list[Target],
    opts: Options,
    env: dict[str, str],
    tmp: Path,
    wrk: str,
    headers: dict[str, list[str]] | None = None,
    probe: str | None = None,
) -> list[Result]:
    """Each target under wrk, on one gunicorn per server setting. `headers` by target name
    (such as a session cookie); `probe`, the path that tells the server is up (by default the
    group's first target)."""
    headers = headers or {}
    groups: list[list[Target]] = []
    for target in targets:
        if groups and groups[-1][0].server() == target.server():
            groups[-1].append(target)
        else:
            groups.append([target])
    results = []
    for number, group in enumerate(groups, 1):
        app, settings = group[0].server()
        extra = "".join(f", {key}={value}" for key, value in settings)
        print(f"gunicorn {app} ({opts.workers} sync workers{extra})", flush=True)
        log = tmp / f"gunicorn-{number}-{app.split(':')[0]}.log"
        server = gunicorn(app, {**env, **dict(settings)}, opts, log, probe or group[0].path)
        with server as port:
            for target in group:
                sent = headers.get(target.name, [])
                check_answer(port, target, sent)
                url = f"http://{HOST}:{port}{target.path}"
                print(f"  {target.name}: warm-up {opts.warmup}s, run {opts.seconds}s", flush=True)
                run_wrk(wrk, url, opts.warmup, opts, latency=False, headers=sent)
                rps, p50, p99, total, errors = parse_wrk(
                    run_wrk(wrk, url, opts.seconds, opts, latency=True, headers=sent)
                )
                check_answer(port, target, sent)  # still right after the load
                results.append(Result(target, rps, p50, p99, total, errors))
    return results


def goal_met(result: Result, floor: float) -> bool | None:
    """Whether the target reached its goal ratio; None when it has no goal."""
    if result.target.goal is None:
        return None
    return result.rps / floor >= result.target.goal


def table(results: list[Result]) -> str:
    floor = results[0].rps
    rows = [
        "| target | URL | what it exercises | requests/s | p50 ms | p99 ms | ratio to floor "
        "| goal | requests | errors |",
        "|---|---|---|--:|--:|--:|--:|---|--:|---|",
    ]
    for r in results:
        met = goal_met(r, floor)
        goal = "" if met is None else f"≥ {r.target.goal:.2f} met"
        if met is False:  # the ratio column may round up to the goal: show the shortfall
            goal = f"≥ {r.target.goal:.2f} missed ({r.rps / floor:.3f})"
        rows.append(
            f"| {r.target.name} | `{r.target.path}` | {r.target.what} | {r.rps:,.0f} "
            f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.rps / floor:.2f} | {goal} | {r.requests:,} "
            f"| {r.errors or 'none'} |"
        )
    return "\n".join(rows)


def goals_summary(results: list[Result]) -> str:
    floor = results[0].rps
    met = [r.target.name for r in results if goal_met(r, floor) is True]
    missed = [r.target.name for r in results if goal_met(r, floor) is False]
    if not met and not missed:
        return ""
    return (
        f"Goal (ratio to floor at or above the goal column's value): met by "
        f"{', '.join(met) or 'none'}; missed by {', '.join(missed) or 'none'}."
    )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every number."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (done.stdout or done.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "unknown"


def report(
    results: list[Result],
    opts: Options,
    wrk: str,
    load: float,
    build: SiteBuild,
    facts: dict[str, object],
) -> str:
    wrk_cmd = f"wrk {' '.join(opts.wrk_args(opts.seconds, latency=True))} URL"
    demo = f"`esep demo --scale {build.scale}` took {duration(build.demo_seconds)}"
    if build.reused:
        where = f"kept with `--reuse-site`, built {build.built_at} UTC by an earlier run ({demo})"
    elif opts.reuse_site:
        where = f"kept with `--reuse-site`, built by this run ({demo})"
    else:
        where = f"in a temporary directory, built by this run ({demo})"
    counts = ", ".join(f"{facts[key]:,} {key}" for key in ("units", "people", "mandates"))
    return "\n".join(
        [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with {opts.command()}.",
            "",
            table(results),
            "",
            "Ratio to floor = requests/s of the target ÷ requests/s of the floor. "
            + goals_summary(results),
            "",
            f"- Machine: {os.cpu_count()} cores (nproc), {cpu_model()}; "
            f"Python {platform.python_version()}, Django {version('Django')}, "
            f"gunicorn {version('gunicorn')}, {wrk_version(wrk)}; "
            f"1-minute load average {load:.2f} before the run.",
            f"- Load: `{wrk_cmd}` after a {opts.warmup}-second warm-up "
            f"(`-d{opts.warmup}s`, same threads and connections) on each URL; wrk and gunicorn "
            f"share the same cores.",
            f"- Server: gunicorn, {opts.workers} sync workers (one per core), no access log, "
            f"on {HOST}; a fresh gunicorn for the floor, one for esep's targets with the page "
            f"cache on (its default, ESEP_PAGE_CACHE_SECONDS=600) and one for the `(no cache)` "
            f"targets with ESEP_PAGE_CACHE_SECONDS=0.",
            "- Site: ESEP_DEBUG=0 (production settings: whitenoise manifest storage, secure "
            "cookies), ESEP_SSL_REDIRECT=0 and ESEP_HSTS_SECONDS=0 since the bench speaks plain "
            f"HTTP; SQLite (WAL) {where}: {counts}.",
        ]
    )


def write_block(start_marker: str, end_marker: str, body: str, heading: str) -> None:
    """Put `body` between the two markers of bench/README.md, or, the first time, append it
    under `heading`."""
    block = f"{start_marker}\n{body}\n{end_marker}"
    if README.exists():
        text = README.read_text()
        start, end = text.find(start_marker), text.find(end_marker)
        if start != -1 and end > start:
            text = text[:start] + block + text[end + len(end_marker) :]
        else:
            text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    else:
        text = f"# esep benchmarks\n\nSee bench/run.py.\n\n{heading}\n\n{block}\n"
    README.write_text(text)


def write_readme(body: str) -> None:
    write_block(START_MARKER, END_MARKER, body, "## Results")


def memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def machine_line(wrk: str | None, load: float, extra: str = "") -> str:
    """The machine and the software measured, as the benchmarks with a database print it."""
    return (
        f"- Machine: {os.cpu_count()} cores (nproc), {memory_gb():.0f} GB RAM, "
        f"{cpu_model()}; Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, Django {version('Django')}{extra}"
        + (f", gunicorn {version('gunicorn')}, {wrk_version(wrk)}" if wrk else "")
        + f"; 1-minute load average {load:.2f} before the run."
    )


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    load = load_average()
    if load > 0.5:
        print(
            f"bench: load average is {load:.2f}: other work on this machine will lower the "
            "numbers (they are still written, with the load average)",
            file=sys.stderr,
        )
    tmp = Path(tempfile.mkdtemp(prefix="esep-bench-"))
    site = opts.reuse_site or tmp / "site"
    try:
        env = bench_env(site)
        build = prepare_site(env, site, opts.scale, reuse=opts.reuse_site is not None)
        facts = site_facts(env)
        targets = [target.resolve(facts) for target in TARGETS]
        results = measure(targets, opts, env, tmp, wrk)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body = report(results, opts, wrk, load, build, facts)
    print()
    print(body)
    if opts.write_readme:
        write_readme(body)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    if any(r.errors for r in results):
        print("bench: wrk reported errors (see the errors column)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
