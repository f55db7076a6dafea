"""The public list of appeals (/<lang>/appeals/public/): only public appeals, only their public
fields, the filters the figures link with, bad filters answered 400, and paging. The set of
appeals is `handled` of test_statistics.py (a1 a2 a5 a7 a8 a10 are public)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.accountability import actions
from esep.core.actions import Actor
from tests.accountability.test_statistics import LIST, _text, handled, ids, listed

__all__ = ["handled"]  # the fixture, imported for pytest

APPLICANT = ("Aigerim Resident", "aigerim@example.kz")
PRIVATE_TEXT = "Deep potholes on the main street near the school."


def test_only_public_appeals_are_listed(client, handled):
    assert listed(client, "") == ids(1, 2, 5, 7, 8, 10, of=handled)


def test_no_page_shows_the_applicant_or_the_private_text(client, handled, aigerim):
    pages = [
        LIST,
        f"{LIST}?body={handled.B.pk}",
        "/en/appeals/",
        f"/en/appeals/bodies/{handled.B.pk}/",
        f"/en/appeals/bodies/{handled.T.pk}/",
        f"/en/units/{handled.town.talgar.pk}/appeals/",
        f"/en/appeals/bodies/{handled.B.pk}/trend.csv",
        f"/en/units/{handled.town.talgar.pk}/appeals/categories.csv",
        "/api/v1/appeals?limit=1000",
        f"/api/v1/appeals/{handled.appeal[1].pk}",
        f"/api/v1/appeal-statistics?body={handled.B.pk}",
        f"/api/v1/appeal-statistics?unit={handled.town.oblast.pk}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for secret in (*APPLICANT, PRIVATE_TEXT, handled.appeal[1].token):
            assert secret not in body, (url, secret)
    # The public text is what is shown.
    assert "Public text of appeal 1." in client.get(LIST).content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=water", (10,)),
        ("category=roads", (1, 2, 5, 7, 8)),
        ("status=answered", (1, 2, 10)),
        ("status=forwarded_out", (7,)),
        ("outcome=open", (5, 8)),
        ("outcome=overdue", (5, 8)),
        ("outcome=decided", (1, 2, 10)),
        ("outcome=late", (2,)),
        ("outcome=forwarded", (5, 7)),
        ("outcome=rated", (1, 2)),
        ("month=2026-03", (10,)),
        ("month=2026-02&outcome=on_time", (1,)),
        ("month=2025-02", ()),
    ],
)
def test_filters(client, handled, query, expected):
    assert listed(client, query) == ids(*expected, of=handled)


def test_place_filter_takes_the_units_below(client, handled):
    town = handled.town
    everything = ids(1, 2, 5, 7, 8, 10, of=handled)
    assert listed(client, f"unit={town.talgar.pk}") == everything
    assert listed(client, f"unit={town.kendala.pk}") == everything
    assert listed(client, f"unit={town.oblast.pk}") == everything
    other_region = town.oblast.parent.children.exclude(pk=town.oblast.pk).first()
    assert listed(client, f"unit={other_region.pk}") == set()


def test_bodies_in_a_unit(client, handled):
    town = handled.town
    assert listed(client, f"bodies_in={town.talgar.pk}") == ids(1, 2, 5, 7, 8, 10, of=handled)
    assert listed(client, f"bodies_in={town.kendala.pk}") == set()  # no body of its own
    # Talgar's akimat received a5 from Belbulak; Belbulak's forwarding is "forwarded".
    assert listed(client, f"bodies_in={town.talgar.pk}&outcome=forwarded") == ids(5, 7, of=handled)


def test_the_heading_says_what_is_shown(client, handled):
    html = client.get(f"{LIST}?body={handled.B.pk}&outcome=late&month=2026-02").content.decode()
    assert "received by Akimat, Belbulak; Decided late; filed in 2026-02" in _text(html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("body=abc", "Enter a whole number."),
        ("body=999999", "There is no body number 999999."),
        ("body=0", "Ensure this value is greater than or equal to 1."),
        ("body=99999999999999999999", "Ensure this value is less than or equal to"),
        ("bodies_in=999999", "There is no unit number 999999."),
        ("unit=-3", "Ensure this value is greater than or equal to 1."),
        ("outcome=nope", "Select a valid choice."),
        ("status=lost", "Select a valid choice."),
        ("category=nope", "Select a valid choice."),
        ("month=2026-13", "Give the month as YYYY-MM"),
        ("month=26-1", "Give the month as YYYY-MM"),
        ("page=0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_filters_answer_400_and_say_why(client, handled, query, message):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _text(html)
    assert "There is a problem" in html and "<title>Error:" in html
    assert not re.findall(r'href="/en/appeals/([0-9]+)/"', html)  # no list under a bad filter


def test_body_and_bodies_in_together(client, handled):
    """The body's appeals if the body is one of the unit's, else none."""
    h = handled
    assert listed(client, f"body={h.B.pk}&bodies_in={h.town.talgar.pk}") == listed(
        client, f"body={h.B.pk}"
    )
    assert listed(client, f"body={h.B.pk}&bodies_in={h.town.kendala.pk}") == set()


def test_unknown_parameters_are_ignored(client, handled):
    assert listed(client, "colour=blue") == ids(1, 2, 5, 7, 8, 10, of=handled)


def _many_public(count, town, file_appeal, bolat, at, settings):
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 1000
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 1000
    at(2026, 2, 2)
    for i in range(count):
        appeal = file_appeal()
        actions.publish_appeal(Actor.of(bolat), appeal, public_text=f"Public {i}")


def test_paging_runs_the_same_queries_on_every_page(client, town, file_appeal, bolat, at, settings):
    _many_public(60, town, file_appeal, bolat, at, settings)
    counts = []
    rows = []
    for page in (1, 2):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{LIST}?category=roads&page={page}")
        assert response.status_code == 200
        counts.append(len(captured))
        html = response.content.decode()
        rows.append(len(re.findall(r'<th scope="row"><a href="/en/appeals/[0-9]+/"', html)))
    assert rows == [50, 10]
    assert counts[0] == counts[1]
    html = client.get(f"{LIST}?category=roads&page=2").content.decode()
    assert 'href="?category=roads&amp;page=1" rel="prev"' in html
    assert "60 public appeals, page 2 of 2" in _text(html)
    # Past the last page: the last page.
    assert "page 2 of 2" in _text(client.get(f"{LIST}?page=9").content.decode())


def test_unpublished_appeals_leave_the_list(client, handled, bolat):
    a1 = handled.appeal[1]
    assert a1.pk in listed(client, "")
    actions.unpublish_appeal(Actor.of(bolat), a1)
    assert a1.pk not in listed(client, "")
    html = client.get(f"/en/appeals/bodies/{handled.B.pk}/").content.decode()
    assert f'href="/en/appeals/{a1.pk}/"' not in html  # nor on the map
    assert "10 (5 of 10 are public)" in _text(html)
