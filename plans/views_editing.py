"""The coordinator's pages for changing a plan and recording its board meetings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.conflicts import conflict_response
from core.forms import ConfirmForm
from core.versioning import StaleEdit

from . import services
from .access import can_edit_plan, can_export_board_pack, get_meeting_for_user, get_plan_for_user
from .forms import BoardMeetingForm, PlanForm
from .models import BoardMeeting


def _meetings_url(plan_pk: int) -> str:
    return reverse("plans:meetings", args=[plan_pk])


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    kwargs = {"instance": plan}
    form = PlanForm(request.POST or None, **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_change(
                plan=plan,
                status=data["status"],
                introduction=data["introduction"],
                local_context=data["local_context"],
                heading=data["heading"],
                by=request.user,
                expected_version=data["version"] or 0,
            )
        except StaleEdit as stale:
            current = kwargs["instance"] = stale.current
            rows = [
                ("Title", current.title),
                ("Status", current.get_status_display()),
                ("Introduction", current.introduction),
                ("Local context", current.local_context),
            ]
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title=f"{current.title} was changed after you opened this form",
                cancel_url=current.get_absolute_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{plan.title} saved")
            return redirect(plan)
    context = {"form": form, "plan": plan, "title": "Change the plan", "cancel_url": plan.get_absolute_url()}
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's board meetings, for everyone who sees the plan; coordinators also get the form to add one."""
    plan = get_plan_for_user(request.user, pk, write=request.method == "POST")
    can_edit = can_edit_plan(request.user, plan)
    form = BoardMeetingForm(request.POST or None, instance=BoardMeeting(plan=plan)) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.board_meeting_create(
                plan=plan, date=data["date"], decisions=data["decisions"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Board meeting of {meeting.date:%-d %B %Y} added")
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
    title = f"Change the board meeting of {meeting.date:%-d %B %Y}"
    kwargs = {"instance": meeting}
    form = BoardMeetingForm(request.POST or None, **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.board_meeting_change(
                meeting=meeting,
                date=data["date"],
                decisions=data["decisions"],
                by=request.user,
                expected_version=data["version"] or 0,
            )
        except StaleEdit as stale:
            current = kwargs["instance"] = stale.current
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=[("Date of the meeting", f"{current.date:%-d %B %Y}"), ("Decisions", current.decisions)],
                title=f"The board meeting of {current.date:%-d %B %Y} was changed after you opened this form",
                cancel_url=_meetings_url(current.plan_id),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Board meeting of {data['date']:%-d %B %Y} saved")
            return redirect(_meetings_url(meeting.plan_id))
    context = {"form": form, "plan": meeting.plan, "title": title, "cancel_url": _meetings_url(meeting.plan_id)}
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    form = ConfirmForm(request.POST or None, initial={"version": meeting.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.board_meeting_delete(
                meeting=meeting, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as error:
            # Changed while the page was open: show what it says now and ask again.
            meeting, stale = error.current, True
            form = ConfirmForm(initial={"version": meeting.version})
        else:
            messages.success(request, f"Board meeting of {meeting.date:%-d %B %Y} deleted")
            return redirect(_meetings_url(meeting.plan_id))
    context = {"form": form, "meeting": meeting, "plan": meeting.plan, "stale": stale}
    return render(request, "plans/meeting_confirm_delete.html", context, status=409 if stale else 200)
