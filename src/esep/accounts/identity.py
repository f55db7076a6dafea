"""The individual identification number (IIN, ЖСН/ИИН): reading, checking and hashing.

An IIN has 12 digits: the birth date as YYMMDD, a 7th digit giving the century of birth and the
sex (1–2: 19th century, 3–4: 20th, 5–6: 21st), four serial digits and a check digit. The check
digit is the sum of the first 11 digits weighted 1…11, modulo 11; when that is 10, the weights
3…11, 1, 2 are used instead, and a second 10 means the number is never issued.

esep never stores an IIN. It keeps a keyed hash (HMAC-SHA256 with `ESEP_IDENTITY_KEY`, or a key
derived from the secret key): the same person gives the same hash in every census list and
verification, and without the key the hashes of the ~10⁹ possible numbers cannot be computed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


class InvalidIIN(ValueError):
    """Not a valid IIN; the message says why, in the reader's language."""


@dataclass(frozen=True)
class IIN:
    digits: str
    birth_date: date

    @property
    def hash(self) -> str:
        return identity_hash(self.digits)


def _check_digit(digits: str) -> int | None:
    for weights in WEIGHTS:
        total = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if total != 10:
            return total
    return None


def parse_iin(text: str) -> IIN:
    """The IIN in `text` (spaces allowed), or InvalidIIN saying what is wrong."""
    digits = "".join(str(text or "").split())
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise InvalidIIN(_("An IIN has exactly 12 digits."))
    century = CENTURY.get(digits[6])
    try:
        if century is None:
            raise ValueError
        born = date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise InvalidIIN(_("The first digits of this IIN are not a date of birth.")) from None
    if _check_digit(digits) != int(digits[11]):
        raise InvalidIIN(_("This IIN’s check digit is wrong: please check the number."))
    return IIN(digits, born)


def make_iin(born: date, serial: int, sex: str = "m") -> str:
    """A valid IIN for a birth date and a serial number (demo data and tests)."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (sex == "f")
    for bump in range(10000):
        head = f"{born:%y%m%d}{century_digit}{(serial + bump) % 10000:04d}"
        check = _check_digit(head)
        if check is not None:
            return f"{head}{check}"
    raise ValueError("no valid IIN")  # pragma: no cover - some serial always has a check digit


def _key() -> bytes:
    key = getattr(settings, "ESEP_IDENTITY_KEY", "")
    if key:
        return key.encode()
    return hashlib.sha256(f"esep-identity|{settings.SECRET_KEY}".encode()).digest()


def identity_hash(digits: str) -> str:
    """The keyed hash esep stores in place of an IIN."""
    return hmac.new(_key(), digits.encode(), hashlib.sha256).hexdigest()


# Cyrillic capitals that look like Latin ones, as typed on a Kazakh or Russian keyboard.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")


def document_number(text: str) -> str:
    """An identity document's number as compared: letters and digits, upper case, Cyrillic
    look-alikes read as the Latin letters they look like."""
    return "".join(ch for ch in str(text).upper().translate(_LOOKALIKES) if ch.isalnum())


def document_hash(number: str) -> str:
    """The keyed hash esep stores in place of an identity document's number."""
    return hmac.new(
        _key(), f"document|{document_number(number)}".encode(), hashlib.sha256
    ).hexdigest()


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
