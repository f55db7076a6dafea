"""Verifying residence with an OpenID Connect provider: a fake provider signs ID tokens with a
key made for the test; esep checks signature, issuer, audience, expiry, state and nonce, reads
the IIN and the unit's KATO code from the claims, and refuses anything else with a reason."""

from __future__ import annotations

import datetime as dt
import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from esep.accounts import oidc
from esep.accounts.identity import identity_hash, make_iin
from esep.accounts.models import Verification

BASE = "/en/participation/verify"
ISSUER = "https://idp.example.kz"
IIN = make_iin(dt.date(1988, 8, 8), 42)


@pytest.fixture
def provider(settings, monkeypatch):
    """A fake identity provider; `provider.claims` and `provider.key` can be changed."""
    settings.ESEP_OIDC_ISSUER = ISSUER
    settings.ESEP_OIDC_CLIENT_ID = "esep"
    settings.ESEP_OIDC_CLIENT_SECRET = "secret"
    settings.ESEP_OIDC_AUTHORIZATION_URL = f"{ISSUER}/authorize"
    settings.ESEP_OIDC_TOKEN_URL = f"{ISSUER}/token"
    settings.ESEP_OIDC_JWKS_URL = f"{ISSUER}/jwks"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    class Provider:
        signing_key = key
        published_key = key
        claims: dict = {}
        seen: list = []

    def fetch(url, data=None):
        Provider.seen.append((url, data))
        if url.endswith("/jwks"):
            public = json.loads(
                jwt.algorithms.RSAAlgorithm.to_jwk(Provider.published_key.public_key())
            )
            return {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": "esep", "sub": "person-1", "iat": now, "exp": now + 300}
        claims.update(Provider.claims)
        token = jwt.encode(claims, Provider.signing_key, algorithm="RS256", headers={"kid": "k1"})
        return {"id_token": token, "token_type": "Bearer"}

    monkeypatch.setattr(oidc, "fetch_json", fetch)
    return Provider


def _start(client):
    answer = client.get(f"{BASE}/provider/")
    assert answer.status_code == 302 and answer["Location"].startswith(f"{ISSUER}/authorize?")
    return {k: v[0] for k, v in parse_qs(urlsplit(answer["Location"]).query).items()}


def test_the_provider_verifies_a_resident(client, provider, city, aru):
    client.force_login(aru)
    assert "Verify with the identity provider" in client.get(f"{BASE}/").text
    sent = _start(client)
    assert sent["client_id"] == "esep" and sent["redirect_uri"].endswith("/provider/callback/")
    provider.claims = {"nonce": sent["nonce"], "iin": IIN, "kato": city.almaly.kato}
    answer = client.get(f"{BASE}/provider/callback/", {"state": sent["state"], "code": "c1"})
    assert answer.status_code == 302 and answer["Location"] == "/en/participation/"
    verification = Verification.objects.get(user=aru, revoked_at__isnull=True)
    assert (verification.method, verification.unit) == ("oidc", city.almaly)
    assert verification.identity_hash == identity_hash(IIN)
    token_request = provider.seen[0]
    assert (
        token_request[1]["code"] == "c1" and token_request[1]["grant_type"] == "authorization_code"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("state", "does not belong to your sign-in"),
        ("nonce", "does not belong to your sign-in"),
        ("key", "The identity token is not valid"),
        ("issuer", "The identity token is not valid"),
        ("audience", "The identity token is not valid"),
        ("expired", "The identity token is not valid"),
        ("iin", "An IIN has exactly 12 digits."),
        ("kato", "did not say where you live"),
        ("error", "The identity provider refused: access_denied."),
    ],
)
def test_anything_wrong_is_refused_with_a_reason(client, provider, city, aru, change, message):
    from cryptography.hazmat.primitives.asymmetric import rsa as keys

    client.force_login(aru)
    before = set(Verification.objects.values_list("pk", "revoked_at"))
    sent = _start(client)
    provider.claims = {"nonce": sent["nonce"], "iin": IIN, "kato": city.almaly.kato}
    params = {"state": sent["state"], "code": "c1"}
    if change == "state":
        params["state"] = "forged"
    elif change == "nonce":
        provider.claims["nonce"] = "replayed"
    elif change == "key":
        provider.signing_key = keys.generate_private_key(public_exponent=65537, key_size=2048)
    elif change == "issuer":
        provider.claims["iss"] = "https://evil.example"
    elif change == "audience":
        provider.claims["aud"] = "another-app"
    elif change == "expired":
        provider.claims["exp"] = int(time.time()) - 60
    elif change == "iin":
        provider.claims["iin"] = "123"
    elif change == "kato":
        provider.claims["kato"] = "999999999"
    elif change == "error":
        params = {"error": "access_denied", "state": sent["state"]}
    answer = client.get(f"{BASE}/provider/callback/", params, follow=True)
    assert message in answer.text
    assert set(Verification.objects.values_list("pk", "revoked_at")) == before


def test_without_a_provider_there_is_no_button_and_no_flow(client, aru, settings):
    settings.ESEP_OIDC_ISSUER = ""
    client.force_login(aru)
    assert "identity provider" not in client.get(f"{BASE}/").text
    assert client.get(f"{BASE}/provider/").status_code == 404
    assert client.get(f"{BASE}/provider/callback/").status_code == 404


def test_the_provider_must_be_reached_over_https():
    with pytest.raises(ValueError, match="https"):
        oidc.fetch_json("http://idp.example.kz/jwks")
