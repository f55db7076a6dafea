"""Demo participatory budgeting: in a demo district of Almaty, one process in each phase
(proposals, feasibility review, voting, results published, implementation), with generated
proposals, support, reviews, ballots and counts from a fixed seed, all marked as demo data; plus
the real Assen 2024 instance from Pabulib, imported and counted with its own rule (Method of
Equal Shares), credited on its page.

Everything goes through the actions, with the time phases are read at set to each step's
invented moment. The demo resident (resident@demo.esep.kz) is verified in the district, so a
visitor signed in as them can propose in the first process and vote in the third. Running the
build again writes nothing once demo processes exist."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from esep.accounts import actions as account_actions
from esep.accounts.identity import make_iin
from esep.accounts.models import User, Verification
from esep.core.actions import Actor
from esep.participation import phases
from esep.participation.actions import imports, processes, projects, results, voting
from esep.participation.actions.processes import Dates
from esep.participation.models import Process
from esep.participation.phases import PhaseKind
from esep.territory.models import Unit

from .accounts import DEMO_PASSWORD

ASSEN = (
    Path(__file__).resolve().parent.parent / "participation" / "data" / "Netherlands_Assen_2024.pb"
)
VOTERS = 40
PROJECT_IDEAS = [
    (
        "Аула ішіндегі балалар алаңы",
        "Детская площадка во дворе",
        "A playground in the courtyard",
        "sport",
    ),
    ("Саябақтағы орындықтар", "Скамейки в сквере", "Benches in the square", "landscaping"),
    ("Көше жарығы", "Уличное освещение", "Street lighting", "lighting"),
    ("Ағаш отырғызу", "Посадка деревьев", "Planting trees", "environment"),
    ("Жаяу жүргінші жолы", "Тротуар", "A pavement", "roads"),
    ("Жазғы кинотеатр", "Летний кинотеатр", "An open-air cinema", "culture"),
    ("Спорт алаңы", "Спортивная площадка", "A sports ground", "sport"),
    ("Велосипед тұрағы", "Велопарковка", "Bicycle racks", "roads"),
    ("Кітапхана бұрышы", "Уголок чтения", "A reading corner", "culture"),
    ("Қоқыс сұрыптау", "Раздельный сбор мусора", "Waste sorting", "environment"),
]
# (title kk, ru, en), the phase the process is in today, the ballot, the rule.
PROCESSES = [
    (
        "Халық бюджеті: ұсыныстар",
        "Бюджет участия: предложения",
        "People's budget: proposals",
        PhaseKind.PROPOSALS,
        "approval",
        "greedy",
    ),
    (
        "Халық бюджеті: тексеру",
        "Бюджет участия: проверка",
        "People's budget: review",
        PhaseKind.REVIEW,
        "knapsack",
        "greedy",
    ),
    (
        "Халық бюджеті: дауыс беру",
        "Бюджет участия: голосование",
        "People's budget: voting",
        PhaseKind.VOTING,
        "approval",
        "equal-shares",
    ),
    (
        "Халық бюджеті: нәтижелер",
        "Бюджет участия: итоги",
        "People's budget: results",
        PhaseKind.RESULTS,
        "cumulative",
        "greedy",
    ),
    (
        "Халық бюджеті: іске асыру",
        "Бюджет участия: реализация",
        "People's budget: implementation",
        PhaseKind.IMPLEMENTATION,
        "approval",
        "greedy-no-skip",
    ),
]


@contextmanager
def _time(moment: dt.datetime) -> Iterator[None]:
    saved = phases.now
    phases.now = lambda: moment
    try:
        yield
    finally:
        phases.now = saved


def _district() -> Unit:
    almaty = Unit.objects.get(iso_code="KZ-75")
    return almaty.children.filter(kind="city_district").order_by("id").first() or almaty


def _voters(actor: Actor, unit: Unit, rng: random.Random) -> list[User]:
    people = []
    for index in range(VOTERS):
        email = f"voter{index + 1:02d}@demo.esep.kz"
        user = User.objects.filter(email=email).first() or account_actions.register_resident(
            actor,
            email=email,
            full_name=f"Демо сайлаушы {index + 1}",
            password=DEMO_PASSWORD,
            is_demo=True,
        )
        if not Verification.objects.filter(user=user, revoked_at__isnull=True).exists():
            born = dt.date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
            account_actions.verify_in_person(
                actor, user=user, iin=make_iin(born, 5000 + index), unit=unit
            )
        people.append(user)
    return people


def build_participation(actor: Actor, seed: int) -> dict[str, int]:
    """The demo processes and the imported Assen instance; nothing when demo processes exist."""
    if Process.objects.filter(is_demo=True).exists():
        return {"processes": 0, "projects": 0, "ballots": 0}
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    unit = _district()
    voters = _voters(actor, unit, rng)
    resident = User.objects.filter(email="resident@demo.esep.kz").first()
    if (
        resident
        and not Verification.objects.filter(user=resident, revoked_at__isnull=True).exists()
    ):
        account_actions.verify_in_person(
            actor, user=resident, iin=make_iin(dt.date(1990, 6, 15), 4999), unit=unit
        )
    now = timezone.now().replace(microsecond=0)
    counts = {"processes": 0, "projects": 0, "ballots": 0}
    day = dt.timedelta(days=1)
    for index, (kk, ru, en, target, ballot_kind, rule) in enumerate(PROCESSES):
        # Each phase lasts 14 days; "now" is 5 days into the target phase.
        order = phases.ORDER.index(target)
        start = now - (order * 14 + 5) * day
        spans = {
            kind: Dates(start + i * 14 * day, start + (i + 1) * 14 * day)
            for i, kind in enumerate(phases.ORDER)
        }
        spans[PhaseKind.IMPLEMENTATION] = Dates(
            spans[PhaseKind.IMPLEMENTATION].starts_at, start + 400 * day
        )
        extra = {"points": 10} if ballot_kind == "cumulative" else {"max_choices": 4}
        with _time(start - day):
            process = processes.create_process(
                actor,
                unit=unit,
                titles={"kk": kk, "ru": ru, "en": en},
                year=now.year,
                budget=Decimal(rng.choice([30, 40, 50])) * 1_000_000,
                ballot_kind=ballot_kind,
                rule=rule,
                is_demo=True,
                source="Demo data generated by esep",
                **extra,
            )
            processes.set_phases(actor, process, spans)
        counts["processes"] += 1
        ideas = rng.sample(PROJECT_IDEAS, 8)
        made = []
        with _time(spans[PhaseKind.PROPOSALS].starts_at + day):
            for number, (_kk, pru, _en, category) in enumerate(ideas):
                author = voters[(index * 8 + number) % VOTERS]
                made.append(
                    projects.propose_project(
                        Actor(user=author),
                        process,
                        title=pru,
                        description="Демо-предложение жителя.",
                        estimated_cost=Decimal(rng.randint(20, 160)) * 100_000,
                        category=category,
                    )
                )
                for supporter in rng.sample(voters, rng.randint(2, 12)):
                    if supporter != author:
                        projects.support_project(Actor(user=supporter), made[-1])
        counts["projects"] += len(made)
        if order < 1:
            continue
        with _time(spans[PhaseKind.REVIEW].starts_at + (day if order > 1 else 2 * day)):
            for project in made[: 8 if order > 1 else 5]:
                if rng.random() < 0.15:
                    projects.review_project(
                        actor, project, feasible=False, reason="Участок не принадлежит акимату."
                    )
                else:
                    cost = project.estimated_cost * Decimal(rng.choice(["0.9", "1", "1.1"]))
                    projects.review_project(
                        actor, project, feasible=True, cost=cost.quantize(Decimal(1))
                    )
        if order < 2:
            continue
        feasible = list(process.projects.filter(status="feasible").order_by("id"))
        with _time(spans[PhaseKind.VOTING].starts_at + day):
            for voter in voters[: 30 if order > 2 else 18]:
                chosen = rng.sample(feasible, rng.randint(1, min(4, len(feasible))))
                codes = [p.code for p in chosen]
                points = None
                if ballot_kind == "knapsack":
                    codes = _fit(chosen, process.budget)
                if ballot_kind == "cumulative":
                    points = _points(len(codes), 10, rng)
                voting.cast_ballot(Actor(user=voter), process, choices=codes, points=points)
                counts["ballots"] += 1
            place = "Школа № 12"
            paper = 0
            for _ in range(rng.randint(3, 6) if order > 2 else 0):
                chosen = [
                    p.code for p in rng.sample(feasible, rng.randint(1, min(3, len(feasible))))
                ]
                points = _points(len(chosen), 10, rng) if ballot_kind == "cumulative" else None
                voting.enter_paper_ballot(
                    actor, process, polling_place=place, choices=chosen, points=points
                )
                paper += 1
            if paper:
                voting.record_paper_return(actor, process, polling_place=place, ballots=paper)
            counts["ballots"] += paper
        if order < 3:
            continue
        with _time(spans[PhaseKind.RESULTS].starts_at + day):
            results.publish_result(actor, results.count_votes(actor, process))
        if order < 4:
            continue
        with _time(spans[PhaseKind.IMPLEMENTATION].starts_at + 3 * day):
            for project in process.projects.filter(selected=True).order_by("id"):
                done = rng.choice([20, 45, 70, 100])
                results.report_progress(
                    actor,
                    project,
                    implementation="done" if done == 100 else "in_progress",
                    progress=done,
                    text="Подрядчик выбран, работы идут по графику."
                    if done < 100
                    else "Работы завершены.",
                )
    with _time(now):
        imported = imports.import_pb(
            actor,
            unit=unit,
            data=ASSEN.read_bytes(),
            file_name=ASSEN.name,
            source="Pabulib (pabulib.org): Netherlands_Assen_2024.pb — Stolicki, Szufa, Talmon, "
            "arXiv:2012.06539. A real instance, imported for comparison.",
        )
        results.publish_result(actor, results.count_votes(actor, imported))
    counts["processes"] += 1
    return counts


def _fit(chosen: list, budget: Decimal) -> list[str]:
    total, codes = Decimal(0), []
    for project in chosen:
        if total + project.ballot_cost <= budget:
            codes.append(project.code)
            total += project.ballot_cost
    return codes or [chosen[0].code]


def _points(count: int, limit: int, rng: random.Random) -> list[int]:
    points = [1] * count
    for _ in range(rng.randint(0, limit - count)):
        points[rng.randrange(count)] += 1
    return points
