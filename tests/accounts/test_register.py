"""Registering: what a resident sees when it works and when it does not."""

from django.contrib.auth.hashers import identify_hasher

from esep.accounts.models import User
from esep.core.models import AuditEntry

URL = "/kk/accounts/register/"
GOOD = {
    "full_name": "Әсел Нұрланова",
    "email": "Asel@Example.kz",
    "password1": "dala-zhyry-2026",
    "password2": "dala-zhyry-2026",
}


def test_a_resident_registers_and_is_signed_in(client, db):
    response = client.post(URL, GOOD, follow=True)
    assert response.redirect_chain[-1][0] == "/kk/accounts/me/"
    user = User.objects.get(email="asel@example.kz")
    assert identify_hasher(user.password).algorithm == "argon2"
    assert response.context["user"] == user
    assert AuditEntry.objects.filter(verb="register_resident", target_id=str(user.pk)).exists()


def test_bad_email_is_explained_in_kazakh_and_nothing_is_saved(client, db):
    response = client.post(URL, {**GOOD, "email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Қате:" in html
    assert "Дұрыс электрондық пошта мекенжайын енгізіңіз." in html
    assert 'class="error-summary"' in html and 'href="#id_email"' in html
    assert 'value="Әсел Нұрланова"' in html and 'value="not-an-email"' in html
    assert not User.objects.exists()


def test_bad_email_is_explained_in_russian(client, db):
    response = client.post("/ru/accounts/register/", {**GOOD, "email": "x@"})
    assert "Введите правильный адрес электронной почты." in response.content.decode()


def test_mismatched_and_weak_passwords_are_refused(client, db):
    response = client.post(URL, {**GOOD, "password2": "something-else-1"})
    assert (
        "Екі құпиясөз" in response.content.decode() or response.context["form"].errors["password2"]
    )
    response = client.post(URL, {**GOOD, "password1": "12345", "password2": "12345"})
    assert "password1" in response.context["form"].errors
    assert not User.objects.exists()


def test_an_email_already_registered_is_refused(client, bob):
    response = client.post(URL, {**GOOD, "email": "BOB@example.kz"})
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


def test_every_field_points_at_its_hint_and_error(client, db):
    import re

    html = client.post(URL, {**GOOD, "email": "bad"}).content.decode()
    ids = set(re.findall(r' id="([^"]+)"', html))
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described
    for refs in described:
        for ref in refs.split():
            assert ref in ids, f"aria-describedby points at missing #{ref}"


def test_a_registration_racing_another_gets_a_clear_error(client, bob, monkeypatch):
    from esep.accounts.forms import RegistrationForm

    monkeypatch.setattr(RegistrationForm, "clean_email", lambda form: "bob@example.kz")
    response = client.post(URL, {**GOOD, "email": "bob@example.kz"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1
