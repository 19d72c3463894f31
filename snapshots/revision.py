"""Moments and revisions of a plan: what a day means as a moment, and a number that changes with anything recorded
for the plan, which the pages built from the read model are cached by."""

import datetime

from django.utils import timezone

from core.revisions import council_revision
from plans.models import DeliveryPlan


def end_of_day(date: datetime.date) -> datetime.datetime:
    """The last moment of a day in the service's time zone (Europe/London): what a meeting or a chosen date means."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.max))


def plan_revision(plan: DeliveryPlan) -> int | None:
    """A number that changes with anything recorded for the plan's council (core.revisions), read with the plan
    where its access function read it.

    Every change the plan's pages show is recorded, in the change's own transaction: the plan, its objectives,
    actions, projects, outputs, meetings and their actions arising, the status updates, and what is the council's
    own (its reviews and recommendations, the Programme Board, the actions of earlier plans that answered a
    recommendation). The whole council counts, so a change to one of its plans also renews the pages of the others;
    that is the price of one row per council rather than the newest history entry of eleven tables.
    """
    if "revision" in plan.__dict__:
        return plan.revision
    return council_revision(plan.council_id)
