"""Body staff (akimat editors, maslikhat staff) act for their own body and unit only."""

from esep.accounts.rules import is_akimat_editor, is_body_staff, is_maslikhat_staff
from esep.territory.models import Body


def test_carol_edits_for_the_akimat_of_almaty_city_only(carol, regions):
    own = Body.objects.get(unit=regions["KZ-75"], kind="akimat")
    other_akimat = Body.objects.get(unit=regions["KZ-71"], kind="akimat")
    own_maslikhat = Body.objects.get(unit=regions["KZ-75"], kind="maslikhat")
    assert is_akimat_editor(carol, own)
    assert is_akimat_editor(carol, regions["KZ-75"])
    assert not is_akimat_editor(carol, other_akimat)
    assert not is_akimat_editor(carol, regions["KZ-71"])
    assert not is_akimat_editor(carol, own_maslikhat)
    assert not is_maslikhat_staff(carol, own_maslikhat)


def test_dana_is_staff_of_the_maslikhat_of_astana_only(dana, regions):
    own = Body.objects.get(unit=regions["KZ-71"], kind="maslikhat")
    assert is_maslikhat_staff(dana, own)
    assert is_body_staff(dana, own)
    assert not is_maslikhat_staff(dana, Body.objects.get(unit=regions["KZ-75"], kind="maslikhat"))
    assert not is_akimat_editor(dana, Body.objects.get(unit=regions["KZ-71"], kind="akimat"))


def test_body_staff_scope_does_not_reach_units_below(carol, regions, turkistan_district):
    assert not is_akimat_editor(carol, turkistan_district)


def test_residents_and_other_roles_are_not_body_staff(bob, erlan, farida, regions):
    body = Body.objects.get(unit=regions["KZ-61"], kind="akimat")
    for user in (bob, erlan, farida):
        assert not is_body_staff(user, body)


def test_revoked_body_staff_lose_their_body(carol, regions, fresh_user):
    from esep.accounts.actions import revoke_role
    from tests.conftest import SYSTEM

    revoke_role(SYSTEM, carol.roles.get())
    assert not is_akimat_editor(fresh_user(carol), regions["KZ-75"])
