"""esep's ballot benchmark: `.venv/bin/python bench/ballots.py`.

Ballots cast concurrently through `cast_ballot`, on SQLite and then on PostgreSQL, each in a
fresh database: `--clients` clients (50 by default), each with its own database connection,
submit every voter's ballot twice at about the same moment from two different clients (a double
click, two tabs); the clients run as threads of one process, then as forked processes.
Afterwards it checks that no accepted ballot was lost and none counted twice, and compares the
accepted ballots per second with a bare insert loop of the same rows (a ballot's `Voter`,
`Ballot` and audit entry with `Model.objects.create` and its data-version increment, one
transaction per ballot; target ≥ 0.5). It also times
`cast_ballot` in one client, and where one ballot's time goes, step by step.

It prints the tables and writes them into bench/README.md between the ballots-results markers.
See bench/README.md, "Ballots".
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as http  # noqa: E402

README = ROOT / "bench" / "README.md"
START_MARKER = "<!-- ballots-results:start -->"
END_MARKER = "<!-- ballots-results:end -->"
DEFAULT_VOTERS = 2_000
DEFAULT_CLIENTS = 50
DEFAULT_POSTGRES = "postgres://esep:esep@127.0.0.1:5432/esep_bench_ballots"
DEFAULT_PROFILE = 200
FLOOR_PASSES = 3  # the bare insert loop runs this many times; the fastest counts
TARGET_RATIO = 0.5  # accepted ballots/s at least half the bare insert loop's ballots/s
WORKER_TIMEOUT = 4 * 3600  # seconds
STAGE_TIMEOUT = 600  # seconds a concurrent stage may run past its deadline before it fails
DEFAULT_DEADLINE = 300  # seconds; clients submit nothing more after it
MODES = ("threads", "processes")
PROJECTS = 10
# The setup only: accounts are registered with a fast hasher (Argon2 costs ~50 ms a password).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
VOTER_PASSWORD = "Kx9-quiet-orchard-lamp"  # noqa: S105 - throwaway accounts in a throwaway database


@dataclass(frozen=True)
class Options:
    voters: int
    clients: int
    postgres: str | None
    profile: int
    deadline: int
    modes: tuple[str, ...]
    write_readme: bool
    argv: tuple[str, ...]

    def command(self) -> str:
        args = " ".join(shlex.quote(a) for a in self.argv)
        return f"`.venv/bin/python bench/ballots.py{' ' + args if args else ''}`"


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--voters",
        type=int,
        default=DEFAULT_VOTERS,
        help=f"verified residents, each submitting twice (default {DEFAULT_VOTERS:,})",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=DEFAULT_CLIENTS,
        help=f"client threads, each with its own connection (default {DEFAULT_CLIENTS})",
    )
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        metavar="URL",
        help="PostgreSQL database to create afresh (dropped first and after the run; default "
        f"{DEFAULT_POSTGRES})",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument(
        "--profile",
        type=int,
        default=DEFAULT_PROFILE,
        help=f"ballots cast with their SQL queries timed (default {DEFAULT_PROFILE}; 0: none)",
    )
    parser.add_argument(
        "--deadline",
        type=int,
        default=DEFAULT_DEADLINE,
        help="seconds after which the concurrent clients submit nothing more; what is left is "
        f"reported as not submitted (default {DEFAULT_DEADLINE})",
    )
    parser.add_argument(
        "--clients-as",
        choices=(*MODES, "both"),
        default="both",
        help="run the clients as threads of one process, as forked processes, or both "
        "(default both)",
    )
    parser.add_argument("--no-readme", action="store_true", help="print only, leave README")
    argv = sys.argv[1:] if argv is None else argv
    ns = parser.parse_args(argv)
    if ns.voters < 1:
        parser.error("--voters must be at least 1")
    if ns.clients < 2:
        parser.error("--clients must be at least 2: each voter submits from two clients")
    if ns.profile < 0:
        parser.error("--profile must be 0 or more")
    if ns.deadline < 1:
        parser.error("--deadline must be at least 1")
    return Options(
        voters=ns.voters,
        clients=ns.clients,
        postgres=None if ns.no_postgres else ns.postgres,
        profile=ns.profile,
        deadline=ns.deadline,
        modes=MODES if ns.clients_as == "both" else (ns.clients_as,),
        write_readme=not ns.no_readme,
        argv=tuple(argv),
    )


@contextmanager
def collections_timed() -> Iterator[list[float]]:
    """How long each of Python's garbage collections takes while inside, in seconds."""
    import gc

    pauses: list[float] = []
    started: dict[int, float] = {}

    def watch(phase: str, _info: dict) -> None:
        key = threading.get_ident()
        if phase == "start":
            started[key] = time.perf_counter()
        elif key in started:
            pauses.append(time.perf_counter() - started.pop(key))

    gc.callbacks.append(watch)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(watch)


# --- the worker: runs in a child process with the site's environment, Django started ---------


def worker(args: dict) -> dict:
    """Set up, measure, check; returns what the report needs."""
    import django
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
    django.setup()

    import random
    from collections import Counter
    from datetime import date, timedelta
    from decimal import Decimal

    from django.core.exceptions import ValidationError
    from django.db import connection, connections, transaction
    from django.db.models import F
    from django.utils import timezone

    from esep.accounts import actions as accounts
    from esep.accounts.identity import make_iin
    from esep.accounts.models import User
    from esep.core.actions import Actor
    from esep.core.models import AuditEntry, DataVersion
    from esep.participation import phases
    from esep.participation.actions import processes
    from esep.participation.actions import projects as project_actions
    from esep.participation.actions.processes import Dates
    from esep.participation.actions.voting import cast_ballot, new_receipt
    from esep.participation.models import Ballot, Channel, Process, Voter
    from esep.participation.phases import PhaseKind
    from esep.territory.importers import load_regions
    from esep.territory.models import Unit

    n, clients = args["voters"], args["clients"]
    system = Actor.cli("bench-ballots")
    rng = random.Random(2026)  # noqa: S311 - benchmark data, not secrets
    day = timedelta(days=1)
    start = timezone.now().replace(microsecond=0) + day
    spans = {
        kind: Dates(start + 10 * i * day, start + 10 * (i + 1) * day)
        for i, kind in enumerate(phases.ORDER)
    }

    def during(kind: str):
        return spans[kind].starts_at + day

    def log(text: str) -> None:
        print(f"  [{connection.vendor}] {text}", file=sys.stderr, flush=True)

    # Setup (untimed).
    started = time.perf_counter()
    phases.now = lambda: start - day
    load_regions(system)
    almaty = Unit.objects.get(iso_code="KZ-75")
    people = []
    iins = set()
    for i in range(n):
        user = accounts.register_resident(
            system,
            email=f"voter{i}@ballots.bench.invalid",
            full_name=f"Bench Voter {i}",
            password=VOTER_PASSWORD,
        )
        born = date(1950, 1, 1) + timedelta(days=i % 15_000)
        iin = make_iin(born, 10 * (i // 15_000))
        if iin in iins:
            raise SystemExit(f"IIN {iin} made twice")
        iins.add(iin)
        verification = accounts.verify_in_person(system, user=user, iin=iin, unit=almaty)
        people.append((user, verification.identity_hash))
        if (i + 1) % 1000 == 0:
            log(f"{i + 1:,} voters registered and verified")

    def new_process(title: str, with_projects: bool) -> Process:
        phases.now = lambda: start - day
        process = processes.create_process(
            system,
            unit=almaty,
            titles={"kk": title, "ru": title, "en": title},
            year=start.year,
            budget=Decimal("1000000"),
            ballot_kind="approval",
            rule="greedy",
            max_choices=3,
        )
        processes.set_phases(system, process, spans)
        if with_projects:
            phases.now = lambda: during(PhaseKind.PROPOSALS)
            made = [
                project_actions.propose_project(
                    Actor(user=people[0][0]),
                    process,
                    title=f"Project {k}",
                    description="",
                    estimated_cost=100_000 + 40_000 * k,
                )
                for k in range(PROJECTS)
            ]
            phases.now = lambda: during(PhaseKind.REVIEW)
            for project in made:
                project_actions.review_project(system, project, feasible=True)
        return process

    concurrent = new_process("Concurrent ballots, clients as threads", True)
    forked = new_process("Concurrent ballots, clients as processes", True)
    single = new_process("One client", True)
    profiled = new_process("Profiled ballots", True)
    floor_processes = [
        new_process(f"Bare insert loop, pass {k}", False) for k in range(1, FLOOR_PASSES + 1)
    ]
    codes = sorted(concurrent.projects.values_list("code", flat=True))
    if len(codes) != PROJECTS:
        raise SystemExit(f"expected {PROJECTS} projects on the ballot, found {codes}")
    ballots = [rng.sample(codes, rng.randint(1, 3)) for _ in range(n)]
    moment = during(PhaseKind.VOTING)
    phases.now = lambda: moment
    today = timezone.localdate(moment)
    setup_seconds = time.perf_counter() - started
    log(f"set up in {setup_seconds:.1f} s")

    # Floor: the same rows as a ballot writes (who voted, what was voted, the audit entry
    # and the data version), one transaction per ballot, one thread; the best of
    # FLOOR_PASSES passes, each into a process of its own.
    passes = []
    for floor_process in floor_processes:
        floor_rows = [(u, h, new_receipt(), ballots[i]) for i, (u, h) in enumerate(people)]
        t0 = time.perf_counter()
        for user, identity_hash, receipt, choices in floor_rows:
            with transaction.atomic():
                voter = Voter.objects.create(
                    process=floor_process,
                    identity_hash=identity_hash,
                    voted_on=today,
                    ballot_link="",
                )
                Ballot.objects.create(
                    process=floor_process, receipt=receipt, channel=Channel.ONLINE, choices=choices
                )
                AuditEntry.objects.create(
                    actor=user,
                    actor_label=user.email,
                    role="resident",
                    verb="cast_ballot",
                    target_type=voter._meta.label_lower,
                    target_id=str(voter.pk),
                    data={"process": floor_process.pk},
                )
                DataVersion.objects.filter(pk=1).update(value=F("value") + 1)
        passes.append(time.perf_counter() - t0)
    floor_seconds = min(passes)
    log(
        f"floor: {n:,} ballots' rows in "
        + ", ".join(f"{seconds:.2f}" for seconds in passes)
        + f" s (best {floor_seconds:.2f} s)"
    )

    # One client: every voter once, in one thread. Each submission gets its own User object,
    # loaded beforehand, as each request loads its own: nothing cached on one (the roles)
    # serves another.
    ids = [user.pk for user, _h in people]

    def accounts_loaded() -> list:
        loaded = User.objects.in_bulk(ids)
        return [loaded[pk] for pk in ids]

    users = accounts_loaded()
    t0 = time.perf_counter()
    for i, user in enumerate(users):
        cast_ballot(Actor(user=user), single, choices=ballots[i])
    single_seconds = time.perf_counter() - t0
    log(f"one client: {n:,} ballots in {single_seconds:.2f} s")

    # Concurrent: voter i's two submissions go to clients i and i + clients/2 (mod clients);
    # each client submits in voter order, so both copies arrive at about the same moment.
    plan: list[list[tuple[int, int]]] = [[] for _ in range(clients)]
    for i in range(n):
        plan[i % clients].append((i, 0))
        plan[(i + clients // 2) % clients].append((i, 1))
    for queue in plan:
        queue.sort()

    def submit_all(index: int, process: Process, copies: tuple, gate) -> dict:
        """One client's submissions, after all clients are ready; none once the deadline has
        passed (counted as not submitted)."""
        found, waits, skipped = [], [], 0
        gate.wait()
        deadline = time.perf_counter() + args["deadline"]
        for voter, copy in plan[index]:
            if time.perf_counter() > deadline:
                skipped += 1
                continue
            user = copies[copy][voter]
            t = time.perf_counter()
            try:
                receipt = cast_ballot(Actor(user=user), process, choices=ballots[voter])
            except ValidationError as exc:
                code = getattr(exc, "code", None) or "invalid"
                found.append((voter, "refused", str(code)))
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                found.append((voter, "error", f"{type(exc).__name__}: {exc}"))
            else:
                found.append((voter, "accepted", receipt))
            waits.append(time.perf_counter() - t)
        return {"found": found, "waits": waits, "end": time.perf_counter(), "skipped": skipped}

    def in_threads(process: Process) -> tuple[list[dict], float, list[float]]:
        """Clients as threads of this process, each with its own connection."""
        copies = (accounts_loaded(), accounts_loaded())
        gate = threading.Barrier(clients + 1)
        results: list[dict] = [{}] * clients

        def client(index: int) -> None:
            try:
                results[index] = submit_all(index, process, copies, gate)
            finally:
                connection.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        with collections_timed() as pauses:
            for thread in threads:
                thread.start()
            gate.wait()
            t0 = time.perf_counter()
            for thread in threads:
                thread.join()
        return results, t0, pauses

    def in_processes(process: Process) -> tuple[list[dict], float, list[float]]:
        """Clients as processes forked from this one (as gunicorn's sync workers are), each
        with its own connection."""
        import multiprocessing

        context = multiprocessing.get_context("fork")
        copies = (accounts_loaded(), accounts_loaded())
        connections.close_all()
        gate = context.Barrier(clients + 1)
        queue = context.Queue()

        def client(index: int) -> None:
            try:
                with collections_timed() as pauses:
                    result = submit_all(index, process, copies, gate)
                queue.put((index, result, pauses))
            finally:
                connection.close()

        children = [context.Process(target=client, args=(k,)) for k in range(clients)]
        for child in children:
            child.start()
        gate.wait(timeout=STAGE_TIMEOUT)
        t0 = time.perf_counter()
        results: list[dict] = [{}] * clients
        pauses: list[float] = []
        for _ in children:
            index, result, found = queue.get(timeout=args["deadline"] + STAGE_TIMEOUT)
            results[index] = result
            pauses += found
        for child in children:
            child.join()
        return results, t0, pauses

    def check(process: Process, results: list[dict], t0: float, pauses: list[float]) -> dict:
        """What the clients were told against what the database holds."""
        every = [o for r in results for o in r["found"]]
        accepted: dict[int, list[str]] = {}
        refused: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        for voter, kind, detail in every:
            if kind == "accepted":
                accepted.setdefault(voter, []).append(detail)
            elif kind == "refused":
                refused[detail] += 1
            else:
                errors[detail.splitlines()[0][:160]] += 1
        counted = dict(
            Ballot.objects.filter(
                process=process, replaced=False, channel=Channel.ONLINE
            ).values_list("receipt", "choices")
        )
        voter_rows = set(
            Voter.objects.filter(process=process).values_list("identity_hash", flat=True)
        )
        receipts = [r for rs in accepted.values() for r in rs]
        claimed = set(receipts)
        outcomes_of: dict[int, set[str]] = {}
        for voter, kind, _detail in every:
            outcomes_of.setdefault(voter, set()).add(kind)
        latencies = sorted(w for r in results for w in r["waits"]) or [0.0]

        def percentile(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        return {
            "seconds": max(r["end"] for r in results) - t0,
            "latency_ms": {
                "p50": percentile(0.5),
                "p99": percentile(0.99),
                "max": latencies[-1] * 1000,
            },
            "longest_collection_ms": max(pauses, default=0.0) * 1000,
            "submissions": len(every),
            "not_submitted": sum(r["skipped"] for r in results),
            "accepted": len(receipts),
            "refused": dict(refused),
            "errors": dict(errors),
            "error_count": sum(errors.values()),
            "ballots_counted": len(counted),
            "voter_rows": len(voter_rows),
            "voters_accepted": len(accepted),
            "voter_rows_match": voter_rows == {people[v][1] for v in accepted},
            "lost": sum(1 for r in receipts if r not in counted),
            "unclaimed": sum(1 for r in counted if r not in claimed),
            "double": sum(1 for rs in accepted.values() if len(rs) > 1)
            + max(0, len(counted) - len(voter_rows)),
            "wrong_choices": sum(
                1
                for v, rs in accepted.items()
                for r in rs
                if r in counted and counted[r] != ballots[v]
            ),
            "without_ballot": n - len(accepted),
            "only_refused": sum(
                1 for v, kinds in outcomes_of.items() if v not in accepted and kinds == {"refused"}
            ),
            "audit_entries": AuditEntry.objects.filter(
                verb="cast_ballot", target_type="participation.voter", data__process=process.pk
            ).count(),
        }

    runs = []
    for mode, run_clients, process in (
        ("threads", in_threads, concurrent),
        ("processes", in_processes, forked),
    ):
        if mode not in args["modes"]:
            continue
        results, t0, pauses = run_clients(process)
        checks = {"mode": mode, **check(process, results, t0, pauses)}
        log(
            f"{clients} clients as {mode}: {checks['submissions']:,} submissions in "
            f"{checks['seconds']:.2f} s; {checks}"
        )
        runs.append(checks)

    # Where one ballot's time goes (one client, a process of its own): the steps of
    # cast_ballot timed by wrapping them, and every SQL statement's execution timed.
    profile = None
    if args["profile"]:
        profile = time_steps(min(args["profile"], n), accounts_loaded(), ballots, profiled)
        log(f"profile: {profile['queries']:.1f} queries, {profile['wall_ms']:.2f} ms a ballot")

    server = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    db_settings = settings.DATABASES["default"]
    return {
        "vendor": connection.vendor,
        "server": server,
        "options": {k: v for k, v in db_settings.get("OPTIONS", {}).items() if k != "init_command"},
        "init_command": db_settings.get("OPTIONS", {}).get("init_command", ""),
        "setup_seconds": setup_seconds,
        "voters": n,
        "clients": clients,
        "floor_seconds": floor_seconds,
        "single_seconds": single_seconds,
        "runs": runs,
        "profile": profile,
    }


STEPS = [
    ("permission check (twice)", "esep.core.actions:Actor", "may"),
    (
        "voting context (phases, who may vote, projects: read at most once per `CONTEXT_SECONDS`)",
        "esep.participation.actions.voting",
        "voting_context",
    ),
    ("phase check", "esep.participation.phases", "require"),
    ("rules hash", "esep.participation.models:Process", "compute_rules_hash"),
    ("eligibility (the voter's verification)", "esep.participation.actions.voting", "check_rule"),
    ("ballot check", "esep.participation.actions.voting", "check_ballot"),
    ("commit", "connection", "commit"),
]


def statement(sql: str) -> str:
    """A short name for an SQL statement: its verb and first table."""
    import re

    words = sql.split()
    verb = words[0].upper() if words else "?"
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1)}" if table and verb != "BEGIN" else verb


def time_steps(k: int, users: list, ballots: list, process) -> dict:
    """Cast `k` ballots in one thread with the steps of cast_ballot and each SQL statement
    timed (perf_counter around each; the wrappers add a few microseconds a call)."""
    import importlib

    from django.db import connection, connections

    from esep.core.actions import Actor
    from esep.participation.actions import voting

    spent: dict[str, float] = {}
    sql: dict[str, list[float]] = {}

    def timed(name: str, function):
        def wrapper(*a, **kw):
            t = time.perf_counter()
            try:
                return function(*a, **kw)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t

        return wrapper

    def execute(run, query, params, many, context):
        t = time.perf_counter()
        try:
            return run(query, params, many, context)
        finally:
            sql.setdefault(statement(query), []).append(time.perf_counter() - t)

    saved = []
    for name, where, attribute in STEPS:
        if where == "connection":
            owner = connections["default"]
        else:
            module, _, cls = where.partition(":")
            owner = importlib.import_module(module)
            if cls:
                owner = getattr(owner, cls)
        saved.append((owner, attribute, owner.__dict__.get(attribute)))
        setattr(owner, attribute, timed(name, getattr(owner, attribute)))
    wall = 0.0
    try:
        with connection.execute_wrapper(execute):
            for i in range(k):
                actor = Actor(user=users[i])
                t = time.perf_counter()
                voting.cast_ballot(actor, process, choices=ballots[i])
                wall += time.perf_counter() - t
    finally:
        for owner, attribute, original in reversed(saved):
            if original is None:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)
    steps = [(name, spent.get(name, 0.0) / k * 1000) for name, _w, _a in STEPS]
    rest = wall / k * 1000 - sum(ms for _n, ms in steps)
    return {
        "ballots": k,
        "wall_ms": wall / k * 1000,
        "sql_ms": sum(sum(v) for v in sql.values()) / k * 1000,
        "queries": sum(len(v) for v in sql.values()) / k,
        "steps": steps,
        "rest_ms": rest,
        "statements": sorted(
            ((label, len(v) / k, sum(v) / k * 1000) for label, v in sql.items()),
            key=lambda row: -row[2],
        ),
    }


# --- the driver: one fresh database after the other -----------------------------------------


def postgres_fresh(url: str, drop_only: bool = False) -> None:
    """Drop the database named in `url` and, unless `drop_only`, create it empty."""
    import psycopg
    from psycopg import sql

    parts = url.rsplit("/", 1)
    name = parts[1].split("?")[0]
    admin = f"{parts[0]}/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def measure(opts: Options, env: dict[str, str], label: str) -> dict:
    http.esep(["migrate", "--no-input"], env, timeout=http.STEP_TIMEOUT)
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="esep-bench-ballots-") as handle:
        json.dump(
            {
                "voters": opts.voters,
                "clients": opts.clients,
                "profile": opts.profile,
                "deadline": opts.deadline,
                "modes": opts.modes,
            },
            handle,
        )
        handle.flush()
        print(f"$ python bench/ballots.py --worker ({label})", flush=True)
        try:
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--worker", handle.name],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
                timeout=WORKER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise http.BenchError(
                f"{label}: the worker took longer than {WORKER_TIMEOUT} s"
            ) from None
    if done.returncode != 0:
        raise http.BenchError(f"{label}: the worker failed:\n{done.stdout}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise http.BenchError(f"{label}: no JSON in the output:\n{done.stdout}") from None


def bench(opts: Options, tmp: Path) -> tuple[list[dict], dict[str, str]]:
    found: list[dict] = []
    missing: dict[str, str] = {}
    site = tmp / "sqlite"
    found.append(measure(opts, http.bench_env(site), "SQLite"))
    if opts.postgres is None:
        missing["PostgreSQL"] = "not asked for (`--no-postgres`)"
        return found, missing
    try:
        postgres_fresh(opts.postgres)
    except Exception as exc:  # noqa: BLE001 - any reason is reported
        missing["PostgreSQL"] = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        return found, missing
    try:
        env = http.bench_env(tmp / "postgres")
        env["DATABASE_URL"] = opts.postgres
        found.append(measure(opts, env, "PostgreSQL"))
    finally:
        postgres_fresh(opts.postgres, drop_only=True)
    return found, missing


# --- report ---------------------------------------------------------------------------------


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "?"


def short(server: str) -> str:
    return server.split(" (")[0]


def result_table(found: list[dict], missing: dict[str, str]) -> str:
    rows = [
        "| database | clients as | accepted/s | bare insert loop, ballots/s | ratio | target "
        "| result | one client, ballots/s | one client ÷ loop "
        "| submission p50 / p99 / max ms |",
        "|---|---|--:|--:|--:|---|---|--:|--:|--:|",
    ]
    for r in found:
        floor_rate = r["voters"] / r["floor_seconds"]
        single_rate = r["voters"] / r["single_seconds"]
        for c in r["runs"]:
            accepted_rate = c["accepted"] / c["seconds"]
            ratio = accepted_rate / floor_rate
            lat = c["latency_ms"]
            result = "met" if ratio >= TARGET_RATIO else f"missed ({ratio:.3f})"
            rows.append(
                f"| {short(r['server'])} | {r['clients']} {c['mode']} | {accepted_rate:,.0f} "
                f"| {floor_rate:,.0f} | {ratio:.2f} | ≥ {TARGET_RATIO} | {result} "
                f"| {single_rate:,.0f} | {single_rate / floor_rate:.2f} "
                f"| {lat['p50']:,.0f} / {lat['p99']:,.0f} / {lat['max']:,.0f} |"
            )
    for name, why in missing.items():
        rows.append(f"| {name} | | not measured: {why} | | | | | | | |")
    return "\n".join(rows)


def integrity_table(found: list[dict]) -> str:
    rows = [
        "| database | clients as | submissions | accepted | refused as already voted "
        "| other refusals | errors | not submitted (deadline) | ballots counted | Voter rows "
        "| lost | double | voters without a ballot | audit entries |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in found:
        for c in r["runs"]:
            already = c["refused"].get("already_voted", 0)
            other = sum(v for k, v in c["refused"].items() if k != "already_voted")
            rows.append(
                f"| {short(r['server'])} | {r['clients']} {c['mode']} | {c['submissions']:,} "
                f"| {c['accepted']:,} | {already:,} | {other:,} | {c['error_count']:,} "
                f"| {c['not_submitted']:,} | {c['ballots_counted']:,} | {c['voter_rows']:,} "
                f"| {c['lost'] + c['unclaimed']:,} | {c['double']:,} "
                f"| {c['without_ballot']:,} | {c['audit_entries']:,} |"
            )
    return "\n".join(rows)


def problems(c: dict) -> list[str]:
    """What the checks found wrong with one concurrent run."""
    found = []
    if c["lost"]:
        found.append(f"{c['lost']} accepted receipts not among the counted ballots")
    if c["unclaimed"]:
        found.append(f"{c['unclaimed']} counted ballots whose receipt no client received")
    if c["double"]:
        found.append(f"{c['double']} voters with more than one accepted ballot")
    if c["wrong_choices"]:
        found.append(f"{c['wrong_choices']} ballots counted with other choices than cast")
    if not c["voter_rows_match"]:
        found.append("the Voter rows are not exactly the voters with an accepted ballot")
    if c["ballots_counted"] != c["voter_rows"] or c["accepted"] != c["voters_accepted"]:
        found.append(
            f"ballots counted {c['ballots_counted']}, Voter rows {c['voter_rows']}, accepted "
            f"{c['accepted']}, voters accepted {c['voters_accepted']}: not all equal"
        )
    if c["only_refused"]:
        found.append(f"{c['only_refused']} voters refused as already voted without a ballot")
    if c["audit_entries"] != c["accepted"]:
        found.append(f"{c['audit_entries']} cast_ballot audit entries for {c['accepted']} ballots")
    return found


def profile_table(found: list[dict]) -> str:
    """Where one ballot's time goes, each database a column."""
    measured = [r for r in found if r["profile"]]
    if not measured:
        return ""
    head = " | ".join(f"{r['server'].split(' (')[0]}, ms" for r in measured)
    rows = [f"| one ballot, one client | {head} |", "|---" + "|--:" * len(measured) + "|"]
    for index, (name, _where, _attribute) in enumerate(STEPS):
        cells = " | ".join(f"{r['profile']['steps'][index][1]:.2f}" for r in measured)
        rows.append(f"| {name} | {cells} |")
    rest = " | ".join(f"{r['profile']['rest_ms']:.2f}" for r in measured)
    rows.append(
        "| the rest: `Voter` and `Ballot` inserts, audit entry, data version, "
        f"BEGIN and savepoints | {rest} |"
    )
    total = " | ".join(f"**{r['profile']['wall_ms']:.2f}**" for r in measured)
    rows.append(f"| **`cast_ballot`, in all** | {total} |")
    sql = " | ".join(
        f"{r['profile']['sql_ms']:.2f} ({r['profile']['queries']:.0f} statements)" for r in measured
    )
    rows.append(f"| of which executing SQL | {sql} |")
    floor = " | ".join(f"{r['floor_seconds'] / r['voters'] * 1000:.2f}" for r in measured)
    rows.append(f"| bare insert loop, one ballot's rows (for comparison) | {floor} |")
    return "\n".join(rows)


def statement_lines(found: list[dict]) -> list[str]:
    lines = []
    for r in found:
        p = r["profile"]
        if not p:
            continue
        listed = ", ".join(
            f"{label} {ms:.2f} ms" + (f" (×{count:g})" if count != 1 else "")
            for label, count, ms in p["statements"]
        )
        lines.append(
            f"- {r['server']}, SQL of one ballot (execution only, mean of {p['ballots']}): "
            f"{listed}."
        )
    return lines


DESCRIPTION = """\
## Ballots

`bench/ballots.py` measures ballot casting under concurrent clients, on SQLite and PostgreSQL.
For each database, in a fresh database (an SQLite file in a temporary directory with esep's own
SQLite settings: WAL, `transaction_mode` IMMEDIATE, a 20-second busy timeout; then a PostgreSQL
database created for the run and dropped after it, or "not measured" with the reason when the
server cannot be reached), it:

1. loads the regions, registers `--voters` residents (2,000 by default) and verifies each in
   person in Almaty, and opens seven approval processes there (up to 3 of 10 projects; in the
   four that take ballots through `cast_ballot`, the projects are proposed and found
   feasible), the time phases are read at (`phases.now`) set inside voting. The accounts are
   registered with Django's MD5 password hasher, set in the benchmark process only: Argon2
   would make the setup take minutes and is not measured. Each submission below gets its own
   `User` object, loaded beforehand, as each request loads its own;
2. **floor**: in one thread, writes the same rows as the ballots, one transaction per ballot:
   the `Voter` and the `Ballot` with `Model.objects.create`, the audit entry `cast_ballot`
   writes, with `AuditEntry.objects.create`, and the data version incremented as every action
   does. It runs three times, each into a process of its own, and the fastest pass counts
   (the floor varies by a quarter from run to run; its best makes the ratio the harder to
   meet);
3. **one client**: every voter casts a ballot with `cast_ballot`, one after the other, in one
   thread;
4. **concurrent**: `--clients` clients (50 by default), each with its own database connection,
   start together and submit through `cast_ballot`; every voter's ballot is submitted twice,
   by two different clients at about the same moment (a double click, two tabs), so the unique
   `Voter` row per process and person decides. The clients run twice, each time into a process
   of its own: as threads of one Python process (connections closed when each thread ends), and
   as processes forked from it, as gunicorn's sync workers are. A refusal is a
   `ValidationError` (`already_voted`); any other exception is an error, counted and shown,
   never retried (esep does not retry). After `--deadline` seconds (300) the clients submit
   nothing more: what is left is reported as not submitted. With threads, the longest of
   Python's garbage collections during the run is recorded;
5. checks each concurrent run: every receipt a client received is a counted ballot (lost: any
   that is not, or a counted ballot whose receipt no client received); no voter has more than
   one accepted ballot (double); the `Voter` rows are exactly the voters with an accepted
   ballot, ballots counted = `Voter` rows = accepted; each ballot holds the choices cast; one
   `cast_ballot` audit entry per accepted ballot; no voter refused as having voted is without
   a ballot;
6. casts `--profile` more ballots (200) in one thread, in a process of their own, with each step of
   `cast_ballot` and each SQL statement timed: where one ballot's time goes.

Ratio = accepted ballots per second of a concurrent run ÷ ballots per second of the bare insert
loop (target ≥ 0.5). A concurrent run also refuses one duplicate per ballot: where both copies
pass the checks together, the second costs about as much as the first (the `Voter` insert
decides); the one-client column has no duplicates. The run exits 1 when a check fails, on any
error and when a submission was left out.

```sh
.venv/bin/python bench/ballots.py                          # SQLite, then PostgreSQL
.venv/bin/python bench/ballots.py --voters 500 --no-readme # a quick look
.venv/bin/python bench/ballots.py --no-postgres --clients 20 --clients-as processes
```

Options: `--voters N`, `--clients N`, `--clients-as {threads,processes,both}` (default both),
`--deadline SECONDS`, `--postgres URL` (default
`postgres://esep:esep@127.0.0.1:5432/esep_bench_ballots`: dropped and created afresh, dropped
again after the run), `--no-postgres`, `--profile N`, `--no-readme`."""


def report(opts: Options, found: list[dict], missing: dict[str, str], load: float) -> str:
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with {opts.command()}.",
        "",
        result_table(found, missing),
        "",
        integrity_table(found),
        "",
    ]
    for r in found:
        lines.append(
            f"- {r['server']}: one client cast {r['voters']:,} ballots in "
            f"{r['single_seconds']:.2f} s; the bare loop wrote {r['voters']:,} ballots' rows in "
            f"{r['floor_seconds']:.2f} s (the best of {FLOOR_PASSES} passes); setup "
            f"{r['setup_seconds']:.0f} s (untimed)."
        )
        for c in r["runs"]:
            wrong = problems(c)
            verdict = "all checks passed" if not wrong else "**checks failed:** " + "; ".join(wrong)
            errors = (
                "; ".join(f"{count:,} × `{text}`" for text, count in c["errors"].items())
                or "no errors"
            )
            collection = (
                f", longest garbage collection {c['longest_collection_ms']:,.0f} ms"
                if c["mode"] == "threads"
                else ""
            )
            lines.append(
                f"  - {r['clients']} clients as {c['mode']}: {c['submissions']:,} submissions "
                f"in {c['seconds']:.2f} s ({rate(c['submissions'], c['seconds'])} "
                f"submissions/s){collection}; {errors}; {verdict}."
            )
    table = profile_table(found)
    if table:
        lines += [
            "",
            table,
            "",
            "Each step of `cast_ballot` timed by wrapping it (`--profile` ballots in one thread, "
            "mean per ballot; a step's time includes its SQL), every SQL statement's execution "
            "timed through `connection.execute_wrapper`.",
            "",
            *statement_lines(found),
        ]
    sqlite = next((r for r in found if r["vendor"] == "sqlite"), None)
    if sqlite:
        lines.append(
            f"- SQLite settings (esep's): `{sqlite['init_command']}`, "
            f"options {json.dumps(sqlite['options'])}."
        )
    postgres = next((r["server"] for r in found if r["vendor"] == "postgresql"), "")
    lines.append(http.machine_line(None, load, f", {postgres}" if postgres else ""))
    return "\n".join(lines)


def write_readme(body: str) -> None:
    http.write_block(START_MARKER, END_MARKER, body, DESCRIPTION)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        print(json.dumps(worker(json.loads(Path(argv[1]).read_text()))))
        return 0
    opts = parse_args(argv)
    load = http.load_average()
    if load > 0.5:
        print(f"bench: load average is {load:.2f}: other work lowers the numbers", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="esep-bench-ballots-"))
    started = time.monotonic()
    try:
        found, missing = bench(opts, tmp)
    except http.BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body = report(opts, found, missing, load)
    print()
    print(body)
    print(f"\n(the run took {http.duration(time.monotonic() - started)})")
    if opts.write_readme:
        write_readme(body)
        print(f"\nwritten to {README.relative_to(ROOT)}")
    failed = [
        f"{short(r['server'])} ({c['mode']})" for r in found for c in r["runs"] if problems(c)
    ]
    errors = [
        f"{short(r['server'])} ({c['mode']})"
        for r in found
        for c in r["runs"]
        if c["error_count"] or c["not_submitted"]
    ]
    if failed:
        print(f"bench: the checks failed on {', '.join(failed)}", file=sys.stderr)
    if errors:
        print(f"bench: errors or submissions left out on {', '.join(errors)}", file=sys.stderr)
    if failed or errors:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
