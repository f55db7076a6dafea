"""Pages as a resident's browser receives them (server-rendered, no JavaScript needed)."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.territory.actions import create_unit, publish_unit
from tests.conftest import PUBLIC_PAGES, SYSTEM

PAGES = PUBLIC_PAGES
HEADINGS = {
    "kk": "Кім басқарады",
    "ru": "Кто управляет",
    "en": "Who governs",
}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_each_language(client, regions, lang, page):
    response = client.get(f"/{lang}/{page}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    for code in ("kk", "ru", "en"):
        assert f'hreflang="{code}"' in html
    current = re.search(r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+" aria-current="true"', html)
    assert current and current[2] == lang and current[1] == f"/{lang}/{page}"
    assert not re.search(r'(src|href)="(https?:)?//', html), "no request may leave the site"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_page_lists_the_twenty_units_in_the_visitors_language(client, regions, lang):
    html = client.get(f"/{lang}/").content.decode()
    assert HEADINGS[lang] in html
    names = {"kk": "Шымкент", "ru": "Шымкент", "en": "Shymkent"}
    assert names[lang] in html
    assert html.count('<th scope="row">') == 20


def test_root_sends_visitors_to_kazakh_by_default(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/kk/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Location"] == "/ru/"


def test_unknown_language_gets_a_translated_not_found_page(client, db):
    response = client.get("/xx/about/")
    assert response.status_code == 404
    assert "Бет табылмады" in response.content.decode()


def test_wrong_method_gets_a_translated_page_not_a_blank_one(client, db):
    response = client.post("/en/about/")
    assert response.status_code == 405
    assert "This address does not accept that method" in response.content.decode()
    assert "GET" in response["Allow"]


def test_oversized_body_is_refused_with_400(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/en/accounts/register/", {"full_name": "x" * 5000})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_expired_form_security_check_is_explained(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/en/accounts/register/", {})
    assert response.status_code == 403
    assert "security check expired" in response.content.decode()


def test_demo_banner_is_shown_only_on_demo_sites(client, db, settings):
    assert "Demonstration site" not in client.get("/en/").content.decode()
    settings.DEMO = True
    cache.clear()  # settings are fixed for a process's life; cached pages assume so
    assert "Demonstration site" in client.get("/en/").content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_home_page_queries_do_not_grow_with_units(client, regions):
    before = _queries(client, "/en/")
    for n in range(30):  # 30 more top-level units (demo data), each listed on the page
        create_unit(
            SYSTEM,
            kind="oblast",
            parent=regions["KZ"],
            name_kk=f"Демо {n}",
            name_ru=f"Демо {n}",
            name_en=f"Demo {n}",
            ocd_id=f"ocd-division/country:kz/region:demo-{n}",
        )
    assert _queries(client, "/en/") == before
    assert client.get("/en/").content.decode().count('<th scope="row">') == 50


def test_ledger_page_queries_do_not_grow_with_entries(client, regions):
    before = _queries(client, "/en/ledger/")
    for unit in list(regions.values())[:15]:
        publish_unit(SYSTEM, unit)
    assert _queries(client, "/en/ledger/") == before
    assert _queries(client, "/en/ledger/?page=2") == before


def test_ledger_pages_through_entries_and_tolerates_bad_page_numbers(client, regions):
    for unit in list(regions.values()) * 2:
        publish_unit(SYSTEM, unit)  # 21 + 42 = 63 entries, two pages
    html = client.get("/en/ledger/?page=2").content.decode()
    assert "Page 2 of 2" in html and 'rel="prev"' in html
    for bad in ("x", "-1", "999"):
        assert client.get(f"/en/ledger/?page={bad}").status_code == 200
    fragment = client.get("/en/ledger/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Page 2 of 2" in fragment


def test_profile_shows_roles_and_marks_demo_accounts(client, carol):
    carol.is_demo = True
    carol.save()
    client.force_login(carol)
    html = client.get("/en/accounts/me/").content.decode()
    assert "Akimat editor" in html and "demo data" in html


def test_language_links_on_a_missing_page_keep_its_address(client, db):
    html = client.get("/ru/no-such-page/").content.decode()
    assert 'href="/kk/no-such-page/" lang="kk"' in html
    assert 'href="/en/no-such-page/" lang="en"' in html


def test_ledger_history_restore_gets_the_whole_page(client, regions):
    response = client.get(
        "/en/ledger/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
