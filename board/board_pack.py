"""The Board pack of a meeting: its contents, and its PDF, kept once the meeting is past.

A past meeting's pack shows the plan as it stood at the end of the meeting's day, which never changes: its PDF is
rendered once (by a worker when the nightly run seals the meeting, or else by the first download) and served as
stored after, the same bytes every time. A meeting still to come shows the plan as it stands, so its PDF is
rendered for each download. Two first downloads at once may both render; the first stored wins.
"""

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import html_to_pdf
from plans.models import BoardMeeting, BoardPackPdf

from .dashboard import build_dashboard
from .views_dashboard import meeting_moment, rag_chart

# The layout the kept PDFs were rendered with: a new layout renders each again.
PACK_VERSION = 1


def pack_context(meeting: BoardMeeting, *, pdf: bool) -> dict[str, Any]:
    plan = meeting.plan
    moment = meeting_moment(meeting)
    dashboard = build_dashboard(plan, at=moment.at, meetings=list(BoardMeeting.objects.filter(plan=plan)))
    return {
        "plan": plan,
        "meeting": meeting,
        "moment": moment,
        "dashboard": dashboard,
        "chart": rag_chart(dashboard.actions, dashboard.projects),
        "prepared_at": timezone.now(),
        "pdf": pdf,
        "stale_after_days": settings.STALE_AFTER_DAYS,
    }


def render_pack_pdf(meeting: BoardMeeting) -> bytes:
    return html_to_pdf(render_to_string("plans/board_pack.html", pack_context(meeting, pdf=True)))


def pack_pdf(meeting: BoardMeeting) -> bytes:
    """The pack's PDF: as kept for a past meeting (rendered and kept now if it was not yet), else rendered."""
    at = meeting_moment(meeting).at
    if at is None:
        return render_pack_pdf(meeting)
    kept = BoardPackPdf.objects.filter(meeting=meeting, at=at, version=PACK_VERSION)
    pdf = kept.values_list("pdf", flat=True).first()
    if pdf is not None:
        return bytes(pdf)
    pdf = render_pack_pdf(meeting)
    try:
        with transaction.atomic():
            # A meeting moved to another date, or an older layout: its earlier PDFs say something else.
            BoardPackPdf.objects.filter(meeting=meeting).delete()
            BoardPackPdf.objects.create(
                meeting=meeting, at=at, version=PACK_VERSION, pdf=pdf, rendered_at=timezone.now()
            )
    except IntegrityError:
        return bytes(kept.values_list("pdf", flat=True).get())
    return pdf
