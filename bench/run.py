"""esep's HTTP benchmark: `make bench` (or `.venv/bin/python bench/run.py` from the project root).

It builds a throwaway production-mode site (ESEP_DEBUG=0, demo data, collected static files) in
a temporary directory, serves it with gunicorn on 127.0.0.1, measures each target with wrk and
writes the table into bench/README.md between the results markers. See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Target:
    """One URL to measure. `expect` must appear in a 200 answer before the load starts."""

    name: str
    app: str
    path: str
    expect: str
    what: str


# To add a benchmark, add a Target here (keep targets of one app next to each other, so that
# one gunicorn serves them all). The floor must stay first: every ratio is computed against it.
TARGETS = [
    Target("floor", FLOOR_APP, "/", "ok", "Django + gunicorn, esep settings, one trivial view"),
    Target("healthz", ESEP_APP, "/healthz", '"ok"', "plain Django view, one SQL query"),
    Target("api-health", ESEP_APP, "/api/v1/health", '"ok"', "django-ninja endpoint, no DB"),
    Target("home", ESEP_APP, "/kk/", '<th scope="row">', "home page: 20 units, template"),
]


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

    def wrk_args(self, seconds: int, latency: bool) -> list[str]:
        args = [f"-t{self.threads}", f"-c{self.connections}", f"-d{seconds}s"]
        return [*args, "--latency"] if latency else args


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
    )


def venv_tool(name: str) -> Path:
    """A console script next to the running interpreter (.venv/bin when run by `make bench`)."""
    tool = Path(sys.executable).parent / name
    if not tool.exists():
        raise BenchError(f"{tool} not found: run `make install-test` first")
    return tool


def bench_env(tmp: Path) -> dict[str, str]:
    """Production-mode settings pointing at the throwaway directory, nothing inherited."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ESEP_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="esep.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        ESEP_VAR_DIR=str(tmp / "var"),
        ESEP_STATIC_ROOT=str(tmp / "static"),
        ESEP_DEBUG="0",
        ESEP_SECRET_KEY=secrets.token_urlsafe(48),  # 64 characters
        ESEP_ALLOWED_HOSTS=f"{HOST},localhost",
        ESEP_SSL_REDIRECT="0",
        ESEP_HSTS_SECONDS="0",
        ESEP_LOG_LEVEL="WARNING",
    )
    return env


def prepare_site(env: dict[str, str]) -> None:
    esep = venv_tool("esep")
    for args in (
        ["compile-catalogues"],
        ["migrate", "--no-input"],
        ["demo"],
        ["collectstatic", "--no-input"],
    ):
        print(f"$ esep {' '.join(args)}", flush=True)
        done = subprocess.run(
            [str(esep), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"esep {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    """One GET without following redirects: a 3xx is reported as it is."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def log_tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def gunicorn(app: str, env: dict[str, str], opts: Options, tmp: Path, probe: str) -> Iterator[int]:
    """Serve `app` on a free loopback port until the block ends; yields the port."""
    port = free_port()
    log = tmp / f"gunicorn-{app.split(':')[0]}.log"
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


def run_wrk(wrk: str, url: str, seconds: int, opts: Options, latency: bool) -> str:
    done = subprocess.run(
        [wrk, *opts.wrk_args(seconds, latency), url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"wrk {url} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def check_answer(port: int, target: Target) -> None:
    """Load is only worth measuring on the right page: a 200 that contains `expect`."""
    status, body = get(port, target.path)
    if status != 200:
        raise BenchError(f"{target.name}: GET {target.path} answered {status}, not 200")
    if target.expect not in body:
        raise BenchError(f"{target.name}: GET {target.path} lacks {target.expect!r}")


def measure(opts: Options, env: dict[str, str], tmp: Path, wrk: str) -> list[Result]:
    groups: list[list[Target]] = []
    for target in TARGETS:
        if groups and groups[-1][0].app == target.app:
            groups[-1].append(target)
        else:
            groups.append([target])
    results = []
    for group in groups:
        print(f"gunicorn {group[0].app} ({opts.workers} sync workers)", flush=True)
        with gunicorn(group[0].app, env, opts, tmp, group[0].path) as port:
            for target in group:
                check_answer(port, target)
                url = f"http://{HOST}:{port}{target.path}"
                print(f"  {target.name}: warm-up {opts.warmup}s, run {opts.seconds}s", flush=True)
                run_wrk(wrk, url, opts.warmup, opts, latency=False)
                rps, p50, p99, total, errors = parse_wrk(
                    run_wrk(wrk, url, opts.seconds, opts, latency=True)
                )
                check_answer(port, target)  # still right after the load
                results.append(Result(target, rps, p50, p99, total, errors))
    return results


def table(results: list[Result]) -> str:
    floor = results[0].rps
    rows = [
        "| target | URL | what it exercises | requests/s | p50 ms | p99 ms | ratio to floor "
        "| requests | errors |",
        "|---|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.target.name} | `{r.target.path}` | {r.target.what} | {r.rps:,.0f} "
            f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.rps / floor:.2f} | {r.requests:,} "
            f"| {r.errors or 'none'} |"
        )
    return "\n".join(rows)


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


def report(results: list[Result], opts: Options, wrk: str, load: float) -> str:
    wrk_cmd = f"wrk {' '.join(opts.wrk_args(opts.seconds, latency=True))} URL"
    return "\n".join(
        [
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench` "
            f"(`.venv/bin/python bench/run.py`).",
            "",
            table(results),
            "",
            "Ratio to floor = requests/s of the target ÷ requests/s of the floor.",
            "",
            f"- Machine: {os.cpu_count()} cores (nproc), {cpu_model()}; "
            f"Python {platform.python_version()}, Django {version('Django')}, "
            f"gunicorn {version('gunicorn')}, {wrk_version(wrk)}; "
            f"1-minute load average {load:.2f} before the run.",
            f"- Load: `{wrk_cmd}` after a {opts.warmup}-second warm-up "
            f"(`-d{opts.warmup}s`, same threads and connections) on each URL; wrk and gunicorn "
            f"share the same cores.",
            f"- Server: gunicorn, {opts.workers} sync workers (one per core), no access log, "
            f"on {HOST}; a fresh gunicorn for the floor and one for esep's targets.",
            "- Site: ESEP_DEBUG=0 (production settings: whitenoise manifest storage, secure "
            "cookies), ESEP_SSL_REDIRECT=0 and ESEP_HSTS_SECONDS=0 since the bench speaks plain "
            "HTTP; SQLite (WAL) in a temporary directory with `esep demo` data.",
        ]
    )


def write_readme(body: str) -> None:
    block = f"{START_MARKER}\n{body}\n{END_MARKER}"
    if README.exists():
        text = README.read_text()
        start, end = text.find(START_MARKER), text.find(END_MARKER)
        if start != -1 and end > start:
            text = text[:start] + block + text[end + len(END_MARKER) :]
        else:
            text = text.rstrip("\n") + f"\n\n## Results\n\n{block}\n"
    else:
        text = f"# esep benchmarks\n\nSee bench/run.py.\n\n## Results\n\n{block}\n"
    README.write_text(text)


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
    try:
        env = bench_env(tmp)
        prepare_site(env)
        results = measure(opts, env, tmp, wrk)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body = report(results, opts, wrk, load)
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
