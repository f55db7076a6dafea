"""Names for the demo registry: invented but plausible Kazakh place names in Kazakh, Russian and
English, Kazakh and Russian personal names, the Latin transliteration used for both, and the
real parties' names.

Everything is drawn from a `random.Random` passed in, so the same seed gives the same names."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# ---------------------------------------------------------------- transliteration

# Kazakh and Russian Cyrillic to Latin, in the style of Kazakh passports and English-language
# maps ("Akhmetov Yerlan", "Zhanaozen", "Koktobe"). Kazakh-only letters lose their diacritics.
_LATIN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
    "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "k", "л": "l",
    "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "і": "i", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
}  # fmt: skip
_VOWELS = set("аәеёиоөуұүыіэюя")

# Kazakh letters as Russian texts write them (Көктөбе → Коктобе, Есіл → Есиль).
_RUSSIAN = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
}


def latin(text: str) -> str:
    """Transliterate Kazakh or Russian Cyrillic to Latin letters. `е` is `ye` at the start of a
    word and after a vowel or a soft or hard sign (Ерлан → Yerlan, Сергеевич → Sergeyevich)."""
    out: list[str] = []
    previous = ""
    for char in text:
        lower = char.lower()
        if lower == "е" and (not previous.isalpha() or previous in _VOWELS or previous in "ьъ"):
            mapped = "ye"
        else:
            mapped = _LATIN.get(lower, char)
        out.append(mapped.capitalize() if char != lower and mapped else mapped)
        previous = lower
    return "".join(out)


def russian(text: str) -> str:
    """Write a Kazakh word with Russian letters, as Russian-language documents do."""
    out = "".join(
        _RUSSIAN.get(c, c) if c.islower() else _RUSSIAN.get(c.lower(), c.lower()).upper()
        for c in text
    )
    # A final soft л: Алтынкөл → Алтынколь, Есіл → Есиль.
    if re.search(r"(өл|іл|бел)$", text):
        out += "ь"
    return out


def russian_adjective(name: str) -> str:
    """The Russian adjective of a place name, as in district names (Аксу → Аксуский,
    Сарыарка → Сарыаркинский, Коктобе → Коктобинский, Актал → Актальский)."""
    if name.endswith("ия"):
        return f"{name[:-1]}йский"
    if name[-1] in "аяеыи":
        return f"{name[:-1]}инский"
    if name.endswith("л"):
        return f"{name}ьский"
    return f"{name}ский"


# ---------------------------------------------------------------- place names


@dataclass(frozen=True)
class Place:
    """A place name in Kazakh, Russian and English; `ru_district` overrides the Russian name of
    a district called after it (named after a person: "район Магжана Жумабаева")."""

    kk: str
    ru: str
    en: str
    ru_district: str = ""

    @property
    def slug(self) -> str:
        """An ASCII slug for Open Civic Data ids: lower case, underscores for anything else."""
        return re.sub(r"[^a-z0-9]+", "_", self.en.lower()).strip("_")


PREFIXES = [
    "Ақ", "Қара", "Көк", "Сары", "Жаңа", "Ескі", "Қызыл", "Алтын", "Бес", "Үш", "Қос", "Шұбар",
    "Боз", "Ала", "Ұзын", "Кең", "Тас", "Қоңыр", "Мың", "Жалпақ",
]  # fmt: skip
ROOTS = [
    "су", "көл", "тау", "бұлақ", "дала", "арқа", "өзек", "құдық", "төбе", "жар", "қайың",
    "терек", "шоқы", "сай", "бел", "қамыс", "тоғай", "адыр", "арал", "кент", "ағаш", "жол",
    "тал", "қия", "тұма", "өткел", "кемер", "шілік", "қопа",
]  # fmt: skip
WORDS = [
    "Бірлік", "Ынтымақ", "Достық", "Береке", "Еңбек", "Жаңаталап", "Бостандық", "Тәуелсіздік",
    "Шұғыла", "Ақниет", "Байтерек", "Жұлдыз", "Отан", "Жеңіс", "Талап", "Көктем", "Қарлығаш",
    "Жайлау", "Самал", "Қайнар", "Атамекен", "Ақжайық", "Маржан", "Тұлпар",
]  # fmt: skip
# People places are named after: (Kazakh, Russian, English, Russian district name).
HONORIFICS = [
    Place("Абай", "Абай", "Abai", "Абайский район"),
    Place("Жамбыл", "Жамбыл", "Zhambyl", "Жамбылский район"),
    Place("Шоқан", "Шокан", "Shokan", "район имени Шокана Уалиханова"),
    Place("Құрманғазы", "Курмангазы", "Kurmangazy", "Курмангазинский район"),
    Place("Махамбет", "Махамбет", "Makhambet", "Махамбетский район"),
    Place("Исатай", "Исатай", "Isatai", "Исатайский район"),
    Place("Амангелді", "Амангельды", "Amangeldi", "Амангельдинский район"),
    Place("Кенесары", "Кенесары", "Kenesary", "район Кенесары"),
    Place("Қабанбай батыр", "Кабанбай батыр", "Kabanbai Batyr", "район Кабанбай батыра"),
    Place("Бөгенбай батыр", "Богенбай батыр", "Bogenbai Batyr", "район Богенбай батыра"),
    Place("Райымбек", "Райымбек", "Raiymbek", "Райымбекский район"),
    Place("Мағжан Жұмабаев", "Магжан Жумабаев", "Magzhan Zhumabayev", "район Магжана Жумабаева"),
    Place("Сәкен Сейфуллин", "Сакен Сейфуллин", "Saken Seifullin", "район Сакена Сейфуллина"),
    Place("Бейімбет Майлин", "Беимбет Майлин", "Beimbet Mailin", "район Беимбета Майлина"),
    Place("Ғабит Мүсірепов", "Габит Мусрепов", "Gabit Musrepov", "район Габита Мусрепова"),
    Place("Шәкәрім", "Шакарим", "Shakarim", "район Шакарима"),
    Place("Төле би", "Толе би", "Tole Bi", "Толебийский район"),
    Place("Қазыбек би", "Казыбек би", "Kazybek Bi", "Казыбекбийский район"),
    Place("Әйтеке би", "Айтеке би", "Aiteke Bi", "Айтекебийский район"),
    Place("Біржан сал", "Биржан сал", "Birzhan Sal", "район Биржан сал"),
    Place("Ақан сері", "Акан сери", "Akan Seri", "район Акан сери"),
    Place("Байзақ", "Байзак", "Baizak", "Байзакский район"),
    Place("Балуан Шолақ", "Балуан Шолак", "Baluan Sholak", "район Балуан Шолака"),
    Place(
        "Бауыржан Момышұлы", "Бауыржан Момышулы", "Baurzhan Momyshuly", "район Бауыржана Момышулы"
    ),
]  # fmt: skip


def _place(kk: str) -> Place:
    ru = russian(kk)
    return Place(kk, ru, latin(kk), f"{russian_adjective(ru)} район")


def place_name(rng: random.Random, taken: set[str]) -> Place:
    """A place name not in `taken` (English forms), which it is added to: mostly compounds of
    a colour or quality and a landform (Ақсу, Қарабұлақ, Көктөбе, Сарыөзек), some named after
    people (Абай, Жамбыл) or ideals (Бірлік, Достық). Once the choices run out, numbered."""
    for _attempt in range(50):
        roll = rng.random()
        if roll < 0.72:
            place = _place(rng.choice(PREFIXES) + rng.choice(ROOTS))
        elif roll < 0.86:
            place = rng.choice(HONORIFICS)
        else:
            place = _place(rng.choice(WORDS))
        if place.en not in taken:
            taken.add(place.en)
            return place
    base = _place(rng.choice(PREFIXES) + rng.choice(ROOTS))
    number = 2
    while f"{base.en} {number}" in taken:
        number += 1
    taken.add(f"{base.en} {number}")
    return Place(
        f"{base.kk} {number}", f"{base.ru} {number}", f"{base.en} {number}", base.ru_district
    )


# (Kazakh, Russian, English) patterns of each kind of unit's name.
UNIT_NAME_FORMS = {
    "district": ("{kk} ауданы", "{ru_district}", "{en} District"),
    "regional_city": ("{kk} қаласы", "город {ru}", "{en} City"),
    "city_district": ("{kk} ауданы", "район {ru}", "{en} District"),
    "rural_district": ("{kk} ауылдық округі", "сельский округ {ru}", "{en} Rural District"),
    "village": ("{kk} ауылы", "село {ru}", "{en} village"),
}


def unit_names(kind: str, place: Place) -> tuple[str, str, str]:
    """The Kazakh, Russian and English names of a unit of `kind` called after `place`."""
    values = {"kk": place.kk, "ru": place.ru, "en": place.en, "ru_district": place.ru_district}
    kk, ru, en = UNIT_NAME_FORMS[kind]
    return kk.format(**values), ru.format(**values), en.format(**values)


# ---------------------------------------------------------------- people

KAZAKH_FAMILY = [
    "Ахметов", "Серікбаев", "Жұмабеков", "Омаров", "Қасымов", "Әбдірахманов", "Бекмағамбетов",
    "Тұрсынов", "Сүлейменов", "Смағұлов", "Жақсылықов", "Байжанов", "Ермеков", "Мұхамеджанов",
    "Оспанов", "Исаев", "Есенов", "Бейсенов", "Нұрғалиев", "Исабеков", "Сейтқалиев", "Тәжібаев",
    "Дүйсенов", "Қожахметов", "Бектұрғанов", "Әлімжанов", "Жанкелдин", "Мамыров", "Шәріпов",
    "Төлегенов", "Бақытжанов", "Сәрсенбаев", "Жолдасбеков", "Ыбыраев", "Ұзақбаев", "Рахимов",
    "Садықов", "Кенжебаев", "Темірбеков", "Жүсіпов", "Мұратов", "Ержанов", "Құдайбергенов",
    "Әбенов", "Шайхин", "Ілиясов", "Бердібеков", "Нұрпейісов", "Қалиев", "Мақсұтов",
]  # fmt: skip
KAZAKH_MALE = [
    "Ерлан", "Нұрлан", "Дәурен", "Асқар", "Бауыржан", "Ержан", "Серік", "Қайрат", "Марат",
    "Талғат", "Бақыт", "Ғалым", "Мұрат", "Ерболат", "Жандос", "Арман", "Еркін", "Дархан", "Берік",
    "Айдос", "Нұржан", "Сәкен", "Бекзат", "Азамат", "Самат", "Олжас", "Алмас", "Қанат", "Болат",
    "Әділ", "Жанат", "Ерік", "Мақсат", "Ғани", "Бағдат", "Ринат",
]  # fmt: skip
KAZAKH_FEMALE = [
    "Айгүл", "Гүлнар", "Сәуле", "Ботагөз", "Жанар", "Әсел", "Динара", "Мадина", "Айжан",
    "Гүлмира", "Назгүл", "Салтанат", "Жұлдыз", "Ақмарал", "Райхан", "Меруерт", "Ләззат",
    "Әйгерім", "Шолпан", "Айнұр", "Бибігүл", "Гаухар", "Қарлығаш", "Роза", "Күләш", "Нұргүл",
    "Ұлжан", "Ақбота", "Дина", "Замира",
]  # fmt: skip
RUSSIAN_FAMILY = [
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
    "Новиков", "Федоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семенов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Борисов", "Яковлев", "Романов", "Сергеев", "Кравченко", "Шевченко",
    "Бондаренко", "Ким", "Пак", "Цой",
]  # fmt: skip
RUSSIAN_MALE = [
    "Сергей", "Александр", "Андрей", "Дмитрий", "Владимир", "Николай", "Игорь", "Олег",
    "Виктор", "Юрий", "Евгений", "Алексей", "Михаил", "Павел", "Константин", "Вячеслав",
]  # fmt: skip
RUSSIAN_FEMALE = [
    "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Галина", "Людмила",
    "Марина", "Анна", "Екатерина", "Юлия", "Оксана", "Валентина",
]  # fmt: skip
# Father's name → (son's patronymic, daughter's patronymic).
RUSSIAN_PATRONYMICS = {
    "Сергей": ("Сергеевич", "Сергеевна"), "Александр": ("Александрович", "Александровна"),
    "Андрей": ("Андреевич", "Андреевна"), "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Владимир": ("Владимирович", "Владимировна"), "Николай": ("Николаевич", "Николаевна"),
    "Игорь": ("Игоревич", "Игоревна"), "Олег": ("Олегович", "Олеговна"),
    "Виктор": ("Викторович", "Викторовна"), "Юрий": ("Юрьевич", "Юрьевна"),
    "Петр": ("Петрович", "Петровна"), "Иван": ("Иванович", "Ивановна"),
    "Михаил": ("Михайлович", "Михайловна"), "Павел": ("Павлович", "Павловна"),
    "Анатолий": ("Анатольевич", "Анатольевна"), "Геннадий": ("Геннадьевич", "Геннадьевна"),
}  # fmt: skip
KAZAKH_SHARE = 0.8


@dataclass(frozen=True)
class PersonName:
    family_name: str
    given_name: str
    patronymic: str
    female: bool

    @property
    def name_latin(self) -> str:
        """Family name and given name in Latin letters, as in a passport: "Akhmetov Yerlan"."""
        return f"{latin(self.family_name)} {latin(self.given_name)}"


def _feminine(family: str) -> str:
    return f"{family}а" if family.endswith(("ов", "ев", "ин")) else family


def person_name(rng: random.Random, female: bool | None = None) -> PersonName:
    """A Kazakh (four in five) or Russian name. Kazakh patronymics are mostly in the Kazakh form
    (Серікұлы, Серікқызы), some in the Russian one (Серикович)."""
    if female is None:
        female = rng.random() < 0.5
    if rng.random() < KAZAKH_SHARE:
        family = rng.choice(KAZAKH_FAMILY)
        given = rng.choice(KAZAKH_FEMALE if female else KAZAKH_MALE)
        father = rng.choice(KAZAKH_MALE)
        if rng.random() < 0.7:
            patronymic = father + ("қызы" if female else "ұлы")
        else:
            patronymic = russian(father).removesuffix("ь") + ("овна" if female else "ович")
    else:
        family = rng.choice(RUSSIAN_FAMILY)
        given = rng.choice(RUSSIAN_FEMALE if female else RUSSIAN_MALE)
        patronymic = rng.choice(list(RUSSIAN_PATRONYMICS.values()))[1 if female else 0]
    return PersonName(_feminine(family) if female else family, given, patronymic, female)


# ---------------------------------------------------------------- parties (real)

# (abbreviation, Kazakh, Russian, English, colour). AMANAT was Nur Otan until March 2022, QHP the
# Communist People's Party until 2020.
PARTIES = [
    ("AMANAT", "«AMANAT» партиясы", "Партия «AMANAT»", "AMANAT Party", "#1F5FA8"),
    (
        "AQ JOL",
        "«Ақ жол» Қазақстан демократиялық партиясы",
        "Демократическая партия Казахстана «Ак жол»",
        "Aq Jol Democratic Party of Kazakhstan",
        "#00838F",
    ),
    (
        "QHP",
        "Қазақстан Халық партиясы",
        "Народная партия Казахстана",
        "People's Party of Kazakhstan",
        "#C62828",
    ),
    (
        "AUYL",
        "«Ауыл» халықтық-демократиялық патриоттық партиясы",
        "Народно-демократическая патриотическая партия «Ауыл»",
        "Auyl People's Democratic Patriotic Party",
        "#2E7D32",
    ),
    ("RESPUBLICA", "«Respublica» партиясы", "Партия «Respublica»", "Respublica Party", "#7B1FA2"),
    (
        "JSDP",
        "Жалпыұлттық социал-демократиялық партия",
        "Общенациональная социал-демократическая партия",
        "National Social Democratic Party",
        "#E65100",
    ),
]
