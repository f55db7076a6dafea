"""Proposals: eligible residents propose and support during the proposals phase; the akimat
records feasibility with a cost or a reason; everyone else is refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from esep.core.actions import Actor
from esep.participation.actions import processes as process_actions
from esep.participation.actions import projects as actions
from esep.participation.models import Project, Support
from esep.participation.phases import PhaseKind
from tests.conftest import SYSTEM

from .conftest import during


def propose(user, process, **overrides):
    arguments = {
        "title": "Benches in the park",
        "description": "Ten benches.",
        "estimated_cost": "250000",
    }
    arguments.update(overrides)
    return actions.propose_project(Actor(user=user), process, **arguments)


def test_a_resident_proposes_and_others_support_once(new_process, at, aru, daniyar):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    project = propose(aru, process)
    assert (project.code, project.estimated_cost, project.status) == (
        "1",
        Decimal(250000),
        "proposed",
    )
    assert propose(daniyar, process, title="Lights").code == "2"
    actions.support_project(Actor(user=daniyar), project)
    with pytest.raises(ValidationError, match="already support"):
        actions.support_project(Actor(user=daniyar), project)
    project.refresh_from_db()
    assert project.supporters == 1 == Support.objects.filter(project=project).count()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "required"),
        ({"estimated_cost": "-5"}, "estimated_cost", "more than zero"),
        ({"estimated_cost": "abc"}, "estimated_cost", "more than zero"),
        ({"estimated_cost": "1.005"}, "estimated_cost", "two digits"),
        ({"estimated_cost": "2000000"}, "estimated_cost", "whole budget"),
        ({"category": "casino"}, "category", "from the list"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_written(
    new_process, at, aru, overrides, field, message
):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    with pytest.raises(ValidationError) as refused:
        propose(aru, process, **overrides)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Project.objects.exists()


def test_only_eligible_residents_propose_and_support(
    new_process, at, aru, kamila, sanzhar, bob, carol
):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    project = propose(aru, process)
    for user, message in [
        (kamila, "aged 18 or over"),
        (sanzhar, "Only residents of Almaty"),
        (bob, "verified identity"),
        (carol, "verified identity"),
    ]:
        with pytest.raises(ValidationError, match=message):
            propose(user, process)
        with pytest.raises(ValidationError, match=message):
            actions.support_project(Actor(user=user), project)
    with pytest.raises(PermissionDenied):
        propose(None, process)
    process_actions.set_eligibility(
        SYSTEM, process, activity="support", unit=process.unit, min_age=14
    )
    actions.support_project(Actor(user=kamila), project)
    assert Project.objects.count() == 1


def test_proposals_only_in_their_phase(new_process, at, aru):
    process = new_process()
    with pytest.raises(ValidationError, match="not open in this phase"):
        propose(aru, process)
    at(during(PhaseKind.PROPOSALS))
    project = propose(aru, process)
    at(during(PhaseKind.REVIEW))
    with pytest.raises(ValidationError, match="not open in this phase"):
        propose(aru, process)
    with pytest.raises(ValidationError, match="not open in this phase"):
        actions.support_project(Actor(user=aru), project)


def test_the_akimat_reviews_feasibility(
    new_process, at, aru, carol, alice, bob, dana, farida, daniyar
):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    project = propose(aru, process)
    other = propose(aru, process, title="Fountain")
    at(during(PhaseKind.REVIEW))
    with pytest.raises(ValidationError, match="Say why"):
        actions.review_project(Actor(user=carol), other, feasible=False)
    with pytest.raises(ValidationError, match="whole budget"):
        actions.review_project(Actor(user=carol), other, feasible=True, cost="1000001")
    for user in (bob, dana, farida, daniyar):
        with pytest.raises(PermissionDenied):
            actions.review_project(Actor(user=user), project, feasible=True)
    actions.review_project(Actor(user=carol), project, feasible=True, cost="275000")
    actions.review_project(Actor(user=alice), other, feasible=False, reason="The land is private.")
    project.refresh_from_db()
    other.refresh_from_db()
    assert (project.status, project.cost, project.ballot_cost) == ("feasible", 275000, 275000)
    assert (other.status, other.review_reason) == ("infeasible", "The land is private.")
    at(during(PhaseKind.VOTING))
    with pytest.raises(ValidationError, match="not open in this phase"):
        actions.review_project(Actor(user=carol), other, feasible=True)
