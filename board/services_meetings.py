"""Workflows of the Prevent Programme Board's own record: its terms of reference, and each meeting's attendance,
decisions and actions arising. Each validates first and writes in one transaction, attributed to who made the
change; edits of a row people change in forms raise StaleEdit when it moved on after the form was opened."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import audit
from core.limits import check_limits
from core.versioning import StaleEdit, create_recorded, lock_for_edit, save_edit, save_values
from plans.models import BoardMeeting, Council
from plans.models_board import ActionArising, BoardMember, MeetingAttendance, ProgrammeBoard

TERMS_FIELDS = ["name", "chair", "remit", "frequency", "aims", "informed_by", "reports_to"]


@dataclass(frozen=True)
class Attendee:
    """Who was at a meeting (or sent apologies), as the minutes name them."""

    name: str
    role: str = ""
    agency: str = ""
    apologies: bool = False


@dataclass(frozen=True)
class Arising:
    """An action the Board gave someone at a meeting."""

    description: str
    owner: str
    due_date: datetime.date | None = None
    done_on: datetime.date | None = None


def _recorded(instance, *, by: AbstractBaseUser) -> None:
    check_limits(instance)
    instance._history_user = by
    instance.save()


@audit.chained()
def programme_board_save(
    *,
    council: Council,
    by: AbstractBaseUser,
    expected_version: int,
    members: Iterable[tuple[str, str]],
    **terms: str,
) -> ProgrammeBoard:
    """Record the council's Board terms of reference (`terms`: TERMS_FIELDS) and its members as (agency, role)
    rows, in order. `expected_version` is the version the form was opened at, 0 when the council had none: the
    first save creates the Board, and a form opened before anyone else saved raises StaleEdit.

    Members are rows of their own in the history: a member whose agency and role are unchanged keeps its row, the
    others are added or removed, so the history shows which seat came or went.
    """
    unknown = set(terms) - set(TERMS_FIELDS)
    if unknown:
        raise TypeError(f"Not a term of reference: {', '.join(sorted(unknown))}")
    members = [(agency.strip(), role.strip()) for agency, role in members]
    if any(not agency for agency, _ in members):
        raise ValidationError({"members": "Enter the agency of each member"})
    existing = ProgrammeBoard.objects.filter(council=council).first()
    if existing is None:
        if expected_version != 0:
            raise ValidationError("The Board's terms of reference were deleted after you opened this form")
        try:
            with transaction.atomic():  # a savepoint: two first saves at once, and the constraint refuses one
                board = create_recorded(ProgrammeBoard, by=by, council=council, **terms)
        except IntegrityError:
            raise StaleEdit(ProgrammeBoard.objects.get(council=council)) from None
    else:
        board = lock_for_edit(existing, expected_version)
        save_values(board, terms, by=by)
    kept = list(board.members.order_by("position", "pk"))
    wanted = list(enumerate(members, start=1))
    for member in kept:
        match = next((pair for pair in wanted if pair[1] == (member.agency, member.role)), None)
        if match is None:
            member._history_user = by
            member.delete()
            continue
        wanted.remove(match)
        if member.position != match[0]:
            # Not a change the history records (the position is not tracked), so no history entry either.
            BoardMember.objects.filter(pk=member.pk).update(position=match[0])
    for position, (agency, role) in wanted:
        _recorded(BoardMember(board=board, position=position, agency=agency, role=role), by=by)
    return board


@audit.chained()
def meeting_attendance_add(*, meeting: BoardMeeting, attendee: Attendee, by: AbstractBaseUser) -> MeetingAttendance:
    """Record someone at the meeting, or their apologies."""
    if not attendee.name.strip():
        raise ValidationError({"name": "Enter the name of the person"})
    row = MeetingAttendance(
        meeting=meeting,
        name=attendee.name.strip(),
        role=attendee.role.strip(),
        agency=attendee.agency.strip(),
        apologies=attendee.apologies,
    )
    _recorded(row, by=by)
    return row


@audit.chained()
def meeting_attendance_remove(*, attendance: MeetingAttendance, by: AbstractBaseUser) -> None:
    """Remove someone recorded at a meeting by mistake; the history keeps who removed them."""
    attendance._history_user = by
    attendance.delete()


def _check_done_on(meeting: BoardMeeting, done_on: datetime.date | None) -> None:
    if done_on is not None and done_on < meeting.date:
        raise ValidationError({"done_on": f"The date done must be on or after the meeting of {meeting.date:%-d %B %Y}"})
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError({"done_on": "The date done must be today or in the past"})


@audit.chained()
def action_arising_add(*, meeting: BoardMeeting, arising: Arising, by: AbstractBaseUser) -> ActionArising:
    """Record an action the Board gave someone at the meeting; it is carried to every later meeting until done."""
    errors = {}
    if not arising.description.strip():
        errors["description"] = "Enter what is to be done"
    if not arising.owner.strip():
        errors["owner"] = "Enter who is to do it"
    if errors:
        raise ValidationError(errors)
    _check_done_on(meeting, arising.done_on)
    return create_recorded(
        ActionArising,
        by=by,
        meeting=meeting,
        description=arising.description.strip(),
        owner=arising.owner.strip(),
        due_date=arising.due_date,
        done_on=arising.done_on,
    )


@audit.chained()
def action_arising_done(
    *, action: ActionArising, done_on: datetime.date | None, by: AbstractBaseUser, expected_version: int
) -> ActionArising:
    """Mark an action arising done on `done_on` (None: open again). A form opened before someone else changed it
    raises StaleEdit."""
    current = lock_for_edit(action, expected_version)
    _check_done_on(current.meeting, done_on)
    current.done_on = done_on
    save_edit(current, by=by, fields=["done_on"], reason="Marked done" if done_on else "Opened again")
    return current


@audit.chained()
def board_meeting_record(
    *,
    meeting: BoardMeeting,
    by: AbstractBaseUser,
    attendance: Iterable[Attendee] = (),
    decisions: str | None = None,
    actions_arising: Iterable[Arising] = (),
    done: Iterable[tuple[ActionArising, datetime.date]] = (),
) -> list[ActionArising]:
    """Record what happened at a meeting in one step: who attended or sent apologies, the decisions (None leaves
    them as they are) and the actions arising; `done` marks actions arising of earlier meetings done, each with
    its date (reported at this meeting, usually its date). Returns the actions arising recorded, in order.

    For a loader telling a year of meetings, for example:

        actions = board_meeting_record(
            meeting=meeting,
            by=coordinator,
            attendance=[Attendee("A. Person", "Chair", "The council"), Attendee("B. Person", apologies=True)],
            decisions="Approve the refreshed plan.\\nAsk the police for referral figures.",
            actions_arising=[Arising("Circulate the training figures", "Prevent Co-ordinator", due_date=...)],
            done=[(earlier_action, meeting.date)],
        )

    History is stamped with the current time (django.utils.timezone.now), like every other write: to date a record
    in the past, run the call at that time, as tests/plans/board_world.py does by moving the clock. Actions arising
    are carried by date: one raised at a meeting shows at every later meeting until its `done_on`.
    """
    for attendee in attendance:
        meeting_attendance_add(meeting=meeting, attendee=attendee, by=by)
    if decisions is not None and decisions != meeting.decisions:
        current = lock_for_edit(meeting, meeting.version)
        current.decisions = decisions
        save_edit(current, by=by, fields=["decisions"])
        meeting.decisions, meeting.version = current.decisions, current.version
    recorded = [action_arising_add(meeting=meeting, arising=arising, by=by) for arising in actions_arising]
    for action, done_on in done:
        # A loader holds rows read before this call: the version now, not the one it read.
        version = ActionArising.objects.values_list("version", flat=True).get(pk=action.pk)
        action_arising_done(action=action, done_on=done_on, by=by, expected_version=version)
    return recorded
