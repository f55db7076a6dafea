"""Settings come from the environment; bad values stop esep at start with a clear message."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def run_esep(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ESEP_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "-m", "esep.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "ESEP_DEBUG": "False",
    "ESEP_SECRET_KEY": secrets.token_urlsafe(64),
    "ESEP_ALLOWED_HOSTS": "esep.example.kz",
}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"ESEP_DEBUG": "maybe"}, "ESEP_DEBUG='maybe' is not a boolean"),
        ({"ESEP_SIGNIN_FAILURE_LIMIT": "five"}, "ESEP_SIGNIN_FAILURE_LIMIT='five' is not a whole"),
        ({"ESEP_SIGNIN_FAILURE_LIMIT": "0"}, "must be at least 1"),
        ({"ESEP_ALLOWED_HOSTS": "a.kz,,b.kz"}, "ESEP_ALLOWED_HOSTS='a.kz,,b.kz' has an empty item"),
        ({"DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"ESEP_LOG_LEVEL": "LOUD"}, "ESEP_LOG_LEVEL='LOUD' is not one of"),
        ({"ESEP_DEBUG": "0"}, "ESEP_SECRET_KEY must be set"),
        ({**PRODUCTION, "ESEP_SECRET_KEY": "short"}, "ESEP_SECRET_KEY must be set"),
        ({**PRODUCTION, "ESEP_ALLOWED_HOSTS": ""}, "ESEP_ALLOWED_HOSTS"),
    ],
)
def test_bad_values_are_refused_at_start(env, named, tmp_path):
    result = run_esep("check", ESEP_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    result = run_esep(
        "check", "--deploy", "--fail-level", "WARNING", ESEP_VAR_DIR=str(tmp_path), **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_sqlite_runs_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "esep.settings", "ESEP_VAR_DIR": str(tmp_path)},
    )
    assert result.stdout.strip() == "wal", result.stderr


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Almaty"
    assert settings.LANGUAGE_CODE == "kk"
    assert [code for code, _ in settings.LANGUAGES] == ["kk", "ru", "en"]
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_models_and_migrations_agree(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits 1 if not
