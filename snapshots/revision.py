"""Moments and revisions of a plan: what a day means as a moment, and a number that changes with anything recorded
for the plan, which the pages built from the read model are cached by."""

import datetime
import functools

from django.db import connections
from django.db.models import F, Func, OuterRef, Subquery
from django.utils import timezone

from actions.models import Action
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import ActionArising, BoardMeeting, DeliveryPlan
from projects.models import CommissionedProject, OutputTarget


def end_of_day(date: datetime.date) -> datetime.datetime:
    """The last moment of a day in the service's time zone (Europe/London): what a meeting or a chosen date means."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time.max))


def plan_revision(plan: DeliveryPlan) -> tuple[int | None, ...]:
    """The newest history entry of everything a dashboard of the plan shows, in one query.

    History is append-only, so any change to the plan, its objectives, actions, projects, outputs, meetings, its
    council's reviews or the actions of its earlier plans gives a new revision; a status update comes with a history
    entry of its action or project.
    """
    with connections[DeliveryPlan.objects.db].cursor() as cursor:
        cursor.execute(_revision_sql(DeliveryPlan.objects.db), [plan.pk])
        return tuple(cursor.fetchone() or ())


@functools.cache
def _revision_sql(alias: str) -> str:
    """The revision query, compiled once: its Python side would otherwise cost ten times its database side."""
    newest = {
        "plan": DeliveryPlan.history.filter(id=OuterRef("pk")),
        "objectives": Objective.history.filter(plan_id=OuterRef("pk")),
        "actions": Action.history.filter(plan_id=OuterRef("pk")),
        "projects": CommissionedProject.history.filter(plan_id=OuterRef("pk")),
        "outputs": OutputTarget.history.filter(
            project_id__in=CommissionedProject.objects.filter(plan=OuterRef(OuterRef("pk")))
        ),
        "meetings": BoardMeeting.history.filter(plan_id=OuterRef("pk")),
        # Actions arising carry over from the plan before, so any of the council's counts.
        "arising": ActionArising.history.filter(
            meeting_id__in=BoardMeeting.objects.filter(plan__council=OuterRef(OuterRef("council_id")))
        ),
        "reviews": Review.history.filter(council_id=OuterRef("council_id")),
        "recommendations": Recommendation.history.filter(
            review_id__in=Review.objects.filter(council=OuterRef(OuterRef("council_id")))
        ),
        # A recommendation this plan leaves unanswered shows the actions of earlier plans that answered it.
        "earlier_actions": Action.history.filter(
            plan_id__in=DeliveryPlan.objects.filter(
                council=OuterRef(OuterRef("council_id")), year__lt=OuterRef(OuterRef("year"))
            )
        ),
    }
    # MAX() over the subquery's rows (a Func, so no GROUP BY): read through the plan's indexes, whatever the total.
    annotations = {
        f"newest_{name}": Subquery(
            history.order_by().annotate(newest=Func(F("history_id"), function="MAX")).values("newest")
        )
        for name, history in newest.items()
    }
    query = DeliveryPlan.objects.filter(pk=0).annotate(**annotations).values_list(*annotations).query
    sql, params = query.get_compiler(using=alias).as_sql()
    if list(params) != [0]:
        raise AssertionError("the revision query should take the plan's key as its only parameter")
    return sql
