"""Pabulib files in and out of processes: a whole file becomes a process ready to count, counts
to the city's winners, and exports to the same text; a bad file imports nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from esep.core.actions import Actor
from esep.core.problems import ImportRefused
from esep.participation.actions import results
from esep.participation.actions.imports import export_pb, import_pb
from esep.participation.models import Ballot, Process, Project
from esep.participation.pabulib import read_pb, write_pb
from tests.conftest import SYSTEM

HERE = Path(__file__).parent / "pabulib"
FILES = sorted(HERE.glob("*.pb"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_file_round_trips_through_a_process(path, city):
    data = path.read_bytes()
    process = import_pb(SYSTEM, unit=city.almaty, data=data, file_name=path.name)
    instance = read_pb(data, path.name)
    assert Project.objects.filter(process=process).count() == len(instance.projects)
    assert Ballot.objects.filter(process=process).count() == len(instance.votes)
    assert export_pb(process) == write_pb(instance)


WITH_WINNERS = [
    "Poland_Krakow_2019_Bronowice.pb",
    "Poland_Katowice_2021_Janow-Nikiszowiec.pb",
    "Poland_Poznan_2023_9_-_Stare_Miasto.pb",
    "Netherlands_Assen_2024.pb",
]


@pytest.mark.parametrize("name", WITH_WINNERS)
def test_an_imported_file_counts_to_the_citys_winners(name, city):
    data = (HERE / name).read_bytes()
    process = import_pb(SYSTEM, unit=city.almaty, data=data, file_name=name)
    result = results.count_votes(SYSTEM, process)
    instance = read_pb(data, name)
    expected = {pid for pid, row in instance.projects.items() if row.get("selected") == "1"}
    assert {d["project"] for d in result.decisions if d["selected"]} == expected
    assert result.imported_ballots == len(instance.votes) and result.discrepancies == []


def test_a_bad_file_imports_nothing(city):
    data = (
        (HERE / "Netherlands_Assen_2024.pb").read_bytes().replace(b"num_votes;84", b"num_votes;85")
    )
    with pytest.raises(ImportRefused) as refused:
        import_pb(SYSTEM, unit=city.almaty, data=data, file_name="assen.pb")
    assert str(refused.value.problems[0]).startswith("assen.pb:8:2: ")
    assert not Process.objects.exists() and not Ballot.objects.exists()


def test_a_process_of_esep_exports_its_ballots(on_ballot, at, aru, daniyar):
    from esep.participation.actions import voting

    process = on_ballot()
    voting.cast_ballot(Actor(user=aru), process, choices=["1", "2"])
    voting.cast_ballot(Actor(user=daniyar), process, choices=["2"])
    text = export_pb(process)
    instance = read_pb(text.encode(), "export.pb")
    assert instance.meta["vote_type"] == "approval" and instance.meta["num_votes"] == "2"
    assert instance.meta["budget"] == "1000000"
    assert sorted(instance.ballot(v) for v in instance.votes) == [["1", "2"], ["2"]]
    assert {pid: row["votes"] for pid, row in instance.projects.items()} == {
        "1": "1",
        "2": "2",
        "3": "0",
        "4": "0",
    }


def test_who_may_import(city, carol, alice, bob, dana):
    data = (HERE / "Netherlands_Assen_2024.pb").read_bytes()
    for user in (carol, alice):
        import_pb(Actor(user=user), unit=city.almaly, data=data, file_name="a.pb")
    for user in (bob, dana):
        with pytest.raises(PermissionDenied):
            import_pb(Actor(user=user), unit=city.almaly, data=data, file_name="a.pb")
    with pytest.raises(PermissionDenied):
        import_pb(Actor(user=carol), unit=city.astana, data=data, file_name="a.pb")
    assert Process.objects.count() == 2
