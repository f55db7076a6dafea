"""The demo of participatory budgeting: one process in each phase, generated through the
actions and labelled, plus the real Assen 2024 instance counted with its own rule; nothing
written when run again."""

from __future__ import annotations

from esep.core import ledger
from esep.demo.participation import build_participation
from esep.participation import phases
from esep.participation.models import Ballot, Process, Result
from esep.participation.pabulib import read_pb
from tests.conftest import SYSTEM

from .conftest import HERE_FILES


def test_the_demo_has_a_process_in_each_phase_and_a_real_one(city):
    counts = build_participation(SYSTEM, seed=7)
    assert counts["processes"] == 6 and counts["projects"] == 40 and counts["ballots"] > 60
    demo = list(Process.objects.filter(is_demo=True).order_by("id"))
    now = phases.now()
    assert [phases.current_phase(list(p.phases.all()), now) for p in demo] == phases.ORDER
    assert all("Demo data" in p.source for p in demo)
    published = Result.objects.filter(published_at__isnull=False)
    assert {r.process.title_en for r in published if r.process.is_demo} == {
        "People's budget: results",
        "People's budget: implementation",
    }
    for result in published:
        assert result.discrepancies == []
    real = Process.objects.get(is_demo=False)
    assert "Pabulib" in real.source
    instance = read_pb((HERE_FILES / "Netherlands_Assen_2024.pb").read_bytes(), "assen")
    winners = {pid for pid, row in instance.projects.items() if row["selected"] == "1"}
    result = Result.objects.get(process=real)
    assert {d["project"] for d in result.decisions if d["selected"]} == winners
    assert ledger.verify().ok
    ballots = Ballot.objects.count()
    assert build_participation(SYSTEM, seed=7) == {"processes": 0, "projects": 0, "ballots": 0}
    assert Ballot.objects.count() == ballots


def test_the_demo_reports_implementation_of_funded_projects(city):
    from esep.participation.models import Project, ProjectUpdate

    build_participation(SYSTEM, seed=3)
    process = Process.objects.get(title_en="People's budget: implementation")
    funded = Project.objects.filter(process=process, selected=True)
    assert funded.exists()
    assert ProjectUpdate.objects.filter(project__process=process).count() == funded.count()
