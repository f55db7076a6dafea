"""The pages of participatory budgeting with the test client: what anyone sees, forms that
keep what was typed, the ballot and its receipt, visibility before and after publication, and
a constant number of queries as data grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esep.core.actions import Actor
from esep.participation.actions import results, voting
from esep.participation.models import Ballot, Project
from esep.participation.phases import PhaseKind
from tests.conftest import SYSTEM as SYSTEM_ACTOR
from tests.finance.conftest import classification  # noqa: F401

from .conftest import during

BASE = "/en/participation"


def signed_in(client, user):
    client.force_login(user)
    return client


def test_anyone_sees_processes_and_their_rules(client, new_process):
    process = new_process()
    listing = client.get(f"{BASE}/")
    assert listing.status_code == 200 and "People&#x27;s budget" in listing.text
    page = client.get(f"{BASE}/{process.pk}/")
    assert page.status_code == 200
    for text in ("Greedy by score", "The cheaper project first", "verified residents of Almaty"):
        assert text in page.text
    assert client.get(f"{BASE}/999999/").status_code == 404


def test_a_proposal_with_errors_keeps_what_was_typed(client, new_process, at, aru):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    signed_in(client, aru)
    form = {
        "title": "Playground on Abay street",
        "description": "Swings",
        "estimated_cost": "-1",
        "category": "sport",
    }
    answer = client.post(f"{BASE}/{process.pk}/propose/", form)
    assert answer.status_code == 422
    assert "An amount in tenge, more than zero." in answer.text
    assert 'value="Playground on Abay street"' in answer.text and "Swings" in answer.text
    assert not Project.objects.exists()
    answer = client.post(f"{BASE}/{process.pk}/propose/", {**form, "estimated_cost": "150 000"})
    assert answer.status_code == 302
    assert Project.objects.get().estimated_cost == 150000


def test_support_and_review_from_the_process_page(client, new_process, at, aru, daniyar, carol):
    process = new_process()
    at(during(PhaseKind.PROPOSALS))
    signed_in(client, aru)
    client.post(f"{BASE}/{process.pk}/propose/", {"title": "Trees", "estimated_cost": "100000"})
    project = Project.objects.get()
    client.logout()
    signed_in(client, daniyar)
    assert client.post(f"{BASE}/{process.pk}/projects/{project.pk}/support/").status_code == 302
    again = client.post(f"{BASE}/{process.pk}/projects/{project.pk}/support/", follow=True)
    assert "You already support this project." in again.text
    assert client.get(f"{BASE}/{process.pk}/projects/{project.pk}/review/").status_code == 403
    client.logout()
    at(during(PhaseKind.REVIEW))
    signed_in(client, carol)
    bad = client.post(
        f"{BASE}/{process.pk}/projects/{project.pk}/review/", {"feasible": "0", "reason": ""}
    )
    assert bad.status_code == 422 and "Say why the project is not feasible" in bad.text
    ok = client.post(
        f"{BASE}/{process.pk}/projects/{project.pk}/review/", {"feasible": "1", "cost": "120000"}
    )
    assert ok.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.cost, project.supporters) == ("feasible", 120000, 1)


def test_vote_receipt_bulletin_board_and_results(client, on_ballot, at, aru, carol):
    process = on_ballot()
    signed_in(client, aru)
    form = client.get(f"{BASE}/{process.pk}/vote/")
    assert form.status_code == 200 and 'name="project" value="1"' in form.text
    refused = client.post(f"{BASE}/{process.pk}/vote/", {"project": ["1", "2", "3", "4"]})
    assert refused.status_code == 422 and "Choose at most 3 projects." in refused.text
    assert 'value="4" checked' in refused.text
    cast = client.post(f"{BASE}/{process.pk}/vote/", {"project": ["1", "3"]})
    receipt = Ballot.objects.get().receipt
    assert cast.status_code == 200 and receipt in cast.text
    twice = client.post(f"{BASE}/{process.pk}/vote/", {"project": ["2"]})
    assert "already voted" in twice.text and Ballot.objects.count() == 1
    check = client.get(f"{BASE}/{process.pk}/receipt/", {"receipt": receipt.lower()})
    assert "This ballot is recorded and counts." in check.text and "It chose" not in check.text
    assert (
        "No ballot has this receipt."
        in client.get(f"{BASE}/{process.pk}/receipt/", {"receipt": "AAAA-BBBB"}).text
    )
    # Before publication: no ballots, no results, no download.
    assert receipt not in client.get(f"{BASE}/{process.pk}/ballots/").text
    assert client.get(f"{BASE}/{process.pk}/process.pb").status_code == 404
    assert "not published yet" in client.get(f"{BASE}/{process.pk}/results/").text
    client.logout()
    at(during(PhaseKind.RESULTS))
    signed_in(client, carol)
    client.post(f"{BASE}/{process.pk}/results/", {"do": "count"})
    draft = client.get(f"{BASE}/{process.pk}/results/")
    assert "Not published: only staff see this count." in draft.text
    client.logout()
    assert "not published yet" in client.get(f"{BASE}/{process.pk}/results/").text
    signed_in(client, carol)
    client.post(f"{BASE}/{process.pk}/results/", {"do": "publish"})
    client.logout()
    published = client.get(f"{BASE}/{process.pk}/results/")
    assert (
        "Published on" in published.text
        and "Not funded: it costs more than the money left" in published.text
    )
    assert receipt in client.get(f"{BASE}/{process.pk}/ballots/").text
    assert (
        "It chose: 1, 3" in client.get(f"{BASE}/{process.pk}/receipt/", {"receipt": receipt}).text
    )
    assert client.get(f"{BASE}/{process.pk}/process.pb").text.startswith("META\n")


def test_residents_verify_with_the_census(client, city, carol):
    import datetime as dt

    from esep.accounts import actions as account_actions
    from esep.accounts.identity import make_iin
    from tests.conftest import make_user

    iin = make_iin(dt.date(1990, 1, 2), 55)
    account_actions.upload_census(
        Actor(user=carol), unit=city.almaly, data=f"iin\n{iin}\n".encode(), file_name="c.csv"
    )
    resident = make_user("nurlan@example.kz", "Nurlan")
    signed_in(client, resident)
    bad = client.post(f"{BASE}/verify/", {"iin": "123"})
    assert (
        bad.status_code == 422
        and "An IIN has exactly 12 digits." in bad.text
        and 'value="123"' in bad.text
    )
    assert client.post(f"{BASE}/verify/", {"iin": iin}).status_code == 302
    assert "You are verified as a resident of Almaly district" in client.get(f"{BASE}/verify/").text


def test_the_document_number_is_asked_on_the_page_and_kept_when_wrong(client, city, carol):
    import datetime as dt

    from esep.accounts import actions as account_actions
    from esep.accounts.identity import make_iin
    from tests.conftest import make_user

    iin = make_iin(dt.date(1990, 1, 2), 57)
    account_actions.upload_census(
        Actor(user=carol),
        unit=city.almaly,
        data=f"iin,document\n{iin},N1234567\n".encode(),
        file_name="c.csv",
    )
    signed_in(client, make_user("nurlan@example.kz", "Nurlan"))
    page = client.get(f"{BASE}/verify/")
    assert 'name="document"' in page.text and "identity card or passport" in page.text
    wrong = client.post(f"{BASE}/verify/", {"iin": iin, "document": "N7654321"})
    assert wrong.status_code == 422 and "with this document number" in wrong.text
    assert 'value="N7654321"' in wrong.text and f'value="{iin}"' in wrong.text
    assert client.post(f"{BASE}/verify/", {"iin": iin, "document": "n1234567"}).status_code == 302


def test_too_many_census_attempts_are_refused_on_the_page(client, city, carol, settings):
    import datetime as dt

    from esep.accounts import actions as account_actions
    from esep.accounts.identity import make_iin
    from tests.conftest import make_user

    settings.ESEP_CENSUS_ATTEMPTS = 1
    iin = make_iin(dt.date(1990, 1, 2), 58)
    account_actions.upload_census(
        Actor(user=carol), unit=city.almaly, data=f"iin\n{iin}\n".encode(), file_name="c.csv"
    )
    signed_in(client, make_user("nurlan@example.kz", "Nurlan"))
    wrong = make_iin(dt.date(1990, 1, 2), 59)
    assert client.post(f"{BASE}/verify/", {"iin": wrong}).status_code == 422
    page = client.post(f"{BASE}/verify/", {"iin": iin})
    assert page.status_code == 422 and "Too many attempts in the last 24 hours" in page.text
    assert f'value="{iin}"' in page.text


@pytest.mark.parametrize("projects", [4, 12])
def test_process_and_results_pages_keep_a_constant_number_of_queries(
    client, on_ballot, at, aru, carol, projects
):
    process = on_ballot(costs=[10_000 + i for i in range(projects)], max_choices=None)
    voting.cast_ballot(Actor(user=aru), process, choices=[str(i) for i in range(1, projects + 1)])
    at(during(PhaseKind.RESULTS))
    results.publish_result(Actor(user=carol), results.count_votes(Actor(user=carol), process))
    counts = {}
    for name, url in [
        ("process", f"{BASE}/{process.pk}/"),
        ("results", f"{BASE}/{process.pk}/results/"),
        ("ballots", f"{BASE}/{process.pk}/ballots/"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    assert counts == {"process": 5, "results": 3, "ballots": 4}


def test_a_project_page_shows_and_takes_progress_reports(client, on_ballot, at, aru, carol):
    process = on_ballot()
    voting.cast_ballot(Actor(user=aru), process, choices=["1"])
    at(during(PhaseKind.RESULTS))
    results.publish_result(Actor(user=carol), results.count_votes(Actor(user=carol), process))
    project = Project.objects.get(process=process, code="1")
    url = f"{BASE}/{process.pk}/projects/{project.pk}/"
    assert "No report yet." in client.get(url).text
    assert client.post(url, {"implementation": "done"}).status_code == 403
    at(during(PhaseKind.IMPLEMENTATION))
    client.force_login(carol)
    day = during(PhaseKind.IMPLEMENTATION).date().isoformat()
    bad = client.post(
        url, {"implementation": "in_progress", "progress": "50", "on": day, "text": ""}
    )
    assert bad.status_code == 422 and "This field is required." in bad.text
    ok = client.post(
        url, {"implementation": "in_progress", "progress": "50", "on": day, "text": "Half done."}
    )
    assert ok.status_code == 302
    client.logout()
    page = client.get(url)
    assert "Half done." in page.text and "In progress, 50%" in page.text


def test_the_process_page_says_whether_the_legal_minimum_is_met(
    client,
    new_process,
    city,
    classification,  # noqa: F811
):
    from tests.finance.conftest import BUDGET_HEADER, csv_bytes, import_csv

    rows = [
        [city.almaly.ocd_id, 2027, "expenditure", "approved", "07 1", "8000000"],
        [city.almaly.ocd_id, 2027, "expenditure", "approved", "07 2", "12000000"],
    ]
    import_csv(SYSTEM_ACTOR, csv_bytes(rows, header=BUDGET_HEADER))
    below = new_process(unit=city.almaly, budget="900000")
    meets = new_process(unit=city.almaly, budget="1000000")
    elsewhere = new_process()  # Almaty itself: the law sets no share for a republican city
    assert (
        "below the legal minimum: at least 1000000.00 (5 % of the 20000000"
        in client.get(f"{BASE}/{below.pk}/").text
    )
    assert "meets the legal minimum" in client.get(f"{BASE}/{meets.pk}/").text
    assert "legal minimum" not in client.get(f"{BASE}/{elsewhere.pk}/").text


def test_verification_returns_only_to_this_site(client, city, carol):
    import datetime as dt

    from esep.accounts import actions as account_actions
    from esep.accounts.identity import make_iin
    from tests.conftest import make_user

    iin = make_iin(dt.date(1990, 1, 2), 56)
    account_actions.upload_census(
        Actor(user=carol), unit=city.almaly, data=f"iin\n{iin}\n".encode(), file_name="c.csv"
    )
    client.force_login(make_user("nurlan@example.kz", "Nurlan"))
    away = client.post(f"{BASE}/verify/?next=https://evil.example/", {"iin": iin})
    assert away.status_code == 302 and away["Location"] == f"{BASE}/"


def test_cumulative_and_ordinal_ballots_on_the_page(client, on_ballot, at, aru, daniyar):
    import datetime as dt

    from .conftest import T0

    cumulative = on_ballot(ballot_kind="cumulative", points=10)
    client.force_login(aru)
    over = client.post(f"{BASE}/{cumulative.pk}/vote/", {"points-1": "6", "points-2": "5"})
    assert over.status_code == 422 and "you have 10" in over.text and 'value="6"' in over.text
    client.post(f"{BASE}/{cumulative.pk}/vote/", {"points-1": "6", "points-3": "4", "points-2": ""})
    assert Ballot.objects.get(process=cumulative).points == [6, 4]
    at(T0 - dt.timedelta(days=1))
    ordinal = on_ballot(ballot_kind="ordinal")
    client.force_login(daniyar)
    bad = client.post(f"{BASE}/{ordinal.pk}/vote/", {"rank-1": "first"})
    assert bad.status_code == 422 and "Ranks are whole numbers" in bad.text
    client.post(f"{BASE}/{ordinal.pk}/vote/", {"rank-3": "1", "rank-1": "2", "rank-4": ""})
    assert Ballot.objects.get(process=ordinal).choices == ["3", "1"]
