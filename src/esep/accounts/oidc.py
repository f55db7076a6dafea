"""Verifying residence with an OpenID Connect identity provider (the eGov IdP in production).

The authorization code flow, for a resident who is already signed in to esep: `start_url`
sends them to the provider with a fresh `state` and `nonce` kept in their session; the
provider sends them back with a code; `claims_from_callback` exchanges the code at the token
endpoint, checks the ID token (signature by the provider's published keys, issuer, audience,
expiry, nonce) and returns its claims. The action `verify_by_oidc` then reads the IIN and the
unit (a KATO code) from the claims the settings name.

Settings (environment variables of the same name):
ESEP_OIDC_ISSUER, ESEP_OIDC_CLIENT_ID, ESEP_OIDC_CLIENT_SECRET, ESEP_OIDC_AUTHORIZATION_URL,
ESEP_OIDC_TOKEN_URL, ESEP_OIDC_JWKS_URL, ESEP_OIDC_SCOPE (default "openid"),
ESEP_OIDC_IIN_CLAIM (default "iin"), ESEP_OIDC_UNIT_CLAIM (default "kato"). Without an issuer
the provider is off and the page does not offer it."""

from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request
from typing import Any

import jwt
from django.conf import settings
from django.utils.translation import gettext as _

SESSION_KEY = "esep_oidc"
TIMEOUT = 10


class OIDCError(Exception):
    """The provider's answer cannot be trusted or used; the message says why (translated)."""


def enabled() -> bool:
    return bool(getattr(settings, "ESEP_OIDC_ISSUER", ""))


def start_url(session: Any, redirect_uri: str) -> str:
    """The provider's authorization address for this session; remembers state and nonce."""
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    session[SESSION_KEY] = {"state": state, "nonce": nonce, "redirect_uri": redirect_uri}
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": settings.ESEP_OIDC_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": settings.ESEP_OIDC_SCOPE,
            "state": state,
            "nonce": nonce,
        }
    )
    return f"{settings.ESEP_OIDC_AUTHORIZATION_URL}?{query}"


def fetch_json(url: str, data: dict[str, str] | None = None) -> Any:
    """GET (or POST a form to) the provider over HTTPS and read its JSON answer."""
    if not url.startswith("https://"):
        raise ValueError(f"the identity provider's address must use https: {url!r}")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - https only, checked above
        url, data=body, headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
        return json.loads(answer.read().decode("utf-8"))


def claims_from_callback(session: Any, params: Any) -> dict[str, Any]:
    """The checked claims of the ID token the provider's callback leads to."""
    saved = session.pop(SESSION_KEY, None)
    if params.get("error"):
        raise OIDCError(_("The identity provider refused: %(error)s.") % {"error": params["error"]})
    if (
        not saved
        or not params.get("state")
        or not secrets.compare_digest(str(params["state"]), saved["state"])
    ):
        raise OIDCError(_("This answer does not belong to your sign-in. Please start again."))
    code = params.get("code")
    if not code:
        raise OIDCError(_("The identity provider sent no code. Please start again."))
    try:
        tokens = fetch_json(
            settings.ESEP_OIDC_TOKEN_URL,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": saved["redirect_uri"],
                "client_id": settings.ESEP_OIDC_CLIENT_ID,
                "client_secret": settings.ESEP_OIDC_CLIENT_SECRET,
            },
        )
        keys = fetch_json(settings.ESEP_OIDC_JWKS_URL)
    except (OSError, ValueError) as error:
        raise OIDCError(
            _("The identity provider could not be reached. Please try again later.")
        ) from error
    token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if not token:
        raise OIDCError(_("The identity provider sent no identity token."))
    try:
        header = jwt.get_unverified_header(token)
        jwk = next(
            (k for k in keys.get("keys", []) if k.get("kid") == header.get("kid")),
            None,
        )
        if jwk is None:
            raise jwt.InvalidTokenError("unknown key")
        claims = jwt.decode(
            token,
            key=jwt.PyJWK(jwk).key,
            algorithms=["RS256", "ES256", "PS256"],
            audience=settings.ESEP_OIDC_CLIENT_ID,
            issuer=settings.ESEP_OIDC_ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except (jwt.PyJWTError, AttributeError, TypeError, ValueError) as error:
        raise OIDCError(
            _("The identity token is not valid: %(reason)s.") % {"reason": error}
        ) from error
    if not secrets.compare_digest(str(claims.get("nonce", "")), saved["nonce"]):
        raise OIDCError(_("This answer does not belong to your sign-in. Please start again."))
    return claims
