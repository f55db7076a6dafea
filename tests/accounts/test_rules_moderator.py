"""Moderators act in their unit and every unit below it, nowhere else."""

from esep.accounts.rules import is_moderator
from esep.territory.models import Body


def test_erlan_moderates_turkistan_region_and_what_lies_within(erlan, regions, turkistan_district):
    assert is_moderator(erlan, regions["KZ-61"])
    assert is_moderator(erlan, turkistan_district)
    assert is_moderator(erlan, Body.objects.get(unit=regions["KZ-61"], kind="akimat"))


def test_erlan_does_not_moderate_other_regions_or_the_republic(erlan, regions):
    assert not is_moderator(erlan, regions["KZ-79"])
    assert not is_moderator(erlan, regions["KZ"])


def test_others_are_not_moderators(bob, carol, farida, regions):
    for user in (bob, carol, farida):
        assert not is_moderator(user, regions["KZ-61"])


def test_a_revoked_moderator_no_longer_moderates(erlan, regions, fresh_user):
    from esep.accounts.actions import revoke_role
    from tests.conftest import SYSTEM

    revoke_role(SYSTEM, erlan.roles.get())
    assert not is_moderator(fresh_user(erlan), regions["KZ-61"])
