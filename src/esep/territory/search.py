"""Spelling-tolerant search keys: Kazakh and Russian Cyrillic and the Latin spellings people use
("Shymkent", "Шымкент", "Şymkent", "Almaty oblysy", "Aqtöbe", "Zhambyl"/"Jambyl") fold to one
lower-case Latin skeleton, and a query matches when its folded form is part of the key."""

from __future__ import annotations

import re
import unicodedata

# Cyrillic (Russian and Kazakh letters) to Latin, already folded: letters that spellings mix up
# (қ/к/q, ғ/г/gh, ы/і/и/y, ж/j/zh, х/һ/kh/h) go to one letter.
CYRILLIC = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "j",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "n",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "h",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "sh",
    "ъ": "",
    "ы": "i",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}
# Latin spellings (English, Kazakh Latin of 2017–2021, ISO 9 habits) to the same skeleton. The
# vowels e/i/y are one letter in the skeleton: "Turkestan", "Yeraly" and "Semey" are common
# spellings of Түркістан, Ералы and Семей.
LATIN = [
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("shch", "sh"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("ş", "sh"),
    ("ç", "ch"),
    ("ğ", "g"),
    ("ı", "i"),
    ("ñ", "n"),
    ("q", "k"),
    ("x", "h"),
    ("w", "u"),
    ("y", "i"),
    ("c", "ts"),
    ("e", "i"),
]
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """The search skeleton of `text`: Latin letters and digits, words separated by one space."""
    text = text.lower()
    text = "".join(CYRILLIC.get(char, char) for char in text)
    for latin, skeleton in LATIN:
        text = text.replace(latin, skeleton)
    # Strip accents that are left (ö, ü, ä, é …) after the letters above.
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _NOT_WORD.sub(" ", text).strip()
    return _REPEATS.sub(r"\1", text)


def search_key(*names: str) -> str:
    """One key for several spellings: their folded forms separated by "|"."""
    seen: list[str] = []
    for name in names:
        folded = fold(name)
        if folded and folded not in seen:
            seen.append(folded)
    return "|" + "|".join(seen) + "|"
