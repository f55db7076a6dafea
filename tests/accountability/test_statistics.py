"""Figures of appeals (queries/statistics.py) on a small hand-made set, every number checked,
and the pages that show them: a body's, a unit's and the national overview.

The set (`handled`): ten appeals about Kendala, filed through the actions in February and March
2026 and handled by bolat for Belbulak's akimat (B) and aidar for Talgar's (T). Today is
Tuesday 10 March 2026. February 2026 has no public holiday, so the 15-working-day term of an
appeal received on Monday 2 February ends on Monday 23 February and its 3-day forwarding term on
Thursday 5 February.

    a1  2 Feb  answered 5 Feb (3 working days, on time), public, rated 5, on the map
    a2  2 Feb  answered 25 Feb (17, late), public, rated 2
    a3  2 Feb  extended 10 Feb, answered 2 Mar (20, on time), rated 4, with coordinates
    a4  2 Feb  left without consideration 4 Feb (2, on time)
    a5  2 Feb  public, forwarded to T on 3 Feb (on time); open at T, overdue there
    a6  2 Feb  forwarded to T on 9 Feb (late); T answers on 10 Feb (1, on time)
    a7  2 Feb  public, forwarded out of esep on 4 Feb (on time)
    a8  2 Feb  public, open: overdue now; its coordinates are in Astana
    a9  5 Mar  open, not overdue
    a10 5 Mar  water, public, answered 6 Mar (1, on time)
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.accountability import actions
from esep.accountability.queries.public_appeals import Scope
from esep.accountability.queries.statistics import figures, median, trend_months
from esep.core.actions import Actor

TODAY = dt.date(2026, 3, 10)
LIST = "/en/appeals/public/"
WATER = {"problem": "no_water"}
KENDALA = {"latitude": "43.55", "longitude": "77.45"}
ASTANA = {"latitude": "51.16", "longitude": "71.43"}  # outside Almaty Region


@pytest.fixture
def handled(town, at, file_appeal, aigerim, aidar, bolat, settings):
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 1000
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 1000
    b, t, me = Actor.of(bolat), Actor.of(aidar), Actor.of(aigerim)
    at(2026, 2, 2)
    places = {1: KENDALA, 3: KENDALA, 8: ASTANA}
    a = {i: file_appeal(**places.get(i, {})) for i in range(1, 9)}
    for i in (1, 2, 5, 7, 8):
        a[i] = actions.publish_appeal(b, a[i], public_text=f"Public text of appeal {i}.")
    at(2026, 2, 3)
    a[5] = actions.forward_appeal(b, a[5], to_body=town.talgar_akimat, reason="District roads")
    at(2026, 2, 4)
    a[4] = actions.leave_appeal(b, a[4], reason="withdrawn")
    a[7] = actions.forward_appeal_out(b, a[7], organisation="KazAvtoZhol", reason="A national road")
    at(2026, 2, 5)
    a[1] = actions.answer_appeal(b, a[1], text="Repaired on 4 February.")
    at(2026, 2, 9)
    a[6] = actions.forward_appeal(b, a[6], to_body=town.talgar_akimat, reason="District roads")
    at(2026, 2, 10)
    a[3] = actions.extend_appeal(b, a[3], reason="An inspection is needed")
    a[6] = actions.answer_appeal(t, a[6], text="Scheduled for April.")
    at(2026, 2, 25)
    a[2] = actions.answer_appeal(b, a[2], text="Repaired at last.")
    at(2026, 3, 2)
    a[3] = actions.answer_appeal(b, a[3], text="Inspected and repaired.")
    at(2026, 3, 5)
    a[9] = file_appeal()
    a[10] = file_appeal(
        category=town.category["water"], attributes=WATER, body=town.belbulak_akimat
    )
    a[10] = actions.publish_appeal(b, a[10], public_text="No water since Monday.")
    at(2026, 3, 6)
    a[10] = actions.answer_appeal(b, a[10], text="Restored.")
    for i, rating in ((1, 5), (2, 2), (3, 4)):
        a[i] = actions.rate_appeal(me, a[i], rating=rating)
    at(2026, 3, 10)
    return SimpleNamespace(appeal=a, town=town, B=town.belbulak_akimat, T=town.talgar_akimat)


def ids(*numbers: int, of: SimpleNamespace) -> set[int]:
    return {of.appeal[i].pk for i in numbers}


def listed(client, query: str) -> set[int]:
    """The appeal ids the public list shows for a query string (every page)."""
    found: set[int] = set()
    page = 1
    while True:
        response = client.get(f"{LIST}?{query}&page={page}" if query else f"{LIST}?page={page}")
        assert response.status_code == 200, query
        html = response.content.decode()
        found |= {int(pk) for pk in re.findall(r'href="/en/appeals/([0-9]+)/"', html)}
        if 'rel="next"' not in html:
            return found
        page += 1


# The clock of the set ------------------------------------------------------------------------


def test_the_set_has_the_clock_the_docstring_says(handled):
    a = handled.appeal
    assert a[1].due_on == dt.date(2026, 2, 23) and a[1].forward_due_on == dt.date(2026, 2, 5)
    assert [a[i].working_days for i in (1, 2, 3, 4, 10)] == [3, 17, 20, 2, 1]
    assert [a[i].on_time for i in (1, 2, 3, 4, 10)] == [True, False, True, True, True]
    assert a[6].body == handled.T and a[6].working_days == 1 and a[6].on_time is True
    assert a[5].body == handled.T and a[5].deadline == dt.date(2026, 2, 24)
    assert a[8].deadline < TODAY < a[9].deadline


# Figures of a body ---------------------------------------------------------------------------


def test_body_figures(handled):
    f = figures(Scope(body=handled.B), TODAY)
    counts = {
        name: (getattr(f, name).total, getattr(f, name).public)
        for name in (
            "received",
            "decided",
            "on_time",
            "late",
            "open",
            "overdue",
            "forwarded",
            "forwarded_on_time",
            "extended",
            "rated",
            "satisfied",
        )
    }
    assert counts == {
        "received": (10, 6),  # 8 at B + a5 and a6 forwarded away; public a1 a2 a5 a7 a8 a10
        "decided": (5, 3),  # a1 a2 a3 a4 a10
        "on_time": (4, 2),
        "late": (1, 1),
        "open": (2, 1),  # a8 a9
        "overdue": (1, 1),  # a8
        "forwarded": (3, 2),  # a5 a6 to Talgar, a7 out of esep
        "forwarded_on_time": (2, 2),  # a5 a7
        "extended": (1, 0),  # a3
        "rated": (3, 2),
        "satisfied": (2, 1),  # a1 (5) a3 (4)
    }
    assert f.on_time_share == pytest.approx(0.8)
    assert f.median_days == 3  # 1 2 3 17 20
    assert f.mean_rating == pytest.approx(11 / 3)
    assert f.satisfied_share == pytest.approx(2 / 3)
    assert f.forwarded_on_time_share == pytest.approx(2 / 3)
    assert f.demo is False


def test_body_figures_by_category(handled):
    f = figures(Scope(body=handled.B), TODAY)
    rows = {row.category.code: row for row in f.by_category}
    assert set(rows) == {"roads", "water"}
    roads, water = rows["roads"], rows["water"]
    assert (roads.received.total, roads.decided.total, roads.on_time.total) == (9, 4, 3)
    assert (roads.late.total, roads.overdue.total, roads.forwarded.total) == (1, 1, 3)
    assert (water.received.total, water.decided.total, water.on_time.total) == (1, 1, 1)
    assert water.received.public == 1 and roads.received.public == 5


def test_body_figures_by_month_of_filing(handled):
    f = figures(Scope(body=handled.B), TODAY)
    assert len(f.trend) == 24
    assert (f.trend[0].month.text, f.trend[-1].month.text) == ("2024-04", "2026-03")
    by_month = {row.month.text: row for row in f.trend}
    feb, mar = by_month["2026-02"], by_month["2026-03"]
    assert (feb.received.total, feb.decided.total, feb.on_time.total, feb.late.total) == (
        8,
        4,
        3,
        1,
    )
    assert (feb.received.public, feb.forwarded.total, feb.open.total) == (5, 3, 1)
    assert (mar.received.total, mar.decided.total, mar.on_time.total, mar.late.total) == (
        2,
        1,
        1,
        0,
    )
    assert sum(row.received.total for row in f.trend) == 10
    assert feb.late.query == f"body={handled.B.pk}&outcome=late&month=2026-02"


def test_trend_months_cross_the_year():
    months = trend_months(dt.date(2026, 1, 31), 3)
    assert [m.text for m in months] == ["2025-11", "2025-12", "2026-01"]
    # Midnight in Almaty: UTC+5 since March 2024, UTC+6 before.
    assert months[0].start.utcoffset() == dt.timedelta(hours=5)
    assert trend_months(dt.date(2024, 1, 15), 1)[0].start.utcoffset() == dt.timedelta(hours=6)


def test_overdue_now_depends_on_today(handled):
    """a8's deadline is 23 February: not overdue that day, overdue the day after."""
    assert figures(Scope(body=handled.B), dt.date(2026, 2, 23)).overdue.total == 0
    assert figures(Scope(body=handled.B), dt.date(2026, 2, 24)).overdue.total == 1


def test_figures_of_the_body_forwarded_to(handled):
    f = figures(Scope(body=handled.T), TODAY)
    assert (f.received.total, f.decided.total, f.on_time.total, f.open.total) == (2, 1, 1, 1)
    assert (f.overdue.total, f.forwarded.total, f.median_days) == (1, 0, 1)


def test_unit_figures_add_up_its_bodies_and_those_below(handled):
    """Talgar: its akimat and maslikhat and Belbulak's akimat below it. a5 and a6 were
    received by both akimats; six decided, so the median is the mean of the middle two."""
    f = figures(Scope(unit=handled.town.talgar), TODAY)
    assert (f.received.total, f.received.public) == (12, 7)
    assert (f.decided.total, f.on_time.total, f.late.total) == (6, 5, 1)
    assert f.median_days == 2.5  # 1 1 2 3 17 20
    assert (f.overdue.total, f.forwarded.total, f.extended.total) == (2, 3, 1)
    assert f.received.query == f"bodies_in={handled.town.talgar.pk}"
    belbulak = figures(Scope(unit=handled.town.belbulak), TODAY)
    assert (belbulak.received.total, belbulak.decided.total) == (10, 5)
    kendala = figures(Scope(unit=handled.town.kendala), TODAY)
    assert kendala.received.total == 0 and kendala.median_days is None


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        ([], None),
        ([(7, 1)], 7),
        ([(1, 1), (2, 1), (10, 1)], 2),
        ([(1, 1), (2, 1), (3, 1), (10, 1)], 2.5),
        ([(5, 2), (1, 2)], 3),  # order does not matter, counts do
        ([(4, 3), (9, 1)], 4),
        ([(3, 0), (8, 2)], 8),
        ([(1, 50), (2, 50)], 1.5),
        ([(1, 50), (2, 51)], 2),
    ],
)
def test_median_from_a_histogram(histogram, expected):
    assert median(histogram) == expected


# Pages -----------------------------------------------------------------------------------------


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _list_links(html: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(unescape(query))
        for query in re.findall(r'href="/en/appeals/public/\?([^"]*)"', html)
    ]


def test_body_page_shows_every_figure_with_its_public_share(client, handled):
    response = client.get(f"/en/appeals/bodies/{handled.B.pk}/")
    assert response.status_code == 200
    text = _text(response.content.decode())
    for fragment in (
        "10 (6 of 10 are public)",
        "5 (3 of 5 are public)",
        "80.0 % (2 of 4 are public)",
        "Median working days to decide 3 (3 of 5 are public)",
        "Overdue now open, and the deadline has passed 1 (1 of 1 are public)",
        "Forwarded on time within 3 working days of receipt 2 (2 of 2 are public)",
        "Mean rating 1 to 5 3.67 (2 of 3 are public)",
    ):
        assert fragment in text, fragment
    assert 'id="trend-chart"' in response.content.decode()


def test_every_link_of_the_body_page_lists_exactly_the_public_appeals_behind_it(client, handled):
    html = client.get(f"/en/appeals/bodies/{handled.B.pk}/").content.decode()
    links = _list_links(html)
    assert links and all(link.get("body") == [str(handled.B.pk)] for link in links)
    f = figures(Scope(body=handled.B), TODAY)
    tallies = [
        f.received,
        f.decided,
        f.on_time,
        f.late,
        f.open,
        f.overdue,
        f.forwarded,
        f.forwarded_on_time,
        f.extended,
        f.rated,
        f.satisfied,
        *(
            getattr(row, name)
            for row in [*f.trend, *f.by_category]
            for name in ("received", "late")
        ),
    ]
    for tally in tallies:
        assert len(listed(client, tally.query)) == tally.public, tally.query
    h = handled
    body = f"body={h.B.pk}"
    assert listed(client, body) == ids(1, 2, 5, 7, 8, 10, of=h)
    assert listed(client, f"{body}&outcome=late&month=2026-02") == ids(2, of=h)
    assert listed(client, f"{body}&outcome=on_time") == ids(1, 10, of=h)
    assert listed(client, f"{body}&outcome=forwarded") == ids(5, 7, of=h)
    assert listed(client, f"{body}&outcome=overdue") == ids(8, of=h)
    assert listed(client, f"{body}&outcome=satisfied") == ids(1, of=h)
    assert listed(client, f"{body}&category=water") == ids(10, of=h)
    assert listed(client, f"{body}&month=2026-03") == ids(10, of=h)
    # The same appeal is received by the body it was forwarded to.
    assert listed(client, f"body={h.T.pk}") == ids(5, of=h)
    assert listed(client, f"bodies_in={h.town.talgar.pk}&outcome=overdue") == ids(5, 8, of=h)


def test_unit_page_lists_its_bodies_and_the_units_below(client, handled):
    response = client.get(f"/en/units/{handled.town.talgar.pk}/appeals/")
    assert response.status_code == 200
    html = response.content.decode()
    text = _text(html)
    assert "12 (7 of 12 are public)" in text
    assert "Median working days to decide 2.5" in text
    assert f'href="/en/appeals/bodies/{handled.T.pk}/"' in html
    assert f'href="/en/units/{handled.town.belbulak.pk}/appeals/"' in html
    # Belbulak's row: 10 received, 5 decided, 80 % on time, 1 overdue, 3 forwarded.
    row = re.search(r"Belbulak</a>.*?</tr>", html, re.S).group(0)
    assert re.findall(r">([0-9][0-9.,]*(?: %)?)</a>", row) == ["10", "5", "80.0 %", "1", "3"]
    assert f"bodies_in={handled.town.belbulak.pk}&amp;outcome=overdue" in row


def test_national_page_colours_the_region_and_links_to_it(client, handled):
    response = client.get("/en/appeals/")
    assert response.status_code == 200
    html = response.content.decode()
    oblast = handled.town.oblast
    label = re.search(rf'<a href="/en/units/{oblast.pk}/appeals/" aria-label="([^"]+)"', html)
    assert label and "83.3 % decided on time (6 decided)" in unescape(label.group(1))
    row = re.search(
        rf'<th scope="row"><a href="/en/units/{oblast.pk}/appeals/">.*?</tr>', html, re.S
    )
    assert re.findall(r">([0-9][0-9.,]*(?: %)?)</a>", row.group(0)) == [
        "12",
        "6",
        "83.3 %",
        "2",
        "3",
    ]
    assert "3.67" in row.group(0)  # mean rating
    assert html.count('class="map-svg"') == 1 and "no appeal decided yet" in html


def test_the_cache_key_carries_the_appeals_day(client, handled, at):
    """A cached page still says "overdue now" of the day it is read."""
    url = f"/en/appeals/bodies/{handled.T.pk}/"
    at(2026, 2, 24)
    assert "Overdue now open, and the deadline has passed 0" in _text(
        client.get(url).content.decode()
    )
    at(2026, 2, 25)
    assert "Overdue now open, and the deadline has passed 1" in _text(
        client.get(url).content.decode()
    )


def test_trend_csv(client, handled):
    response = client.get(f"/en/appeals/bodies/{handled.B.pk}/trend.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().lstrip("\ufeff").splitlines()
    assert len(lines) == 25
    assert lines[0].startswith("Month of filing,Received,Decided,On time,Late")
    assert "2026-02,8,4,3,1,0.7500,1,1,3" in lines
    categories = client.get(f"/en/units/{handled.town.talgar.pk}/appeals/categories.csv")
    assert "water,Water and sewerage,1,1,1,0,1.0000,0,0,0" in categories.content.decode()


def test_pages_in_every_language(client, handled):
    for lang in ("kk", "ru", "en"):
        for url in (
            f"/{lang}/appeals/",
            f"/{lang}/appeals/bodies/{handled.B.pk}/",
            f"/{lang}/units/{handled.town.talgar.pk}/appeals/",
        ):
            assert client.get(url).status_code == 200, url


def test_unknown_body_or_unit_is_404(client, handled):
    assert client.get("/en/appeals/bodies/999999/").status_code == 404
    assert client.get("/en/units/999999/appeals/").status_code == 404
    assert client.get("/en/appeals/bodies/99999999999999999999999/").status_code == 404
    assert client.get(f"/en/appeals/bodies/{handled.B.pk}/other.csv").status_code == 404


def test_demo_appeals_are_labelled(client, handled):
    from esep.accountability.models import Appeal

    url = f"/en/appeals/bodies/{handled.B.pk}/"
    assert "demo data" not in client.get(url).content.decode()
    Appeal.objects.filter(pk=handled.appeal[1].pk).update(is_demo=True)
    cache.clear()
    for page in (url, "/en/appeals/", f"{LIST}?body={handled.B.pk}"):
        assert '<span class="tag">demo data</span>' in client.get(page).content.decode(), page


# Query counts --------------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _file_many(count: int, town, file_appeal, bolat, at) -> None:
    """`count` appeals at Belbulak's akimat with every outcome, public and not, in two
    categories and several months."""
    b = Actor.of(bolat)
    for i in range(count):
        at(2026, 1 + i % 2, 5 + i % 20)
        water = i % 3 == 0
        appeal = file_appeal(
            category=town.category["water" if water else "roads"],
            attributes=WATER if water else {"hazard": "no"},
            body=town.belbulak_akimat,
            latitude="43.6" if i % 2 else None,
            longitude="77.1" if i % 2 else None,
        )
        if i % 2:
            appeal = actions.publish_appeal(b, appeal, public_text=f"Public {i}")
        at(2026, 3, 2)
        kind = i % 4
        if kind == 0:
            actions.answer_appeal(b, appeal, text="Done.")
        elif kind == 1:
            actions.forward_appeal(b, appeal, to_body=town.talgar_akimat, reason="Theirs")
        elif kind == 2:
            actions.leave_appeal(b, appeal, reason="withdrawn")
    at(2026, 3, 10)


@pytest.mark.parametrize("grow", [3, 30])
def test_query_counts_do_not_grow_with_the_appeals(
    client, town, file_appeal, bolat, aidar, at, settings, grow
):
    settings.ESEP_APPEALS_PER_HOUR_ACCOUNT = 1000
    settings.ESEP_APPEALS_PER_HOUR_SOURCE = 1000
    urls = {
        "body": f"/en/appeals/bodies/{town.belbulak_akimat.pk}/",
        "unit": f"/en/units/{town.talgar.pk}/appeals/",
        "national": "/en/appeals/",
        "list": f"{LIST}?bodies_in={town.talgar.pk}&outcome=on_time",
        "api-list": f"/api/v1/appeals?body={town.belbulak_akimat.pk}",
        "api-statistics": f"/api/v1/appeal-statistics?unit={town.talgar.pk}",
    }
    _file_many(3, town, file_appeal, bolat, at)
    small = {name: _queries(client, url) for name, url in urls.items()}
    _file_many(grow, town, file_appeal, bolat, at)
    large = {name: _queries(client, url) for name, url in urls.items()}
    assert small == large
    assert small["body"] <= 12 and small["unit"] <= 18 and small["national"] <= 8


# The map ---------------------------------------------------------------------------------------


def test_the_map_draws_public_appeals_on_the_region(client, handled):
    from esep.accountability.queries.statistics_charts import outline

    html = client.get(f"/en/appeals/bodies/{handled.B.pk}/").content.decode()
    figure = re.search(r'<figure class="map" id="appeals-map".*?</figure>', html, re.S).group(0)
    points = re.findall(r'<a href="/en/appeals/([0-9]+)/" aria-label="([^"]+)"><circle', figure)
    a1 = handled.appeal[1]
    assert points == [(str(a1.pk), f"№{a1.pk}, Roads, Answered")]  # not a3: not public
    assert "Public appeals with a place on the map of Almaty Region" in figure
    assert "1 lies outside the region and is not drawn." in _text(figure)  # a8, in Astana
    # The dot is where the region's own projection puts Kendala.
    shape = outline("KZ-19")
    x, y = shape.point(77.45, 43.55)
    assert f'cx="{x}" cy="{y}"' in figure
    assert f'viewBox="{shape.viewbox}"' in figure


def test_an_outline_matches_territory_geo(handled):
    """Placing the region's own vertices gives the coordinates of its SVG path."""
    from esep.accountability.queries.statistics_charts import _simplified, outline

    shape = outline("KZ-19")
    geometry = _simplified()["KZ-19"]
    ring = (
        geometry["coordinates"][0]
        if geometry["type"] == "Polygon"
        else (geometry["coordinates"][0][0])
    )
    lon, lat = ring[0][:2]
    x, y = shape.point(lon, lat)
    pair = ",".join(f"{v:.1f}".rstrip("0").rstrip(".") for v in (x, y))
    assert f"M{pair}L" in shape.path or f" {pair} " in shape.path or f" {pair}Z" in shape.path
