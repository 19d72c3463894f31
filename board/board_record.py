"""What the Board's record says at a moment: the decisions of the meeting before it, and the actions arising still
open. The dashboard, its sealed copies and the Board pack read it; with `at=None` it is read from the live rows,
otherwise from the history as at `at`, in the same shape. Three queries whatever the number of meetings.

An action arising is carried from the meeting that raised it to every later meeting of the plan until it is done,
and into the next year's plan: the open ones of the plan before (same council, the financial year before) count
too. One done on a meeting's own day was reported at that meeting, so it is still listed there.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from plans.models import BoardMeeting, DeliveryPlan
from plans.models_board import ActionArising
from snapshots.shapes import Shape
from snapshots.snapshot import latest_rows


@dataclass(frozen=True)
class ArisingState(Shape):
    pk: int
    description: str
    owner: str
    due_date: datetime.date | None
    done_on: datetime.date | None
    raised_on: datetime.date  # the date of the meeting that raised it
    raised_in: str  # the financial year of that meeting's plan

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class BoardRecord(Shape):
    """The meeting before the day shown (None: none yet) with its decisions, and the actions arising open then."""

    meeting_date: datetime.date | None = None
    decisions: str = ""
    arising: list[ArisingState] = field(default_factory=list)


def previous_year(year: str) -> str:
    start = int(year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02}"


def carried_plans(plan: DeliveryPlan) -> dict[int, str]:
    """The plans whose actions arising come to this plan's meetings, by key: itself and the plan before (1 query)."""
    years = {plan.pk: plan.year}
    before = DeliveryPlan.objects.filter(council=plan.council_id, year=previous_year(plan.year))
    years.update(before.order_by().values_list("pk", "year"))
    return years


def open_actions(
    meetings: list[Any], actions: list[Any], years: dict[int, str], day: datetime.date
) -> list[ArisingState]:
    """The actions raised at meetings before `day` and not done before it, oldest meeting first."""
    raised = {meeting_pk(meeting): meeting for meeting in meetings if meeting.date < day}
    found = [
        ArisingState(
            pk=meeting_pk(action),
            description=action.description,
            owner=action.owner,
            due_date=action.due_date,
            done_on=action.done_on,
            raised_on=raised[action.meeting_id].date,
            raised_in=years[raised[action.meeting_id].plan_id],
        )
        for action in actions
        if action.meeting_id in raised and (action.done_on is None or action.done_on >= day)
    ]
    return sorted(found, key=lambda state: (state.raised_on, state.pk))


def meeting_pk(row: Any) -> int:
    return row.id if hasattr(row, "history_id") else row.pk


def board_record(plan: DeliveryPlan, at: datetime.datetime | None = None) -> BoardRecord:
    """The record as at `at` (None: now): the meeting of the plan before that day, and the open actions arising."""
    day = timezone.localdate(at or timezone.now())
    years = carried_plans(plan)
    if at is None:
        meetings: list[Any] = list(BoardMeeting.objects.filter(plan__in=list(years)))
        actions: list[Any] = list(ActionArising.objects.filter(meeting__in=[m.pk for m in meetings]))
    else:
        meetings = latest_rows(BoardMeeting, at, plan_id__in=list(years))
        actions = latest_rows(ActionArising, at, meeting_id__in=[m.id for m in meetings])
    before = [m for m in meetings if m.plan_id == plan.pk and m.date < day]
    previous = max(before, key=lambda m: m.date, default=None)
    return BoardRecord(
        meeting_date=previous.date if previous else None,
        decisions=previous.decisions if previous else "",
        arising=open_actions(meetings, actions, years, day),
    )
