"""Three complete catalogues, Kazakh overrides for Django's own strings, Kazakh formats."""

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import django
import polib
import pytest
from django.utils import formats, translation

from tests.conftest import SRC

CATALOGUES = sorted(SRC.glob("**/locale/*/LC_MESSAGES/*.po"))
DJANGO = Path(django.__file__).parent
# Django's messages a user can meet: forms, validation, pagination, auth, dates, error pages.
USER_FACING = re.compile(
    r"(forms/|core/validators|core/paginator|views/csrf|db/models/fields/__init__|"
    r"utils/dates|utils/timesince|utils/text|contrib/auth/(forms|password_validation|validators))"
)


def test_there_are_catalogues_for_kk_ru_en_and_the_kk_overrides():
    langs = {p.parts[-3] for p in CATALOGUES}
    assert langs == {"kk", "ru", "en"}
    assert any("overrides" in p.parts for p in CATALOGUES)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(SRC)))
def test_catalogue_has_no_untranslated_or_fuzzy_message(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated in {path}: {missing}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"
    assert not po.obsolete_entries(), f"obsolete entries left in {path}"


def _django_user_facing() -> list[polib.POEntry]:
    entries = []
    for po in (
        DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
        DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    ):
        entries += [
            e for e in polib.pofile(str(po)) if any(USER_FACING.search(f) for f, _ in e.occurrences)
        ]
    return entries


# Strings that read the same in Kazakh (acronyms, punctuation, a bare placeholder).
LANGUAGE_NEUTRAL = {"IPv4", "IPv6", "URL", "%(truncated_text)s…", "…", ":?.!", ":", ", "}


def test_every_django_message_a_user_can_meet_is_in_kazakh():
    untranslated = []
    with translation.override("kk"):
        for e in _django_user_facing():
            if e.msgid_plural:
                for n in (1, 5):  # both forms
                    text = (
                        translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                        if e.msgctxt
                        else translation.ngettext(e.msgid, e.msgid_plural, n)
                    )
                    if text in (e.msgid, e.msgid_plural):
                        untranslated.append(e.msgid_plural)
            else:
                text = (
                    translation.pgettext(e.msgctxt, e.msgid)
                    if e.msgctxt
                    else translation.gettext(e.msgid)
                )
            if text == e.msgid and e.msgid not in LANGUAGE_NEUTRAL:
                untranslated.append(e.msgid)
    assert len(_django_user_facing()) > 200  # the pattern still matches Django's files
    assert not untranslated, untranslated


def test_kazakh_formats():
    with translation.override("kk"):
        assert formats.date_format(date(2026, 3, 22), "SHORT_DATE_FORMAT") == "22.03.2026"
        assert formats.number_format(1234567.5, 1, force_grouping=True) == "1\xa0234\xa0567,5"
        assert "наурыз" in formats.date_format(date(2026, 3, 22)).lower()
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_catalogues_hold_every_string_in_the_source(tmp_path):
    """Re-extract the strings from a copy of the source; the catalogues must hold them all."""
    if not shutil.which("xgettext"):
        if os.environ.get("ESEP_REQUIRE_GETTEXT") == "1":
            pytest.fail("xgettext not found: apt-get install gettext")
        pytest.skip("needs GNU gettext (Debian package: gettext); CI requires it")
    copy = tmp_path / "src" / "esep"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "ESEP_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "esep.cli",
            "makemessages",
            "-l",
            "kk",
            "--no-location",
            "--ignore",
            "overrides/*",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = {
        e.msgid
        for e in polib.pofile(str(copy / "locale/kk/LC_MESSAGES/django.po"))
        if not e.obsolete
    }
    current = {e.msgid for e in polib.pofile(str(SRC / "locale/kk/LC_MESSAGES/django.po"))}
    assert fresh - current == set(), "run `make messages` and translate the new strings"
    assert current - fresh == set(), "catalogue holds strings no longer in the source"


def test_russian_and_english_catalogues_hold_the_same_messages_as_kazakh():
    def ids(lang: str) -> set[tuple[str | None, str]]:
        po = polib.pofile(str(SRC / f"locale/{lang}/LC_MESSAGES/django.po"))
        return {(e.msgctxt, e.msgid) for e in po}

    assert ids("ru") == ids("kk") == ids("en")
