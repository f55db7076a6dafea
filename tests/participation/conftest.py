"""Participatory budgeting in Almaty (KZ-75), built through the actions.

The cast: carol (shared) edits for the akimat of Almaty city and runs its processes; aru and
daniyar are residents of Almaly district, verified in person by carol, aged 30 and 40; kamila
lives in Almaly too but is 15; sanzhar is verified in Astana; bob (shared) is not verified;
dana (shared) is maslikhat staff in Astana; farida (shared) is on Almaty Region's election
commission; alice (shared) is the administrator. `at(...)` sets the time phases are read at.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from esep.accounts import actions as account_actions
from esep.accounts.identity import make_iin
from esep.core.actions import Actor
from esep.participation.actions import processes as process_actions
from esep.participation.actions.processes import Dates
from esep.participation.phases import PhaseKind
from tests.conftest import SYSTEM, make_user

HERE_FILES = Path(__file__).parent / "pabulib"
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
# Each phase lasts ten days, one after the other.
SPANS = {
    kind: Dates(T0 + dt.timedelta(days=10 * i), T0 + dt.timedelta(days=10 * i + 10))
    for i, kind in enumerate(PhaseKind.values)
}


def during(kind: str, day: int = 1) -> dt.datetime:
    return SPANS[kind].starts_at + dt.timedelta(days=day)


@pytest.fixture
def at(monkeypatch):
    """`at(moment)` sets the time phases are read at; starts before the first phase."""
    from esep.participation import phases

    def set_time(moment: dt.datetime) -> dt.datetime:
        monkeypatch.setattr(phases, "now", lambda: moment)
        return moment

    set_time(T0 - dt.timedelta(days=30))
    return set_time


@pytest.fixture
def city(regions, carol):
    from esep.territory.actions import create_unit

    almaty = regions["KZ-75"]
    almaly = create_unit(
        SYSTEM,
        kind="city_district",
        parent=almaty,
        name_kk="Алмалы ауданы",
        name_ru="Алмалинский район",
        name_en="Almaly district",
        ocd_id=f"{almaty.ocd_id}/district:almaly",
        kato="751210000",
    )
    return SimpleNamespace(almaty=almaty, almaly=almaly, astana=regions["KZ-71"])


def verified(email: str, name: str, unit, born: dt.date, serial: int):
    user = make_user(email, name)
    account_actions.verify_in_person(SYSTEM, user=user, iin=make_iin(born, serial), unit=unit)
    return user


@pytest.fixture
def aru(city):
    return verified("aru@example.kz", "Aru Almaly", city.almaly, dt.date(1996, 5, 4), 101)


@pytest.fixture
def daniyar(city):
    return verified("daniyar@example.kz", "Daniyar Almaly", city.almaly, dt.date(1986, 2, 1), 202)


@pytest.fixture
def kamila(city):
    return verified("kamila@example.kz", "Kamila Almaly", city.almaly, dt.date(2011, 9, 9), 303)


@pytest.fixture
def sanzhar(city):
    return verified("sanzhar@example.kz", "Sanzhar Astana", city.astana, dt.date(1990, 1, 1), 404)


@pytest.fixture
def new_process(city, at):
    """`new_process(**rules)`: an approval process in Almaty with 1,000,000 ₸ and the dated
    phases of SPANS (the time is before them)."""

    def make(**rules):
        arguments = {
            "unit": city.almaty,
            "titles": {"kk": "Халық бюджеті", "ru": "Народный бюджет", "en": "People's budget"},
            "year": 2027,
            "budget": Decimal("1000000"),
            "ballot_kind": "approval",
            "rule": "greedy",
            "max_choices": 3,
        }
        arguments.update(rules)
        process = process_actions.create_process(SYSTEM, **arguments)
        process_actions.set_phases(SYSTEM, process, SPANS)
        return process

    return make


@pytest.fixture
def on_ballot(new_process, aru, at):
    """`on_ballot(costs, **rules)`: a process whose projects (codes 1, 2, …, costing `costs`)
    were proposed by aru and found feasible; the time is during voting."""
    from esep.participation.actions import projects as project_actions

    def make(costs=(400_000, 300_000, 500_000, 200_000), **rules):
        process = new_process(**rules)
        at(during(PhaseKind.PROPOSALS))
        projects = [
            project_actions.propose_project(
                Actor(user=aru),
                process,
                title=f"Project {i}",
                description="",
                estimated_cost=cost,
            )
            for i, cost in enumerate(costs, start=1)
        ]
        at(during(PhaseKind.REVIEW))
        for project in projects:
            project_actions.review_project(SYSTEM, project, feasible=True)
        at(during(PhaseKind.VOTING))
        return process

    return make
