"""Demo requests for information: invented requests of the demo resident to the akimats and
maslikhats of the demo units (and to the two real bodies the demo staff accounts work for, so
their inbox has something in it), over several years up to `until`, and what came of them:
answers in time or late (some with a document), clarifications, extensions, internal reviews,
the requester's own classification, withdrawals, and requests still waiting, overdue or very
overdue.

Everything goes through the actions of `esep.accountability.actions.information`, with the
accountability clock set to each step's invented moment, and every request is marked
`is_demo`. The same seed, bodies and `until` give the same requests. Running the build again
writes nothing once demo requests exist."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from esep.accountability import clock
from esep.accountability.actions import information as actions
from esep.accountability.models import InformationRequest, RequestState
from esep.accountability.models.information import AWAITING_STATES, OUTCOME_STATES
from esep.accounts import actions as account_actions
from esep.accounts.models import User
from esep.core.actions import Actor
from esep.territory.models import Body, BodyKind

from .accounts import DEMO_PASSWORD
from .territory import DEFAULT_SEED

ALMATY = ZoneInfo("Asia/Almaty")
REQUESTER_EMAIL = "resident@demo.esep.kz"
REQUESTER_NAME = "Демо Тұрғын"
# The real bodies the demo staff accounts work for (esep.demo.accounts): ISO code, kind.
STAFFED_BODIES = (("KZ-75", BodyKind.AKIMAT), ("KZ-71", BodyKind.MASLIKHAT))
STAFFED_SHARE = 0.1
COUNT_KEYS = ("requests", "answered", "waiting", "overdue", "documents")

# A tiny valid PDF, the "signed answer" attached to some answers.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# (title, text) in Russian and in Kazakh; {place} is the unit's name, {year} a year.
TOPICS: tuple[dict[str, tuple[str, str]], ...] = (
    {
        "ru": (
            "Договоры на ремонт дорог, {place}, {year}",
            "Прошу предоставить копии договоров на ремонт дорог, заключённых в {year} году, "
            "с указанием подрядчиков, сумм и сроков работ.",
        ),
        "kk": (
            "Жол жөндеу шарттары, {place}, {year}",
            "{year} жылы жасалған жол жөндеу шарттарының көшірмелерін мердігерлерін, "
            "сомаларын және жұмыс мерзімдерін көрсетіп беруіңізді сұраймын.",
        ),
    },
    {
        "ru": (
            "Очередь в детские сады, {place}",
            "Сколько детей стоит в очереди в детские сады на 1 января {year} года и сколько "
            "мест было открыто за год?",
        ),
        "kk": (
            "Балабақшаға кезек, {place}",
            "{year} жылғы 1 қаңтардағы жағдай бойынша балабақшаға кезекте қанша бала тұр және "
            "жыл ішінде қанша орын ашылды?",
        ),
    },
    {
        "ru": (
            "Расходы на уборку снега, {place}, {year}",
            "Прошу сообщить, сколько средств потрачено на уборку снега зимой {year} года и "
            "какие организации выполняли работы.",
        ),
        "kk": (
            "Қар тазалау шығындары, {place}, {year}",
            "{year} жылы қыста қар тазалауға қанша қаражат жұмсалғанын және жұмысты қандай "
            "ұйымдар атқарғанын хабарлауыңызды сұраймын.",
        ),
    },
    {
        "ru": (
            "Протокол сессии маслихата, {year}",
            "Прошу предоставить протокол последней сессии {year} года с результатами "
            "поимённого голосования.",
        ),
        "kk": (
            "Мәслихат сессиясының хаттамасы, {year}",
            "{year} жылғы соңғы сессияның хаттамасын атаулы дауыс беру нәтижелерімен беруіңізді "
            "сұраймын.",
        ),
    },
    {
        "ru": (
            "Уличное освещение, {place}",
            "Какие улицы планируется осветить в {year} году и какова стоимость работ?",
        ),
        "kk": (
            "Көше жарықтандыру, {place}",
            "{year} жылы қандай көшелерді жарықтандыру жоспарланған және жұмыстың құны қандай?",
        ),
    },
    {
        "ru": (
            "Выделенные земельные участки, {place}, {year}",
            "Прошу предоставить список земельных участков, выделенных в {year} году, с "
            "целевым назначением и площадью.",
        ),
        "kk": (
            "Бөлінген жер учаскелері, {place}, {year}",
            "{year} жылы бөлінген жер учаскелерінің тізімін нысаналы мақсатымен және "
            "ауданымен беруіңізді сұраймын.",
        ),
    },
    {
        "ru": (
            "Качество питьевой воды, {place}",
            "Прошу предоставить результаты лабораторных анализов питьевой воды за {year} год.",
        ),
        "kk": (
            "Ауыз судың сапасы, {place}",
            "{year} жылғы ауыз суды зертханалық талдау нәтижелерін беруіңізді сұраймын.",
        ),
    },
    {
        "ru": (
            "Исполнение местного бюджета, {place}, {year}",
            "Прошу предоставить отчёт об исполнении местного бюджета за {year} год по "
            "функциональным группам расходов.",
        ),
        "kk": (
            "Жергілікті бюджеттің атқарылуы, {place}, {year}",
            "{year} жылғы жергілікті бюджеттің атқарылуы туралы есепті шығыстардың "
            "функционалдық топтары бойынша беруіңізді сұраймын.",
        ),
    },
)

ANSWERS = {
    "ru": {
        RequestState.SUCCESSFUL: "Запрашиваемая информация прилагается.",
        RequestState.PARTIALLY_SUCCESSFUL: (
            "Прилагаем имеющиеся сведения; часть документов хранится в архиве области."
        ),
        RequestState.NOT_HELD: (
            "Запрашиваемой информацией не располагаем; рекомендуем обратиться в акимат области."
        ),
        RequestState.REJECTED: (
            "В предоставлении отказано: сведения относятся к информации с ограниченным доступом."
        ),
    },
    "kk": {
        RequestState.SUCCESSFUL: "Сұралған ақпарат қоса беріліп отыр.",
        RequestState.PARTIALLY_SUCCESSFUL: (
            "Қолда бар мәліметтер қоса беріледі; құжаттардың бір бөлігі облыс мұрағатында."
        ),
        RequestState.NOT_HELD: ("Сұралған ақпарат бізде жоқ; облыс әкімдігіне жүгінуді ұсынамыз."),
        RequestState.REJECTED: (
            "Ақпарат беруден бас тартылды: мәліметтер қолжетімділігі шектеулі ақпаратқа жатады."
        ),
    },
}
STEP_TEXTS = {
    "ru": {
        "clarify": "Уточните, пожалуйста, за какой период нужны сведения.",
        "reply": "За весь год, помесячно.",
        "extend": "Требуется время для подготовки сведений из архива.",
        "review": "В ответе нет сумм по договорам; прошу пересмотреть.",
        "withdraw": "Нашёл сведения на сайте акимата.",
    },
    "kk": {
        "clarify": "Мәліметтер қай кезеңге қажет екенін нақтылаңызшы.",
        "reply": "Бүкіл жылға, ай сайын.",
        "extend": "Мәліметтерді мұрағаттан дайындауға уақыт қажет.",
        "review": "Жауапта шарттардың сомалары жоқ; қайта қарауды сұраймын.",
        "withdraw": "Мәліметтерді әкімдіктің сайтынан таптым.",
    },
}
OUTCOMES = (
    (RequestState.SUCCESSFUL, 45),
    (RequestState.PARTIALLY_SUCCESSFUL, 20),
    (RequestState.NOT_HELD, 12),
    (RequestState.REJECTED, 10),
)


@contextmanager
def _clock_at(moment: dt.datetime) -> Iterator[None]:
    """Let the accountability clock read `moment` (the invented time of a step)."""
    original = clock.now
    clock.now = lambda: moment
    try:
        yield
    finally:
        clock.now = original


def _requester() -> User:
    user = User.objects.filter(email=REQUESTER_EMAIL).first()
    if user is None:
        user = account_actions.register_resident(
            Actor.cli("demo"),
            email=REQUESTER_EMAIL,
            full_name=REQUESTER_NAME,
            password=DEMO_PASSWORD,
            is_demo=True,
        )
    return user


def demo_unit_bodies() -> list[Body]:
    """The akimats and maslikhats of the demo units in force, in a fixed order."""
    return list(
        Body.objects.filter(
            unit__is_demo=True,
            unit__valid_until__isnull=True,
            kind__in=actions.ANSWERING_KINDS,
        )
        .select_related("unit")
        .order_by("unit__path", "kind")
    )


def staffed_bodies() -> list[Body]:
    """The real bodies the demo staff accounts work for."""
    found = []
    for iso, kind in STAFFED_BODIES:
        body = Body.objects.filter(unit__iso_code=iso, kind=kind).select_related("unit").first()
        if body is not None:
            found.append(body)
    return found


def demo_bodies() -> list[Body]:
    """Every body the demo asks: the demo units' ones, then the staffed ones."""
    return demo_unit_bodies() + staffed_bodies()


def _moments(rng: random.Random, count: int, first: dt.date, until: dt.date) -> list[dt.datetime]:
    """`count` sending times between `first` and the day before `until`, in order, at least an
    hour apart, in office hours of Almaty."""
    span = (until - first).days - 1
    days = sorted(rng.randrange(span) for _ in range(count))
    moments: list[dt.datetime] = []
    for offset in days:
        day = first + dt.timedelta(days=offset)
        moment = dt.datetime(
            day.year, day.month, day.day, rng.randrange(9, 18), rng.randrange(60), tzinfo=ALMATY
        )
        if moments and moment <= moments[-1] + dt.timedelta(hours=1):
            moment = moments[-1] + dt.timedelta(hours=1, minutes=1)
        moments.append(moment)
    return moments


def _after(moment: dt.datetime, days: int, rng: random.Random) -> dt.datetime:
    later = moment + dt.timedelta(days=days)
    return later.replace(hour=rng.randrange(9, 18), minute=rng.randrange(60))


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def build_information_requests(
    rng_seed: int = DEFAULT_SEED,
    *,
    count: int = 240,
    first_year: int = 2022,
    until: dt.date | None = None,
    bodies: Sequence[Body] | None = None,
    actor: Actor | None = None,
) -> dict[str, int]:
    """Invent `count` requests from 1 January `first_year` up to the day before `until`
    (default: today) to `bodies` (default: the demo units' bodies, and a tenth of the requests
    to the staffed bodies), and their course up to `until`.
    Returns counts (COUNT_KEYS); all zero when demo requests exist already or there is no
    body to ask."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    if InformationRequest.objects.filter(is_demo=True).exists():
        return counts
    if bodies is not None:
        bodies, staffed = list(bodies), []
    else:
        bodies, staffed = demo_unit_bodies(), staffed_bodies()
    until = until or clock.today()
    first = dt.date(first_year, 1, 1)
    if not (bodies or staffed) or count <= 0 or until <= first + dt.timedelta(days=2):
        return counts
    system = actor or Actor.cli("demo")
    actions.load_access_laws(system)
    rng = random.Random(f"{rng_seed}:information-requests")  # noqa: S311 - demo data
    end = dt.datetime(until.year, until.month, until.day, tzinfo=ALMATY)
    outcomes: Counter[str] = Counter()
    with transaction.atomic():
        resident = Actor(user=_requester(), system=system.system or "cli:demo")
        for sent in _moments(rng, count, first, until):
            # A tenth go to the staffed bodies, so the demo staff have requests to answer.
            if staffed and (not bodies or rng.random() < STAFFED_SHARE):
                body = rng.choice(staffed)
            else:
                body = rng.choice(bodies)
            language = rng.choice(("ru", "kk"))
            title, text = rng.choice(TOPICS)[language]
            place = getattr(body.unit, f"name_{language}") or body.unit.name_en
            year = sent.year - rng.randrange(2)
            with _clock_at(sent):
                info_request = actions.file_information_request(
                    resident,
                    body=body,
                    title=title.format(place=place, year=year),
                    text=text.format(place=place, year=year),
                    is_demo=True,
                )
            counts["requests"] += 1
            counts["documents"] += _course(rng, info_request, system, resident, language, sent, end)
            outcomes[InformationRequest.objects.values_list("state", flat=True).get(
                pk=info_request.pk
            )] += 1  # fmt: skip
    counts["answered"] = sum(outcomes[state] for state in OUTCOME_STATES)
    waiting = InformationRequest.objects.filter(is_demo=True, state__in=AWAITING_STATES)
    counts["waiting"] = waiting.count()
    counts["overdue"] = waiting.filter(deadline__lt=until).count()
    return counts


def _course(
    rng: random.Random,
    info_request: InformationRequest,
    staff: Actor,
    resident: Actor,
    language: str,
    sent: dt.datetime,
    end: dt.datetime,
) -> int:
    """What happens to one request after it is sent, step by step, as long as the steps fall
    before `end`. Returns how many documents were attached."""
    texts = STEP_TEXTS[language]
    moment = sent
    documents = 0

    def step(days: int) -> dt.datetime | None:
        nonlocal moment
        later = _after(moment, days, rng)
        if later <= moment:
            later = moment + dt.timedelta(hours=1)
        if later >= end:
            return None
        moment = later
        return later

    fate = rng.random()
    if fate < 0.05:  # withdrawn before an answer
        if (at := step(rng.randrange(1, 10))) is not None:
            with _clock_at(at):
                actions.withdraw_information_request(
                    resident, info_request, reason=texts["withdraw"]
                )
        return 0
    if fate < 0.13:  # never answered: overdue, then very overdue
        return 0
    if rng.random() < 0.1 and (at := step(rng.randrange(1, 6))) is not None:
        with _clock_at(at):
            info_request = actions.ask_clarification(staff, info_request, text=texts["clarify"])
        if (at := step(rng.randrange(1, 12))) is None:
            return 0
        with _clock_at(at):
            info_request = actions.reply_clarification(resident, info_request, text=texts["reply"])
    if rng.random() < 0.15:
        before_due = (info_request.due_on - moment.date()).days
        if before_due > 1 and (at := step(rng.randrange(1, before_due))) is not None:
            with _clock_at(at):
                info_request = actions.extend_information_request(
                    staff, info_request, reason=texts["extend"]
                )
    # The answer: mostly within the term, sometimes late.
    remaining = max(1, (info_request.deadline - moment.date()).days)
    if rng.random() < 0.8:
        delay = rng.randrange(1, remaining + 1)
    else:
        delay = remaining + rng.randrange(1, 40)
    if (at := step(delay)) is None:
        return 0
    outcome = _weighted(rng, OUTCOMES)
    files = []
    documented = (RequestState.SUCCESSFUL, RequestState.PARTIALLY_SUCCESSFUL)
    if outcome in documented and rng.random() < 0.5:
        files = [("answer.pdf", DEMO_PDF, "application/pdf")]
        documents += 1
    with _clock_at(at):
        info_request = actions.answer_information_request(
            staff, info_request, text=ANSWERS[language][outcome], outcome=outcome, files=files
        )
    reviewed = (RequestState.PARTIALLY_SUCCESSFUL, RequestState.REJECTED)
    if outcome in reviewed and rng.random() < 0.3:
        if (at := step(rng.randrange(1, 20))) is None:
            return documents
        with _clock_at(at):
            info_request = actions.request_internal_review(
                resident, info_request, text=texts["review"]
            )
        if rng.random() < 0.7 and (at := step(rng.randrange(3, 20))) is not None:
            review_outcome = _weighted(rng, OUTCOMES)
            with _clock_at(at):
                actions.answer_information_request(
                    staff,
                    info_request,
                    text=ANSWERS[language][review_outcome],
                    outcome=review_outcome,
                )
    elif (
        outcome == RequestState.SUCCESSFUL
        and rng.random() < 0.1
        and (at := step(rng.randrange(1, 10))) is not None
    ):
        with _clock_at(at):
            actions.classify_information_request(
                resident, info_request, outcome=RequestState.PARTIALLY_SUCCESSFUL
            )
    return documents
