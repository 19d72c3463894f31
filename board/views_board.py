"""The coordinator's update requests to leads, and the Board pack of a meeting (printable page and PDF)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from plans.access import get_meeting_for_board_pack, get_plan_for_user

from . import services_board
from .board_pack import pack_context, pack_pdf
from .forms_board import UpdateRequestForm


@require_http_methods(["GET", "POST"])
def update_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordinators only: who would be asked now, the form to ask them, and who answered the latest request."""
    plan = get_plan_for_user(request.user, pk, write=True)
    form = UpdateRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services_board.update_request_send(
                plan=plan,
                message=form.cleaned_data["message"],
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            asked = sent.recipients.count()
            # The emails go from a worker: the table below shows each one's outcome as it comes.
            messages.success(request, f"Update request sent: {asked} lead{'s' if asked != 1 else ''} asked")
            return redirect("plans:update_requests", plan.pk)
    past = list(
        plan.update_requests.select_related("requested_by", "meeting")
        .annotate(
            asked=Count("recipients"), emailed=Count("recipients", filter=Q(recipients__emailed_at__isnull=False))
        )
        .order_by("-requested_at", "-pk")  # a query that groups ignores the model's own ordering
    )
    latest = past[0] if past else None
    context = {
        "plan": plan,
        "form": form,
        "leads": services_board.leads_to_ask(plan),
        "unled": services_board.items_without_lead(plan),
        "past": past,
        "latest": latest,
        "responses": services_board.update_request_responses(latest) if latest else [],
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "can_edit": True,  # only coordinators reach this page
    }
    return render(request, "plans/update_requests.html", context)


@require_GET
def board_pack(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_board_pack(request.user, pk)
    return render(request, "plans/board_pack.html", pack_context(meeting, pdf=False))


@require_GET
def board_pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same page as a PDF (WeasyPrint), kept once the meeting is past; every download is recorded."""
    meeting = get_meeting_for_board_pack(request.user, pk)
    pdf = pack_pdf(meeting)
    services_board.board_pack_record_export(meeting=meeting, by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"board-pack-{meeting.plan.council.slug}-{meeting.plan.year}-{meeting.date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
