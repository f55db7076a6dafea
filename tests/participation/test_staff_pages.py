"""Staff pages: census upload (all or nothing, problems listed), in-person verification and
paper ballots; refused to everyone who may not."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from esep.accounts.identity import make_iin
from esep.accounts.models import CensusList, Verification
from esep.participation.models import Ballot, PaperReturn
from tests.conftest import make_user

BASE = "/en/participation"


def test_census_upload_page(client, city, carol, bob):
    client.force_login(bob)
    assert client.get(f"{BASE}/census/").status_code == 403
    client.force_login(carol)
    page = client.get(f"{BASE}/census/")
    assert page.status_code == 200 and "Almaly district" in page.text
    bad = SimpleUploadedFile("c.csv", b"iin\n123\n", content_type="text/csv")
    refused = client.post(f"{BASE}/census/", {"unit": city.almaly.pk, "file": bad})
    assert refused.status_code == 422 and "c.csv:2:1: An IIN has exactly 12 digits." in refused.text
    assert not CensusList.objects.exists()
    good = SimpleUploadedFile("c.csv", f"iin\n{make_iin(dt.date(1990, 1, 1), 1)}\n".encode())
    assert client.post(f"{BASE}/census/", {"unit": city.almaly.pk, "file": good}).status_code == 302
    assert "1 resident" in client.get(f"{BASE}/census/").text
    other = SimpleUploadedFile("c.csv", b"iin\n")
    answer = client.post(f"{BASE}/census/", {"unit": city.astana.pk, "file": other})
    assert answer.status_code == 422 and "Select a valid choice" in answer.text


def test_in_person_verification_page(client, city, carol, dana):
    resident = make_user("nurlan@example.kz", "Nurlan")
    client.force_login(dana)
    assert client.get(f"{BASE}/verify-in-person/").status_code == 403
    client.force_login(carol)
    iin = make_iin(dt.date(1990, 1, 1), 7)
    unknown = client.post(
        f"{BASE}/verify-in-person/",
        {"email": "nobody@example.kz", "iin": iin, "unit": city.almaly.pk},
    )
    assert unknown.status_code == 422 and "No account has this email address." in unknown.text
    wrong = client.post(
        f"{BASE}/verify-in-person/", {"email": resident.email, "iin": "1", "unit": city.almaly.pk}
    )
    assert wrong.status_code == 422 and "exactly 12 digits" in wrong.text
    ok = client.post(
        f"{BASE}/verify-in-person/", {"email": resident.email, "iin": iin, "unit": city.almaly.pk}
    )
    assert ok.status_code == 302
    assert Verification.objects.get(user=resident).unit == city.almaly


def test_paper_ballot_page(client, on_ballot, carol, aru):
    process = on_ballot()
    client.force_login(aru)
    assert client.get(f"{BASE}/{process.pk}/paper/").status_code == 403
    client.force_login(carol)
    assert client.get(f"{BASE}/{process.pk}/paper/").status_code == 200
    bad = client.post(
        f"{BASE}/{process.pk}/paper/",
        {"polling_place": "School 12", "project": ["1", "2", "3", "4"]},
    )
    assert bad.status_code == 422 and "at most 3" in bad.text
    ok = client.post(
        f"{BASE}/{process.pk}/paper/", {"polling_place": "School 12", "project": ["1", "2"]}
    )
    assert ok.status_code == 302
    box = client.post(
        f"{BASE}/{process.pk}/paper/", {"do": "box", "polling_place": "School 12", "ballots": "1"}
    )
    assert box.status_code == 302
    assert list(Ballot.objects.values_list("channel", "choices")) == [("paper", ["1", "2"])]
    assert PaperReturn.objects.get().ballots == 1
    assert (
        client.post(
            f"{BASE}/{process.pk}/paper/", {"do": "box", "polling_place": "X", "ballots": "x"}
        ).status_code
        == 422
    )
