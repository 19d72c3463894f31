"""Workflows that change a plan and its board meetings. Each validates first, runs in one transaction and records
who did it; edits raise StaleEdit when the row changed after the form was opened."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.versioning import create_recorded, delete_recorded, lock_for_edit, save_edit

from .models import BoardMeeting, DeliveryPlan
from .tasks import render_published_pdf


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
) -> DeliveryPlan:
    """Change the plan's status, its introductory text and (unless None) its title."""
    if status not in DeliveryPlan.Status.values:
        raise ValidationError({"status": "Select a status"})
    current = lock_for_edit(plan, expected_version)
    current.status = status
    current.introduction = introduction
    current.local_context = local_context
    fields = ["status", "introduction", "local_context"]
    if heading is not None:
        current.heading = heading.strip()
        fields.append("heading")
    save_edit(current, by=by, fields=fields)
    return current


def _check_meeting_date(plan: DeliveryPlan, date: datetime.date, meeting: BoardMeeting | None = None) -> None:
    clash = BoardMeeting.objects.filter(plan=plan, date=date)
    if meeting is not None:
        clash = clash.exclude(pk=meeting.pk)
    if clash.exists():
        raise ValidationError({"date": f"This plan already has a board meeting on {date:%-d %B %Y}"})


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
    current.date = date
    current.decisions = decisions
    save_edit(current, by=by, fields=["date", "decisions"])
    return current


@audit.chained()
def board_meeting_delete(*, meeting: BoardMeeting, by: AbstractBaseUser, expected_version: int) -> None:
    """Delete a meeting recorded by mistake; the history keeps who deleted it."""
    current = lock_for_edit(meeting, expected_version)
    delete_recorded(current, by=by)


@audit.chained()
def plan_publish(*, plan: DeliveryPlan, public: bool, by: AbstractBaseUser, expected_version: int) -> DeliveryPlan:
    """Publish the plan as it stands now (its redacted version), and say whether anyone may read it unsigned-in."""
    current = lock_for_edit(plan, expected_version)
    current.published_at = timezone.now()
    current.public = public
    save_edit(current, by=by, fields=["published_at", "public"], reason="Published")
    # Its PDF rendered by a worker once this is committed, so no visitor waits for it.
    published_at = current.published_at.isoformat()
    transaction.on_commit(lambda: render_published_pdf.enqueue(current.pk, published_at))
    return current


@audit.chained()
def plan_set_public(*, plan: DeliveryPlan, public: bool, by: AbstractBaseUser, expected_version: int) -> DeliveryPlan:
    """Open or close the public address of the version already published; what it shows does not change."""
    current = lock_for_edit(plan, expected_version)
    if current.published_at is None:
        raise ValidationError("Publish the plan first")
    current.public = public
    save_edit(current, by=by, fields=["public"], reason="Public address opened" if public else "Public address closed")
    return current
