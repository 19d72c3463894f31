"""The Board pack of a meeting: the dashboard as at the end of the meeting day, as a printable page and a PDF."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEvent
from plans.models import BoardMeeting

from . import board_world


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_the_pdf_opens_and_holds_the_key_figures(history, signed_in):
    second = history.meetings[1]
    response = signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[second.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="board-pack-') and disposition.endswith('2018-11-12.pdf"')
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Tower Hamlets test council" in text
    assert "Prevent Delivery Plan 2018-19" in text
    assert "Board pack for the meeting of 12 November 2018" in text
    # Totals as at the end of 12 November: actions 1 not started, 2 red, 1 complete; the project amber;
    # the count before the total is No status recorded.
    assert "Actions 1 0 0 2 1 0 4" in text
    assert "Projects 0 0 1 0 0 0 1" in text
    assert "Training cancelled: no trainer" in text  # the red commentary of 1.2
    assert "Changes since the Board meeting of 10 September 2018" in text
    assert "Officer appointed" not in text  # written in December, after the meeting
    assert "Page 1 of " in text  # the pack's stylesheet reached WeasyPrint: its @page rule numbers the pages


def test_every_pdf_export_is_recorded(history, signed_in):
    first = history.meetings[0]
    for user in (history.board, history.auditor):
        assert signed_in(user).get(reverse("plans:board_pack_pdf", args=[first.pk])).status_code == 200
    events = AuditEvent.objects.order_by("pk")
    assert [(e.kind, e.user, e.council) for e in events] == [
        ("export", history.board, history.council),
        ("export", history.auditor, history.council),
    ]
    description = "Board pack (PDF) for the meeting of 10 September 2018, Prevent Delivery Plan 2018-19"
    assert events[0].description == description
    # The printable page is a view, not an export.
    signed_in(history.board).get(reverse("plans:board_pack", args=[first.pk]))
    assert AuditEvent.objects.count() == 2


def test_the_printable_page_is_the_dashboard_at_the_meeting(history, signed_in):
    page = signed_in(history.coordinator).get(reverse("plans:board_pack", args=[history.meetings[1].pk])).text
    assert "<h1" in page and "Prevent Programme Board" in page
    assert "Tower Hamlets test council" in page and "Board pack for the meeting of 12 November 2018" in page
    assert "as it stood at the end of the meeting day, 12 November 2018, 23:59" in page
    # Its print styles come from a static file (the Content-Security-Policy refuses inline styles).
    assert '<link rel="stylesheet" href="/static/plans/board_pack.css">' in page and "<style" not in page
    for header in ("Action", "Lead", "Timescale", "RAG status", "Latest commentary"):
        assert f'<th scope="col" class="govuk-table__header">{header}</th>' in page
    assert "Objective 1: Target support" in page and "Objective 2: Mainstream Prevent" in page
    assert "Training cancelled: no trainer" in page and "Venue problems" in page
    assert "Changes since the Board meeting of 10 September 2018" in page
    assert "No action answers this" in page  # recommendation 1, its action withdrawn
    assert "120 of 300: 300 Workshops" in page
    assert reverse("plans:board_pack_pdf", args=[history.meetings[1].pk]) in page


def test_a_pack_for_a_meeting_still_to_come_shows_the_plan_now(history, signed_in):
    upcoming = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 2, 5))
    page = signed_in(history.board).get(reverse("plans:board_pack", args=[upcoming.pk])).text
    assert "The meeting is still to come" in page and "Officer appointed" in page


CODES = {"coordinator": 200, "board": 200, "auditor": 200, "lead": 403, "other_lead": 403, "outsider": 404}


@pytest.fixture
def meeting(world):
    return BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 11, 12))


@pytest.mark.parametrize("name", ["plans:board_pack", "plans:board_pack_pdf"])
@pytest.mark.parametrize(("persona", "code"), CODES.items())
def test_coordinators_board_members_and_auditors_get_the_pack(request, meeting, signed_in, name, persona, code):
    client = signed_in(request.getfixturevalue(persona))
    url = reverse(name, args=[meeting.pk])
    assert client.get(url).status_code == code
    assert AuditEvent.objects.count() == (1 if code == 200 and name.endswith("pdf") else 0)
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405


@pytest.mark.parametrize("name", ["plans:board_pack", "plans:board_pack_pdf"])
def test_the_pack_needs_sign_in(meeting, client, name):
    response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not AuditEvent.objects.exists()
