"""Participatory budgeting in the API: the same visibility as the pages (nothing of a vote
before its result is published), exact amounts, and 4xx for bad requests."""

from __future__ import annotations

from esep.core.actions import Actor
from esep.participation.actions import results, voting
from esep.participation.phases import PhaseKind

from .conftest import during

API = "/api/v1/pb-processes"


def test_processes_and_projects_are_open_data(client, on_ballot):
    process = on_ballot()
    listing = client.get(API).json()
    assert listing["count"] == 1
    item = client.get(f"{API}/{process.pk}").json()
    assert item["budget"] == "1000000.00" and item["rule"] == "greedy"
    assert [p["kind"] for p in item["phases"]] == [
        "proposals",
        "review",
        "voting",
        "results",
        "implementation",
    ]
    assert item["results_published"] is False
    projects = client.get(f"{API}/{process.pk}/projects").json()["items"]
    assert [(p["code"], p["cost"], p["status"]) for p in projects][:2] == [
        ("1", "400000.00", "feasible"),
        ("2", "300000.00", "feasible"),
    ]


def test_nothing_of_the_vote_before_publication(client, on_ballot, at, aru, carol):
    process = on_ballot()
    receipt = voting.cast_ballot(Actor(user=aru), process, choices=["1"])
    for tail in ("result", "ballots", "pabulib"):
        assert client.get(f"{API}/{process.pk}/{tail}").status_code == 404
    at(during(PhaseKind.RESULTS))
    draft = results.count_votes(Actor(user=carol), process)
    for tail in ("result", "ballots", "pabulib"):
        assert client.get(f"{API}/{process.pk}/{tail}").status_code == 404
    results.publish_result(Actor(user=carol), draft)
    result = client.get(f"{API}/{process.pk}/result").json()
    assert result["online_ballots"] == 1 and result["decisions"][0]["project"] == "1"
    ballots = client.get(f"{API}/{process.pk}/ballots").json()["items"]
    assert ballots == [
        {
            "receipt": receipt,
            "channel": "online",
            "polling_place": "",
            "choices": ["1"],
            "points": None,
        }
    ]
    assert client.get(f"{API}/{process.pk}/pabulib").text.startswith("META\n")
    assert client.get(f"{API}/{process.pk}").json()["results_published"] is True


def test_bad_requests_are_4xx(client, db):
    assert client.get(f"{API}/0").status_code == 422
    assert client.get(f"{API}/abc").status_code in (404, 422)
    assert client.get(f"{API}/99999").status_code == 404
    assert client.get(f"{API}?limit=-1").status_code == 422
    assert client.post(API).status_code == 405
