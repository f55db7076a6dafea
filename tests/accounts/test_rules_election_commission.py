"""Election commission members act for elections in their unit and below."""

from esep.accounts.rules import is_election_commission


def test_farida_serves_almaty_region(farida, regions):
    assert is_election_commission(farida, regions["KZ-19"])
    assert not is_election_commission(farida, regions["KZ-75"])  # Almaty city is apart


def test_others_are_not_election_commission(bob, carol, erlan, regions):
    for user in (bob, carol, erlan):
        assert not is_election_commission(user, regions["KZ-19"])


def test_farida_serves_the_units_below_almaty_region_too(farida, regions):
    from esep.territory.actions import create_unit
    from tests.conftest import SYSTEM

    district = create_unit(
        SYSTEM,
        kind="district",
        parent=regions["KZ-19"],
        name_kk="Талғар ауданы",
        name_ru="Талгарский район",
        name_en="Talgar District",
        ocd_id="ocd-division/country:kz/region:kz-19/district:talgar",
    )
    assert is_election_commission(farida, district)
