"""The coordinator's pages for changing a plan and recording its board meetings."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.edit_views import change_page, delete_page

from . import services
from .access import can_edit_plan, can_export_board_pack, get_meeting_for_user, get_plan_for_user
from .forms import BoardMeetingForm, PlanForm
from .models import BoardMeeting


def _meetings_url(plan_pk: int) -> str:
    return reverse("plans:meetings", args=[plan_pk])


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    return change_page(
        request,
        form_class=PlanForm,
        instance=plan,
        change=partial(services.plan_change, plan=plan),
        next_url=plan.get_absolute_url(),
        context={"plan": plan},
    )


@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's board meetings, for everyone who sees the plan; coordinators also get the form to add one."""
    plan = get_plan_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_edit_plan(request.user, plan)
    form = BoardMeetingForm(request.POST or None, instance=BoardMeeting(plan=plan)) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            meeting = services.board_meeting_create(plan=plan, **form.changes(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{meeting.words.message} added")
            return redirect(_meetings_url(plan.pk))
    meetings = list(BoardMeeting.objects.filter(plan=plan).order_by("-date"))
    today = timezone.localdate()
    context = {
        "form": form,
        "plan": plan,
        "meetings": meetings,
        "can_edit": can_edit,
        "can_export_pack": can_export_board_pack(request.user, plan),
        "today": today,
        # The next meeting is the first still to come (today's included); the latest is the last one held.
        "next_meeting": next((meeting for meeting in reversed(meetings) if meeting.date >= today), None),
    }
    return render(request, "plans/meetings.html", context)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return change_page(
        request,
        form_class=BoardMeetingForm,
        instance=meeting,
        change=partial(services.board_meeting_change, meeting=meeting),
        next_url=_meetings_url(meeting.plan_id),
        context={"plan": meeting.plan},
    )


@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return delete_page(
        request,
        item=meeting,
        delete=lambda current, **edit: services.board_meeting_delete(meeting=current, **edit),
        next_url=_meetings_url(meeting.plan_id),
        template="plans/meeting_confirm_delete.html",
        context=lambda current: {"meeting": current, "plan": current.plan},
    )
