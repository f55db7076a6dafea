"""The upload page: only akimat staff (and administrators) publish budgets, only for their own
unit; a bad file is refused as a whole with every problem as file:line:column; the same file
twice changes nothing; the form keeps what was typed; CSRF is enforced."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from esep.finance.models import BudgetLine, BudgetRelease, Dataset, Transfer
from tests.finance.conftest import TRANSFER_HEADER, budget_rows, csv_bytes

URL = "/en/budgets/upload/"
TALGAR_2022 = [("district", 2022, "executed")]


def upload(client, data: bytes, name: str = "talgar.csv", **fields):
    form = {
        "kind": "budget",
        "title": "Talgar district budget, executed 2022",
        "document": "No. 12-345",
        "url": "https://talgar.example.kz/budget-2022",
        **fields,
    }
    form["file"] = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(URL, form)


def nothing_written() -> bool:
    return not (
        BudgetLine.objects.exists() or Dataset.objects.exists() or BudgetRelease.objects.exists()
    )


@pytest.fixture
def talgar_csv(budget_units, classification) -> bytes:
    """Talgar's executed budget of 2022 (3 revenue and 2 expenditure lines)."""
    return csv_bytes(budget_rows(budget_units, TALGAR_2022))


def test_anonymous_visitors_are_sent_to_sign_in(client, budget_units):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/signin/?next={URL}"
    assert client.post(URL, {}).status_code == 302


@pytest.mark.parametrize("who", ["nurlan", "dana"])
def test_residents_and_maslikhat_staff_may_not_upload(client, request, talgar_csv, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert upload(client, talgar_csv).status_code == 403
    assert nothing_written()


def test_akimat_editor_sees_the_form(client, aigerim):
    client.force_login(aigerim)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Publish a budget</h1>" in html
    assert 'enctype="multipart/form-data"' in html
    for name in ("kind", "file", "title", "document", "url"):
        assert f'name="{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'type="file"' in html


def test_national_page_links_to_the_upload_for_akimat_staff(client, aigerim, nurlan):
    client.force_login(nurlan)
    assert 'href="/en/budgets/upload/"' not in client.get("/en/budgets/").content.decode()
    client.force_login(aigerim)
    assert 'href="/en/budgets/upload/"' in client.get("/en/budgets/").content.decode()


def test_akimat_editor_publishes_her_districts_budget(client, aigerim, budget_units, talgar_csv):
    client.force_login(aigerim)
    response = upload(client, talgar_csv)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="status"' in html
    assert "Published 5 lines: 2 new budgets, 0 replaced, 0 unchanged." in html
    dataset = Dataset.objects.get()
    assert f'<a href="/en/budgets/datasets/{dataset.pk}/">{dataset.title}</a>' in html
    assert dataset.title == "Talgar district budget, executed 2022"
    assert dataset.document == "No. 12-345"
    assert dataset.url == "https://talgar.example.kz/budget-2022"
    assert dataset.file_name == "talgar.csv"
    assert dataset.imported_by == aigerim.email
    lines = BudgetLine.objects.filter(unit=budget_units.district, year=2022, phase="executed")
    assert lines.count() == 5 == BudgetLine.objects.count()
    # The page shows it right away.
    client.logout()
    page = client.get(f"/en/units/{budget_units.district.pk}/budget/").content.decode()
    assert "Total revenue" in page and "510,000 ₸" in page


def test_the_same_file_again_changes_nothing(client, aigerim, talgar_csv):
    client.force_login(aigerim)
    assert upload(client, talgar_csv).status_code == 200
    response = upload(client, talgar_csv, title="Again")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing changed: the 2 budgets in the file are already published as they are." in html
    assert Dataset.objects.count() == 1 and BudgetLine.objects.count() == 5


def test_a_correction_replaces_the_budget(client, aigerim, budget_units, talgar_csv):
    client.force_login(aigerim)
    upload(client, talgar_csv)
    corrected = talgar_csv.replace(b",04 2,480000", b",04 2,480001")
    assert corrected != talgar_csv
    html = upload(client, corrected, title="Corrected").content.decode()
    assert "Published 2 lines: 0 new budgets, 1 replaced, 1 unchanged." in html
    assert BudgetLine.objects.count() == 5
    assert BudgetRelease.objects.filter(superseded_at__isnull=False).count() == 1


def test_a_bad_file_lists_every_problem_and_writes_nothing(
    client, aigerim, budget_units, classification
):
    client.force_login(aigerim)
    district = budget_units.district.ocd_id
    bad = csv_bytes(
        [
            [district, 2022, "revenue", "executed", "1 01 2", "1000"],  # fine
            [district, 1850, "revenue", "executed", "1 01 2", "1000"],  # year
            [district, 2022, "sideways", "executed", "1 01 2", "1000"],  # direction
            [district, 2022, "revenue", "executed", "9 99 9", "1000"],  # code
            [district, 2022, "revenue", "executed", "2 06 1", "-5"],  # negative
            ["Atlantis", 2022, "revenue", "executed", "3 01 1", "12"],  # unit
            [district, 2022, "revenue", "executed", "1 01 2", "7"],  # repeats line 2
        ]
    )
    response = upload(
        client,
        bad,
        "bad.csv",
        title="My typed title",
        document="Decision 7/1",
        url="https://example.kz/typed",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was published." in html
    assert 'class="error-summary" role="alert"' in html
    for position in ("bad.csv:3:2", "bad.csv:4:3", "bad.csv:5:5", "bad.csv:6:6", "bad.csv:7:1",
                     "bad.csv:8:5"):  # fmt: skip
        assert f"<code>{position}</code>" in html, position
    assert "Atlantis" in html and "repeats line 2" in html
    assert html.count("<li><code>bad.csv:") == 6
    # What was typed is still there.
    assert 'value="My typed title"' in html
    assert 'value="Decision 7/1"' in html
    assert 'value="https://example.kz/typed"' in html
    assert nothing_written()


def test_a_file_that_is_not_utf8_is_refused_with_its_position(client, aigerim, talgar_csv):
    client.force_login(aigerim)
    response = upload(client, talgar_csv.replace(b"executed", b"ex\xe9cuted", 1), "cp1251.csv")
    assert response.status_code == 400
    assert "<code>cp1251.csv:2:" in response.content.decode()
    assert nothing_written()


def test_the_oblast_budget_is_refused_to_the_district_editor(
    client, aigerim, budget_units, classification
):
    client.force_login(aigerim)
    oblast = csv_bytes(budget_rows(budget_units, [("oblast", 2022, "executed")]))
    response = upload(client, oblast, "oblast.csv")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="error-summary" role="alert"' in html
    assert "You may not publish figures for Almaty Region." in html
    assert nothing_written()
    # A file with her district and the oblast is refused as a whole.
    both = csv_bytes(budget_rows(budget_units, [*TALGAR_2022, ("oblast", 2022, "executed")]))
    assert upload(client, both, "both.csv").status_code == 403
    assert nothing_written()


def test_the_oblast_editor_publishes_for_the_oblast_only(
    client, serik, budget_units, classification
):
    client.force_login(serik)
    oblast = csv_bytes(budget_rows(budget_units, [("oblast", 2022, "executed")]))
    assert upload(client, oblast, "oblast.csv").status_code == 200
    assert set(BudgetLine.objects.values_list("unit_id", flat=True)) == {budget_units.oblast.pk}
    talgar = csv_bytes(budget_rows(budget_units, TALGAR_2022))
    assert upload(client, talgar).status_code == 403


def test_transfers_of_her_district(client, aigerim, budget_units, classification):
    client.force_login(aigerim)
    units = budget_units
    rows = [
        [units.district.ocd_id, units.rural.ocd_id, 2022, "subvention", 10_000, "", "", ""],
        [units.district.ocd_id, units.rural.ocd_id, 2022, "targeted_current", 2_000, "", "", ""],
    ]
    response = upload(client, csv_bytes(rows, TRANSFER_HEADER), "t.csv", kind="transfers")
    assert response.status_code == 200
    assert Transfer.objects.count() == 2
    # What the oblast gives her district is the oblast's to publish.
    other = [[units.oblast.ocd_id, units.district.ocd_id, 2022, "subvention", 5, "", "", ""]]
    refused = upload(client, csv_bytes(other, TRANSFER_HEADER), "o.csv", kind="transfers")
    assert refused.status_code == 403
    assert Transfer.objects.count() == 2


@pytest.mark.parametrize("name", ["talgar.txt", "talgar.csv.exe", "talgar"])
def test_other_file_types_are_a_form_error(client, aigerim, talgar_csv, name):
    client.force_login(aigerim)
    response = upload(client, talgar_csv, name)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload a .csv, .xlsx or .zip file." in html
    assert html.count("<title>Error:") == 1
    assert nothing_written()


def test_files_over_the_limit_are_a_form_error(client, aigerim, talgar_csv, monkeypatch):
    monkeypatch.setattr("esep.finance.forms.MAX_UPLOAD_BYTES", 100)
    assert len(talgar_csv) > 100
    client.force_login(aigerim)
    response = upload(client, talgar_csv)
    assert response.status_code == 200
    assert "The file is larger than 20 MB." in response.content.decode()
    assert nothing_written()


def test_missing_fields_are_form_errors(client, aigerim, talgar_csv):
    client.force_login(aigerim)
    response = client.post(URL, {"kind": "budget", "title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = upload(client, talgar_csv, url="not a url", kind="pension")
    html = response.content.decode()
    assert "Enter a valid URL." in html
    assert "Select a valid choice." in html
    assert nothing_written()


def test_csrf_is_enforced(aigerim, talgar_csv):
    client = Client(enforce_csrf_checks=True)
    client.force_login(aigerim)
    assert client.get(URL).status_code == 200
    assert upload(client, talgar_csv).status_code == 403
    assert nothing_written()
