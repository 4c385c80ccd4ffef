"""The upload page and the Annex A download, for performance officers and administrators."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessEvent
from casework.models import Child, ImportRun


def upload(client, samples, name="fake_CIN_data.xml", kind="cin_census", **extra):
    data = (samples / "cin_census" / name).read_bytes()
    return client.post(
        reverse("imports"),
        {"kind": kind, "files": [SimpleUploadedFile(name, data)], **extra},
    )


def test_performance_officer_uploads_a_census_and_reads_the_report(cast, as_user, samples):
    client = as_user(cast.performance)
    response = upload(client, samples)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_report", args=[run.pk])
    assert run.user == cast.performance
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Loaded" in page.content.decode()
    assert (
        Child.objects.filter(la_child_id__startswith="DfEX").exists() or Child.objects.count() > 300
    )


def test_rejected_upload_lists_problems_and_offers_them_as_csv(cast, as_user, samples):
    client = as_user(cast.performance)
    response = upload(client, samples, name="cin-2022.xml")
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was loaded" in page
    assert "is before the referral date" in page
    run = ImportRun.objects.get()
    csv = client.get(reverse("import_report_csv", args=[run.pk]))
    assert csv.status_code == 200
    assert b"is before the referral date" in csv.content


def test_wrong_file_type_is_refused_before_importing(cast, as_user, samples):
    client = as_user(cast.performance)
    response = upload(client, samples, kind="ssda903")
    assert response.status_code == 200
    assert "is not a .csv file" in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize("who", ["social_worker", "manager_a1", "chair_a", "leader"])
def test_other_roles_are_told_in_words_the_pages_are_not_for_them(cast, as_user, who):
    client = as_user(getattr(cast, who))
    for name in ("imports", "annex_a_export"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        page = response.content.decode()
        assert "Imports, import reports and Annex A are for performance officers and " in page
        assert "administrators. Your role does not use them." in page
        assert AccessEvent.objects.filter(action="refused", status_code=403).exists()
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.CIN_CENSUS,
        filename="x.xml",
        digest="0" * 64,
        outcome="loaded",
        started_at=timezone.now(),
    )
    assert client.get(reverse("import_report", args=[run.pk])).status_code == 403


def test_annex_a_download_is_a_workbook_of_eleven_lists_and_is_audited(cast, as_user):
    client = as_user(cast.performance)
    response = client.get(reverse("annex_a_export"), {"as_at": "2018-09-30"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)]
    assert book["List 3"]["A1"].value == "Child Unique ID"
    event = AccessEvent.objects.get(action="export")
    assert event.user == cast.performance
    assert event.filters == {"annex_a_as_at": "2018-09-30"}
