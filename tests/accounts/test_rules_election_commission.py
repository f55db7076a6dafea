"""Election commission members act for elections in their unit and below."""

from esep.accounts.rules import is_election_commission


def test_farida_serves_almaty_region(farida, regions):
    assert is_election_commission(farida, regions["KZ-19"])
    assert not is_election_commission(farida, regions["KZ-75"])  # Almaty city is apart


def test_others_are_not_election_commission(bob, carol, erlan, regions):
    for user in (bob, carol, erlan):
        assert not is_election_commission(user, regions["KZ-19"])


def test_farida_serves_the_units_below_almaty_region_too(farida, regions):
    from tests.conftest import add_district

    district = add_district(regions["KZ-19"], "Talgar")
    assert is_election_commission(farida, district)
