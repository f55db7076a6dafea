"""esep's counting rules against pabutools on the largest shared Pabulib instances:
`make bench-participation` (or `.venv/bin/python bench/participation.py`).

For each instance in /work/shared/pabulib (skipped, with a message, when the directory or the
file is absent) it times, on the same machine:

- greedy by score: esep's `scores` + `greedy` (rule `greedy`, whatever META `rule` says)
  against pabutools' `greedy_utilitarian_welfare` with a satisfaction whose total per unit of
  cost is esep's score (cost satisfaction for approval; points × cost for cumulative; Borda
  points × cost for ordinal);
- the Method of Equal Shares with add1 completion: esep's `equal_shares(..., "add1")` against
  pabutools' `method_of_equal_shares(..., voter_budget_increment=1)` with the same
  satisfaction (cost for approval, points for cumulative, esep's Borda points for ordinal).

Both libraries get the instance already read (esep's `read_pb`, pabutools' `parse_pabulib`);
reading is not timed. Both break ties the same way (esep's declared tie-breaks, given to
pabutools as a `TieBreakingRule`). pabutools runs in a subprocess capped at 600 s (`--cap`);
where it does not finish, its time is reported as "> 600 s" and the ratio as a lower bound.
Where both finish, the winners must be identical (same projects); the run fails otherwise.

It prints a table and writes it into bench/README.md between the participation-results
markers (`--no-readme`: print only). See bench/README.md, "Participatory budgeting".
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run as http  # noqa: E402

SHARED = ROOT.parent / "shared" / "pabulib"
START_MARKER = "<!-- participation-results:start -->"
END_MARKER = "<!-- participation-results:end -->"
INSTANCES = (
    "Poland_Wroclaw_2015_150_-_500.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Katowice_2020.pb",
    "Poland_Poznan_2026_large.pb",
    "Hungary_Budapest_2024.pb",
    "Poland_Krakow_2019_Bronowice.pb",
)
CAP = 600.0  # seconds: pabutools' time limit per rule and instance
TARGET = 100  # esep at least 100 × faster than pabutools


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esep.settings")
    import django

    django.setup()


# --- pabutools, in a subprocess -------------------------------------------------------------

PABUTOOLS = r"""
import json, sys, time
from fractions import Fraction
from pabutools.election import (
    AdditiveSatisfaction, Additive_Cardinal_Sat, Cost_Sat, parse_pabulib,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

path, rule, length = sys.argv[1], sys.argv[2], int(sys.argv[3])
instance, profile = parse_pabulib(path)
vote_type = instance.meta["vote_type"]
place = {name: i for i, name in enumerate(json.loads(sys.argv[4]))}

def borda(instance, profile, ballot, project, precomputed):
    for rank, p in enumerate(ballot):
        if p == project:
            return max(length - rank, 0)
    return 0

def points(instance, profile, ballot, project, precomputed):
    if vote_type in ("approval", "choose-1"):
        return 1 if project in ballot else 0
    if vote_type == "ordinal":
        return borda(instance, profile, ballot, project, precomputed)
    return ballot.get(project, 0)

class Points(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, points)

class PointsTimesCost(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(
            self, instance, profile, ballot,
            lambda i, pr, b, p, pc: points(i, pr, b, p, pc) * p.cost,
        )

supporters = {p.name: 0 for p in instance}
for ballot in profile:
    if vote_type == "ordinal":
        chosen = [p for rank, p in enumerate(ballot) if length - rank > 0]
    elif vote_type in ("approval", "choose-1"):
        chosen = list(ballot)
    else:
        chosen = [p for p, given in ballot.items() if given > 0]
    for p in chosen:
        supporters[p.name] += 1

if rule == "greedy":
    sat = Cost_Sat if vote_type in ("approval", "choose-1") else PointsTimesCost
    ties = TieBreakingRule(lambda i, pr, p: (p.cost, place[p.name]))
    start = time.perf_counter()
    found = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=ties)
else:
    if vote_type in ("approval", "choose-1"):
        sat = Cost_Sat
    elif vote_type == "ordinal":
        sat = Points
    else:
        sat = Additive_Cardinal_Sat
    ties = TieBreakingRule(lambda i, pr, p: (-supporters[p.name], p.cost, place[p.name]))
    start = time.perf_counter()
    found = method_of_equal_shares(
        instance, profile, sat_class=sat, tie_breaking=ties, voter_budget_increment=1
    )
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "winners": [p.name for p in found]}))
"""


def pabutools(path: Path, rule: str, length: int, order: list[str], cap: float) -> dict:
    """pabutools' time and winners for `rule` ("greedy" or "mes"), or {"seconds": None} when
    it does not finish within `cap` seconds."""
    command = [sys.executable, "-c", PABUTOOLS, str(path), rule, str(length), json.dumps(order)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "winners": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- esep -----------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    voters: int
    projects: int
    vote_type: str
    rule: str
    esep: float
    pabutools: float | None
    same: bool | None
    winners: int
    detail: str = ""


def measure(path: Path, cap: float, repeat: int) -> list[Row]:
    from esep.participation.counting import Project, equal_shares, greedy, scores
    from esep.participation.pabulib import WITH_POINTS, read_pb

    instance = read_pb(path.read_bytes(), path.name)
    voters = list(instance.votes)
    ballots = [instance.ballot(v) for v in voters]
    points = [instance.points(v) for v in voters] if instance.vote_type in WITH_POINTS else None
    meta_length = instance.meta.get("max_length", "").strip()
    length = int(meta_length) if meta_length.isdigit() else max(map(len, ballots), default=0)
    projects = [Project(pid, instance.cost(pid)) for pid in instance.projects]
    order = list(instance.projects)
    vote_type = instance.vote_type
    base = (path.stem, len(voters), len(projects), vote_type)

    def best_of(run) -> tuple[float, object]:
        times, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - start)
        return min(times), result

    rows = []
    seconds, outcome = best_of(
        lambda: greedy(
            projects, scores(vote_type, ballots, points, length), instance.budget, "greedy"
        )
    )
    winners = outcome.selected
    other = pabutools(path, "greedy", length, order, cap)
    same = None if other["winners"] is None else set(other["winners"]) == set(winners)
    rows.append(Row(*base, "greedy", seconds, other["seconds"], same, len(winners)))

    seconds, shares = best_of(
        lambda: equal_shares(
            projects,
            ballots,
            instance.budget,
            "add1",
            vote_type=vote_type,
            points=points,
            ballot_length=length,
        )
    )
    winners = shares.selected
    other = pabutools(path, "mes", length, order, cap)
    same = None if other["winners"] is None else set(other["winners"]) == set(winners)
    raised = (shares.virtual_budget - instance.budget) / len(voters) if voters else Decimal(0)
    rows.append(
        Row(
            *base,
            "Equal Shares + add1",
            seconds,
            other["seconds"],
            same,
            len(winners),
            f"shares raised by {raised:,.0f} per voter",
        )
    )
    return rows


# --- report ---------------------------------------------------------------------------------


def seconds_text(value: float | None, cap: float) -> str:
    if value is None:
        return f"> {cap:.0f} s"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def ratio_text(row: Row, cap: float) -> str:
    if row.pabutools is None:
        return f"≥ {cap / row.esep:,.0f}×"
    return f"{row.pabutools / row.esep:,.0f}×"


def table(rows: list[Row], cap: float) -> str:
    lines = [
        "| instance | voters | projects | vote type | rule | esep | pabutools | pabutools ÷ esep "
        "| same winners |",
        "|---|--:|--:|---|---|--:|--:|--:|---|",
    ]
    for row in rows:
        same = {None: "not compared", True: f"yes ({row.winners})", False: "**no**"}[row.same]
        rule = row.rule + (f" ({row.detail})" if row.detail else "")
        lines.append(
            f"| {row.name} | {row.voters:,} | {row.projects} | {row.vote_type} | {rule} "
            f"| {seconds_text(row.esep, cap)} | {seconds_text(row.pabutools, cap)} "
            f"| {ratio_text(row, cap)} | {same} |"
        )
    return "\n".join(lines)


def report(rows: list[Row], skipped: list[str], opts: argparse.Namespace, load: float) -> str:
    from importlib.metadata import version

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = " ".join([".venv/bin/python bench/participation.py", *opts.argv])
    met = [r for r in rows if r.pabutools is not None and r.pabutools / r.esep >= TARGET]
    bound = [r for r in rows if r.pabutools is None and opts.cap / r.esep >= TARGET]
    missed = [r for r in rows if r not in met and r not in bound]
    lines = [
        "## Participatory budgeting",
        "",
        "`bench/participation.py` (`make bench-participation`) times esep's counting rules "
        "against pabutools on the largest shared Pabulib instances (`../shared/pabulib/`; an "
        "absent file is skipped with a message): greedy by score, and the Method of Equal "
        "Shares with add1 completion, with the same satisfaction and the same tie-breaks in "
        "both libraries (see the script's docstring). Both start from the instance already "
        "read. pabutools runs in a subprocess stopped after `--cap` seconds (600); where it "
        "does not finish, the ratio is a lower bound. Where both finish, the winners must be "
        "the same projects, or the run fails. Options: `--cap S`, `--repeat N` (esep runs per "
        "measure, the best counts; 3), `--only FILE …`, `--no-readme`.",
        "",
        f"Measured {now} with `{command}`.",
        "",
        table(rows, opts.cap),
        "",
        f"Target: esep at least {TARGET}× faster than pabutools. Met by {len(met)} of "
        f"{len(rows)} measures, as a lower bound (pabutools stopped at {opts.cap:.0f} s) by "
        f"{len(bound)}; missed by {len(missed)}"
        + (": " + ", ".join(f"{r.name} {r.rule}" for r in missed) if missed else "")
        + ".",
        "",
        f"- esep: best of {opts.repeat} runs in this process, from the ballots already read; "
        "pabutools: one run in a subprocess, from the profile `parse_pabulib` returned, capped "
        f"at {opts.cap:.0f} s. Winners compared as sets of projects where both finished.",
        http.machine_line(None, load, extra=f", pabutools {version('pabutools')}"),
    ]
    if skipped:
        lines.append(f"- Not measured (absent from {SHARED}): {', '.join(skipped)}.")
    return "\n".join(lines)


def write_readme(body: str) -> None:
    """Put `body` (which starts with its own heading) between the participation-results
    markers of bench/README.md, or append it with the markers the first time."""
    block = f"{START_MARKER}\n{body}\n{END_MARKER}"
    text = http.README.read_text() if http.README.exists() else "# esep benchmarks\n"
    start, end = text.find(START_MARKER), text.find(END_MARKER)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(END_MARKER) :]
    else:
        text = text.rstrip("\n") + f"\n\n{block}\n"
    http.README.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=CAP, help="pabutools' limit, seconds")
    parser.add_argument("--repeat", type=int, default=3, help="esep runs per measure (best)")
    parser.add_argument("--only", nargs="*", help="instance files to measure (default: six)")
    parser.add_argument("--no-readme", action="store_true", help="print, do not write")
    opts = parser.parse_args(argv)
    opts.argv = list(argv if argv is not None else sys.argv[1:])
    _setup_django()
    names = opts.only or list(INSTANCES)
    if not SHARED.is_dir():
        print(f"bench-participation: {SHARED} is absent; nothing to measure")
        return 0
    load = http.load_average()
    rows: list[Row] = []
    skipped = []
    for name in names:
        path = SHARED / name
        if not path.exists():
            print(f"bench-participation: {path} is absent; skipped")
            skipped.append(name)
            continue
        print(f"bench-participation: {name} …", flush=True)
        found = measure(path, opts.cap, opts.repeat)
        for row in found:
            print(
                f"  {row.rule}: esep {seconds_text(row.esep, opts.cap)}, pabutools "
                f"{seconds_text(row.pabutools, opts.cap)}, same winners: {row.same}",
                flush=True,
            )
        rows += found
    body = report(rows, skipped, opts, load)
    print(body)
    if not opts.no_readme:
        write_readme(body)
    return 1 if any(row.same is False for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
