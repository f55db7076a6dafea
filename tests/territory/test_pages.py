"""Registry pages: national map, unit, person, post, search, powers, terms ending, exports;
in every language, with a constant number of queries as the registry grows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.territory import actions
from esep.territory.geo import load_boundaries
from esep.territory.powers import load_powers
from esep.territory.queries import search
from tests.conftest import SYSTEM
from tests.territory.conftest import make_person, make_unit

D = dt.date
LANGS = ["kk", "ru", "en"]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(registry, n: int = 6) -> None:
    """More of everything the pages list: units below Talgar, people, seats, mandates."""
    maslikhat = registry.bodies["talgar_maslikhat"]
    for i in range(n):
        rural = make_unit(registry.talgar, "rural_district", f"Grow{i}")
        akimat = actions.create_body(SYSTEM, unit=rural, kind="akimat")
        akim = actions.create_post(SYSTEM, body=akimat, kind="akim")
        person = make_person(f"Тест{i}", "Асан", f"Test{i} Asan")
        actions.record_mandate(
            SYSTEM, person=person, post=akim, basis="elected_direct", start=D(2021, 7, 25)
        )
        seat = actions.create_post(SYSTEM, body=maslikhat, kind="district_deputy", number=10 + i)
        actions.record_mandate(
            SYSTEM,
            person=person,
            post=seat,
            basis="elected_direct",
            start=D(2023, 3, 19),
            party=registry.amanat if i % 2 else None,
        )
        # the oblast akim's person gets a long history
        deputy = actions.create_post(SYSTEM, body=akimat, kind="deputy_akim", number=1)
        actions.record_mandate(
            SYSTEM, person=registry.people.oblast_akim, post=deputy, basis="appointed",
            start=D(2000 + i, 1, 1), end=D(2000 + i, 12, 31), end_reason="moved",
        )  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_national_page_draws_the_map_and_the_table(client, registry, lang):
    load_boundaries(SYSTEM)
    page = client.get(f"/{lang}/units/").content.decode()
    assert page.count("<path d=") == 20
    assert page.count("<circle") == 3  # Astana, Almaty, Shymkent also as dots
    assert page.count('<th scope="row"><a href="/' + lang + "/units/") == 20
    assert 'role="group"' in page and '<title id="map-title">' in page
    assert "OpenStreetMap" in page


def test_national_page_measures(client, registry):
    load_boundaries(SYSTEM)
    direct = client.get("/en/units/").content.decode()
    # Almaty Region: its own akim and Talgar's (appointed), Belbulak's (elected directly).
    assert 'aria-label="Almaty Region: 33.3 %"' in direct
    population = client.get("/en/units/?measure=population").content.decode()
    assert 'aria-label="Almaty Region: 1,505,984"' in population
    unknown = client.get("/en/units/?measure=nonsense").content.decode()
    assert "Share of akims elected directly" in unknown


@pytest.mark.parametrize("lang", LANGS)
def test_unit_page_says_who_governs_and_how(client, registry, lang):
    page = client.get(f"/{lang}/units/{registry.belbulak.pk}/").content.decode()
    assert "Жұмабекова Айгүл" in page
    assert ("07/25/2025" if lang == "en" else "25.07.2025") in page  # term end
    assert f'href="/{lang}/units/{registry.talgar.pk}/"' in page  # breadcrumb
    assert f'href="/{lang}/units/{registry.kendala.pk}/"' in page  # units below
    assert "195243000" in page


def test_unit_page_shows_the_maslikhat_composition(client, registry):
    page = client.get(f"/en/units/{registry.talgar.pk}/").content.decode()
    assert "Deputies now: 2 of 2 seats filled" in page
    assert "Amanat" in page and "Self-nominated" in page
    assert "Appointed" in page and "Akimat, Almaty Region" in page


def test_person_page_lists_the_mandate_history(client, registry):
    page = client.get(f"/ru/people/{registry.people.rural_akim.pk}/").content.decode()
    assert page.count("<tr>") == 3  # header + two mandates
    assert "Zhumabekova Aigul" in page


def test_missing_records_are_not_found(client, registry):
    for url in ("/en/units/999999/", "/en/people/999999/", "/en/posts/999999/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Shymkent", "KZ-79"),
        ("Шымкент", "KZ-79"),
        ("Şymkent", "KZ-79"),
        ("Almaty oblysy", "KZ-19"),
        ("Алматинская", "KZ-19"),
        ("Aqtöbe", "KZ-15"),
        ("Актюбинская", "KZ-15"),
        ("Zhambyl", "KZ-31"),
        ("Jambyl", "KZ-31"),
    ],
)
def test_search_tolerates_spellings(client, registry, query, expected):
    page = client.get("/en/search/", {"q": query}).content.decode()
    assert f'href="/en/units/{registry.regions[expected].pk}/"' in page


@pytest.mark.parametrize("query", ["Akhmetov", "Ахметов Ерлан", "Yerlan Akhmetov", "ахметов"])
def test_search_finds_people_in_either_alphabet(client, registry, query):
    page = client.get("/kk/search/", {"q": query}).content.decode()
    assert f'href="/kk/people/{registry.people.talgar_akim.pk}/"' in page


def test_search_says_when_nothing_is_found(client, registry):
    page = client.get("/ru/search/", {"q": "Атлантида"}).content.decode()
    assert "Атлантида" in page and 'role="status"' in page


def test_powers_page_shows_overlaps(client, registry):
    load_powers(SYSTEM)
    page = client.get("/en/powers/").content.decode()
    assert "overlapping functions" in page
    assert "Law No. 148-II" in page


def test_terms_ending_lists_elected_terms(client, registry):
    page = client.get("/en/terms-ending/?within=730").content.decode()
    assert "Жұмабекова Айгүл" in page  # ended 25.07.2025, still recorded in office
    assert "(overdue)" in page
    assert "Бозымбаев" not in page  # appointed: no term end
    assert client.get("/en/terms-ending/?within=x").status_code == 200


def test_exports_are_csv(client, registry):
    units = client.get("/exports/units.csv")
    assert units["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(units.streaming_content).decode()
    assert body.startswith("\ufeffid,ocd_id,kind")
    assert "Бельбұлақ ауылдық округі" in body
    mandates = b"".join(client.get("/exports/mandates.csv").streaming_content).decode()
    assert mandates.count("\n") == 1 + 7
    people = b"".join(client.get("/exports/people.csv").streaming_content).decode()
    assert "Zhumabekova Aigul" in people


def test_page_queries_do_not_grow_with_the_registry(client, registry):
    urls = [
        "/en/units/",
        f"/en/units/{registry.talgar.pk}/",
        f"/en/units/{registry.oblast.pk}/",
        f"/en/people/{registry.people.oblast_akim.pk}/",
        f"/en/posts/{registry.posts.seat1.pk}/",
        "/en/search/?q=Test",
        "/en/terms-ending/?within=730",
        "/en/powers/",
    ]
    before = {url: queries(client, url) for url in urls}
    grow(registry)
    after = {url: queries(client, url) for url in urls}
    assert after == before


def test_anonymous_pages_come_from_the_cache_until_data_changes(client, registry):
    url = f"/en/units/{registry.talgar.pk}/"
    first = queries(client, url)
    assert queries(client, url) == 1 < first  # only the data version is read
    actions.rename_unit(
        SYSTEM,
        registry.talgar,
        name_kk="Т",
        name_ru="Т",
        name_en="Renamed District",
        date=D(2026, 1, 1),
    )
    assert "Renamed District" in client.get(url).content.decode()


def test_signed_in_visitors_are_not_served_from_the_cache(client, registry, bob):
    url = f"/en/units/{registry.talgar.pk}/"
    client.get(url)
    client.force_login(bob)
    assert queries(client, url) > 1


def test_parameters_a_page_does_not_read_do_not_make_new_copies(client, registry):
    assert queries(client, "/en/units/?measure=population") > 1
    assert queries(client, "/en/units/?measure=population&junk=1") == 1
    assert queries(client, "/api/v1/units?limit=5&junk=2") > 1
    assert queries(client, "/api/v1/units?limit=5&junk=3") == 1


def test_answers_that_set_cookies_are_not_stored(rf, registry):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from esep.core.cache import public_page

    calls = []

    @public_page
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    @public_page
    def with_message(request):
        calls.append(1)
        request._messages.add(20, "hello")
        return HttpResponse("ok")

    for view in (with_token, with_message):
        for _ in range(2):
            request = rf.get("/en/x/")
            request.user, request.session = AnonymousUser(), SessionStore()
            request._messages = FallbackStorage(request)
            view(request)
    assert len(calls) == 4  # every request rendered: nothing was stored


def test_search_lists_units_in_force_first(client, registry):
    actions.end_unit(SYSTEM, registry.kendala, date=D(2024, 1, 1))
    units, _people = search("Kendala")
    assert units[0] == registry.kendala  # the only match, ended
    units, _people = search("a", limit=1000)
    ended = [i for i, unit in enumerate(units) if unit.valid_until is not None]
    assert ended == [len(units) - 1]  # after every unit in force
