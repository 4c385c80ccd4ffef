"""The surgery's papers: before the meeting the agenda (PDF and XLSX) lists the chosen children
with their lists in words; after it the minutes name the attendees and each discussed child
with the note, barrier and actions, and count the others (listed only in the appendix asked
for). A due-soon row reads "due in N working days". Closing is confirmed on its own page."""

import io
import shutil
import subprocess
from datetime import date

from openpyxl import load_workbook

from surgeries import services
from surgeries.models import BarrierCode
from tests import factories as f

MEETING = date(2018, 9, 30)


def pdf_text(content: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "needs poppler-utils (pdftotext)"
    out = subprocess.run([pdftotext, "-layout", "-", "-"], input=content, capture_output=True)
    return " ".join(out.stdout.decode().split())


def planned(cast):
    return services.surgery_create(
        user=cast.chair_a,
        title="North papers",
        date=MEETING,
        service_area=None,
        teams=[cast.team_a1],
        lists=[],
        attendees=[cast.worker_a1],
    )


def test_agenda_papers_before_the_meeting(cast, lists, as_user):
    # On a plan from 24 September: its first visit is due on 8 October, in 6 working days.
    soon = f.ChildFactory(last_name="Soonvisit")
    f.ReferralFactory(child=soon, team=cast.team_a1, referral_date=date(2018, 9, 17))
    f.InvolvementFactory(
        child=soon, worker=cast.worker_a1, team=cast.team_a1, start_date=date(2018, 9, 17)
    )
    f.CPPlanFactory(child=soon, start_date=date(2018, 9, 26))
    surgery = planned(cast)
    client = as_user(cast.chair_a)
    pdf = client.get(f"/surgeries/meetings/{surgery.public_id}/agenda.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Agenda: North papers" in text
    assert cast.worker_a1.name in text
    assert lists.cp_a1.full_name in text and soon.full_name in text
    assert "due in " in text and "working days overdue" in text
    assert lists.cp_b1.full_name not in text
    book = load_workbook(
        io.BytesIO(client.get(f"/surgeries/meetings/{surgery.public_id}/agenda.xlsx").content)
    )
    agenda = list(book["Agenda"].iter_rows(values_only=True))
    assert agenda[0][:3] == ("No.", "Child", "LA child ID")
    assert {row[2] for row in agenda[1:]} >= {lists.cp_a1.la_child_id, soon.la_child_id}
    assert book["Agenda"].freeze_panes == "A2"


def test_minutes_name_the_discussed_and_count_the_others(cast, lists, as_user):
    surgery = planned(cast)
    barrier = BarrierCode.objects.get(code="recording-delay")
    services.surgery_record_discussion(
        user=cast.chair_a,
        surgery=surgery,
        child=lists.cp_a1,
        note="Seen, not recorded",
        barrier=barrier,
    )
    client = as_user(cast.chair_a)
    confirm = client.get(f"/surgeries/meetings/{surgery.public_id}/close/")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Are you sure you want to close the surgery?" in html
    assert f"1 of {len(surgery.agenda_children)} children discussed" in html
    # Anyone but the chair is sent back to the agenda; the surgery stays open.
    other = as_user(cast.admin).get(f"/surgeries/meetings/{surgery.public_id}/close/")
    assert other.status_code == 302
    surgery.refresh_from_db()
    assert not surgery.is_closed
    client = as_user(cast.chair_a)
    assert client.post(f"/surgeries/meetings/{surgery.public_id}/close/").status_code == 302

    text = pdf_text(client.get(f"/surgeries/meetings/{surgery.public_id}/minutes.pdf").content)
    assert "Minutes: North papers" in text
    assert cast.worker_a1.name in text  # the attendee
    assert lists.cp_a1.full_name in text and "Seen, not recorded" in text
    assert "Recording delay" in text
    assert lists.s47_a1.full_name not in text  # not discussed: a count only
    assert "1 discussed" in text
    appendix = pdf_text(
        client.get(f"/surgeries/meetings/{surgery.public_id}/minutes.pdf?appendix=1").content
    )
    assert "Appendix: children not discussed" in appendix
    assert lists.s47_a1.full_name in appendix
