"""The Programme Board's pages: its terms of reference, and each meeting with its attendance, decisions and
actions arising. Everyone who sees the council's plans reads them; only its coordinators change them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.conflicts import conflict_response
from core.edit_views import add_page
from core.versioning import StaleEdit
from plans.access import (
    can_change_board,
    can_edit_plan,
    can_export_board_pack,
    get_action_arising_for_user,
    get_attendance_for_user,
    get_council_for_board,
    get_meeting_for_user,
    plans_visible_to,
)
from plans.models import BoardMeeting
from plans.models_board import ActionArising, ProgrammeBoard

from . import services_meetings
from .board_record import carried_plans, open_actions
from .forms_meetings import ActionArisingForm, ArisingDoneForm, AttendanceForm, ProgrammeBoardForm
from .services_meetings import Arising, Attendee


def _board_url(slug: str) -> str:
    return reverse("plans:programme_board", args=[slug])


def _meeting_url(pk: int) -> str:
    return reverse("plans:meeting", args=[pk])


@require_GET
def programme_board(request: HttpRequest, slug: str) -> HttpResponse:
    """The Board's terms of reference, and the plans whose meetings it holds (4 queries whatever it holds)."""
    council = get_council_for_board(request.user, slug)
    board = ProgrammeBoard.objects.filter(council=council).first()
    context = {
        "council": council,
        "board": board,
        "members": list(board.members.all()) if board else [],
        "plans": list(plans_visible_to(request.user).filter(council=council).order_by("-year")),
        "can_edit": can_change_board(request.user, council),
    }
    return render(request, "plans/programme_board.html", context)


@require_http_methods(["GET", "POST"])
def programme_board_edit(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_board(request.user, slug, write=True)
    board = ProgrammeBoard.objects.filter(council=council).first()
    form = ProgrammeBoardForm(request.POST or None, initial=ProgrammeBoardForm.initial_for(board))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services_meetings.programme_board_save(
                council=council,
                by=request.user,
                expected_version=data.pop("version") or 0,
                members=data.pop("members"),
                **data,
            )
        except StaleEdit as stale:
            current = stale.current
            rows = [
                ("Name", current.name),
                ("Chaired by", current.chair),
                ("How often it meets", current.frequency),
                ("Aims", current.aims),
                ("Members", "\n".join(str(member) for member in current.members.all())),
            ]
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title="The Board's terms of reference were changed after you opened this form",
                cancel_url=_board_url(slug),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Terms of reference saved")
            return redirect(_board_url(slug))
    context = {"form": form, "title": "Change the Board's terms of reference", "cancel_url": _board_url(slug)}
    return render(request, "core/form_page.html", context)


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A meeting: who attended, its decisions, the actions it raised, and those carried to it from earlier meetings
    (of this plan and the plan before) that were not done before it. A fixed number of queries."""
    meeting = get_meeting_for_user(request.user, pk)
    plan = meeting.plan
    years = carried_plans(plan)
    meetings = list(BoardMeeting.objects.filter(plan__in=list(years)))
    actions = list(ActionArising.objects.filter(meeting__in=[m.pk for m in meetings]))
    context = {
        "meeting": meeting,
        "plan": plan,
        "attendance": list(meeting.attendance.all()),
        "raised": [action for action in actions if action.meeting_id == meeting.pk],
        "carried": open_actions(meetings, actions, years, meeting.date),
        "can_edit": can_edit_plan(request.user, plan),
        "can_export_pack": can_export_board_pack(request.user, plan),
        "council_slug": plan.council.slug,
        # Held: its day has passed. Until then its dashboard and pack are the plan as it stands now.
        "held": meeting.date < timezone.localdate(),
    }
    return render(request, "plans/meeting.html", context)


@require_http_methods(["GET", "POST"])
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return add_page(
        request,
        form=AttendanceForm(request.POST or None),
        add=lambda data, **by: services_meetings.meeting_attendance_add(
            meeting=meeting, attendee=Attendee(data["name"], data["role"], data["agency"], data["apologies"]), **by
        ),
        added=lambda attendance: f"{attendance.name} added to the attendance",
        next_url=lambda attendance: _meeting_url(meeting.pk),
        title=f"Add to the attendance of the meeting of {meeting.date:%-d %B %Y}",
        cancel_url=_meeting_url(meeting.pk),
        context={"plan": meeting.plan},
    )


@require_http_methods(["GET", "POST"])
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = get_attendance_for_user(request.user, pk, write=True)
    meeting = attendance.meeting
    if request.method == "POST":
        services_meetings.meeting_attendance_remove(attendance=attendance, by=request.user)
        messages.success(request, f"{attendance.name} removed from the attendance")
        return redirect(_meeting_url(meeting.pk))
    context = {"attendance": attendance, "meeting": meeting, "plan": meeting.plan}
    return render(request, "plans/attendance_confirm_remove.html", context)


@require_http_methods(["GET", "POST"])
def action_arising_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk, write=True)
    return add_page(
        request,
        form=ActionArisingForm(request.POST or None),
        add=lambda data, **by: services_meetings.action_arising_add(
            meeting=meeting, arising=Arising(data["description"], data["owner"], data["due_date"]), **by
        ),
        added=lambda arising: "Action arising added",
        next_url=lambda arising: _meeting_url(meeting.pk),
        title=f"Add an action arising from the meeting of {meeting.date:%-d %B %Y}",
        cancel_url=_meeting_url(meeting.pk),
        context={"plan": meeting.plan},
    )


@require_http_methods(["GET", "POST"])
def action_arising_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action arising done. `?meeting=` brings the coordinator back to the meeting they came from."""
    action = get_action_arising_for_user(request.user, pk, write=True)
    back = _meeting_url(_back_meeting(request, action))
    kwargs = {"initial": {"version": action.version, "done_on": action.done_on}}
    form = ArisingDoneForm(request.POST or None, **kwargs)
    form.rebind_kwargs = {}
    if request.method == "POST" and form.is_valid():
        try:
            services_meetings.action_arising_done(
                action=action,
                done_on=form.cleaned_data["done_on"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            current = stale.current
            done = f"{current.done_on:%-d %B %Y}" if current.done_on else "Not done"
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=[("Action", current.description), ("Owner", current.owner), ("Done on", done)],
                title="The action arising was changed after you opened this form",
                cancel_url=back,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Action arising marked as done")
            return redirect(back)
    title = "Mark an action arising as done"
    context = {"form": form, "plan": action.meeting.plan, "title": title, "cancel_url": back, "action": action}
    return render(request, "plans/action_arising_done.html", context)


def _back_meeting(request: HttpRequest, action: ActionArising) -> int:
    """The meeting of the council named by `meeting` (a key), else the meeting that raised the action."""
    wanted = request.GET.get("meeting") or request.POST.get("meeting") or ""
    if wanted.isdigit():
        found = BoardMeeting.objects.filter(pk=int(wanted), plan__council=action.meeting.plan.council_id).first()
        if found is not None:
            return found.pk
    return action.meeting_id
