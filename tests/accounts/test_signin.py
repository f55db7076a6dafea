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
