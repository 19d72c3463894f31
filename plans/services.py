"""Workflows that change a plan and its board meetings. Each validates first, runs in one transaction and records
who did it; edits raise StaleEdit when the row changed after the form was opened."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from core import audit, numbering
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_values

from .models import BoardMeeting, DeliveryPlan


@audit.chained()
def plan_change(
    *,
    plan: DeliveryPlan,
    status: str,
    introduction: str,
    local_context: str,
    by: AbstractBaseUser,
    expected_version: int,
    heading: str | None = None,
    rag_column: bool | None = None,
) -> DeliveryPlan:
    """Change the plan's status, its introductory text and (unless None) its title and whether its tables of
    actions have a RAG status column (which its published version follows)."""
    if status not in DeliveryPlan.Status.values:
        raise ValidationError({"status": "Select a status"})
    current = lock_for_edit(plan, expected_version)
    fields = {"status": status, "introduction": introduction, "local_context": local_context}
    if heading is not None:
        fields["heading"] = heading.strip()
    if rag_column is not None:
        fields["rag_column"] = rag_column
    save_values(current, fields, by=by)
    return current


def _check_meeting_date(plan: DeliveryPlan, date: datetime.date, meeting: BoardMeeting | None = None) -> None:
    numbering.refuse_taken(
        BoardMeeting.objects.filter(plan=plan, date=date),
        besides=meeting,
        field="date",
        message=f"This plan already has a board meeting on {date:%-d %B %Y}",
    )


@audit.chained()
def board_meeting_create(
    *, plan: DeliveryPlan, date: datetime.date, decisions: str, by: AbstractBaseUser
) -> BoardMeeting:
    """Record a Prevent Programme Board meeting of the plan; one meeting a day."""
    _check_meeting_date(plan, date)
    return create_recorded(BoardMeeting, by=by, plan=plan, date=date, decisions=decisions)


@audit.chained()
def board_meeting_change(
    *,
    meeting: BoardMeeting,
    date: datetime.date,
    decisions: str,
    by: AbstractBaseUser,
    expected_version: int,
) -> BoardMeeting:
    """Change a meeting's date or decisions; the date stays unique within the plan."""
    current = lock_for_edit(meeting, expected_version)
    _check_meeting_date(current.plan, date, current)
    save_values(current, {"date": date, "decisions": decisions}, by=by)
    return current


@audit.chained()
def board_meeting_delete(*, meeting: BoardMeeting, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete a meeting recorded by mistake; the history keeps who deleted it."""
    current = lock_for_edit(meeting, expected_version)
    delete_recorded(current, by=by)
