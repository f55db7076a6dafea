"""Signing in and out; repeated wrong passwords pause sign-in for that account."""

from django.test import override_settings

from tests.conftest import PASSWORD

URL = "/en/accounts/signin/"


def test_bob_signs_in_and_out(client, bob):
    response = client.post(URL, {"username": "bob@example.kz", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/me/"
    assert client.get("/en/accounts/me/").context["user"] == bob
    assert client.get("/en/accounts/signout/").status_code == 405
    client.post("/en/accounts/signout/")
    assert client.get("/en/accounts/me/").status_code == 302


def test_wrong_password_keeps_the_email_and_says_so(client, bob):
    response = client.post(
        "/kk/accounts/signin/", {"username": "bob@example.kz", "password": "wrong"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Қате:" in html
    assert 'value="bob@example.kz"' in html


@override_settings(AXES_FAILURE_LIMIT=3)
def test_sign_in_is_paused_after_repeated_failures(client, bob):
    for _ in range(3):
        client.post(URL, {"username": "bob@example.kz", "password": "wrong"})
    response = client.post(URL, {"username": "bob@example.kz", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_email_case_does_not_matter_for_signing_in_or_for_the_limit(client, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    response = client.post(URL, {"username": "BOB@Example.KZ", "password": PASSWORD})
    assert response.status_code == 302
    client.post("/en/accounts/signout/")
    for variant in ("bob@example.kz", "BOB@example.kz", "Bob@Example.kz"):
        client.post(URL, {"username": variant, "password": "wrong"})
    response = client.post(URL, {"username": "bob@example.kz", "password": PASSWORD})
    assert response.status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(
            URL,
            {"username": "bob@example.kz", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    response = client.post(
        URL, {"username": "bob@example.kz", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.0.0.99"
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_each_client_address_counts_apart(client, bob, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    for _ in range(3):
        client.post(
            URL,
            {"username": "bob@example.kz", "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7, 127.0.0.1",
        )
    locked = client.post(
        URL,
        {"username": "bob@example.kz", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7, 127.0.0.1",
    )
    assert locked.status_code == 429
    other = client.post(
        URL,
        {"username": "bob@example.kz", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4, 127.0.0.1",
    )
    assert other.status_code == 302
