"""The plan page, the page coordinators live on, read from the read model (snapshots) and kept rendered.

What the page shows (all of its main content: the plan's navigation, heading, objectives, actions, projects and
reviews) is the same for everyone who may see the plan, except the links to change it that coordinators get: it is
rendered once per revision of the plan (snapshots.revision) and per "may edit", and kept in the cache shared by the
app servers. A change recorded for the plan gives a new revision, so a kept page is never older than the data.
"""

import hashlib
from itertools import groupby
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string

from actions.answers import answered_in_earlier_plans
from core.cache import quietly
from plans.models import DeliveryPlan
from snapshots.revision import plan_revision
from snapshots.shapes import ProjectState, RecommendationState, ReviewState
from snapshots.snapshot import PlanSnapshot, plan_snapshot, plan_texts

# A rendered body is kept at most this long; a new revision makes a new key long before.
BODY_CACHE_SECONDS = 24 * 60 * 60
TEMPLATE = "plans/includes/plan_detail_body.html"


def _reviews(snapshot: PlanSnapshot, reviews: list[ReviewState]) -> list[dict[str, Any]]:
    """Each review, newest first, with its recommendations and the live actions of the plan answering each; a
    recommendation this plan leaves unanswered may have been answered, and completed, in an earlier plan."""
    rows = [
        {
            "review": review,
            "recommendations": [
                {"recommendation": rec, "actions": snapshot.actions_answering(rec.pk), "earlier": []}
                for rec in snapshot.recommendations
                if rec.review_id == review.pk
            ],
        }
        for review in sorted(reviews, key=_newest_first, reverse=True)
    ]
    gaps: list[dict[str, Any]] = [row for review in rows for row in review["recommendations"] if not row["actions"]]
    if gaps:
        recommendations: list[RecommendationState] = [row["recommendation"] for row in gaps]
        earlier = answered_in_earlier_plans(snapshot.plan, [rec.pk for rec in recommendations])
        for row in gaps:
            row["earlier"] = earlier.get(row["recommendation"].pk, [])
    return rows


def _newest_first(review: ReviewState) -> tuple:
    """Reviews by date, newest first; one without a date after them."""
    return (review.date is not None, review.date, review.pk)


def _projects(snapshot: PlanSnapshot) -> list[tuple[ProjectState, list[int]]]:
    """Each live project with the numbers of the objectives it serves."""
    numbers = {objective.pk: objective.number for objective in snapshot.objectives}
    return [
        (project, sorted(numbers[pk] for pk in project.objective_ids if pk in numbers)) for project in snapshot.projects
    ]


def render_body(plan: DeliveryPlan, *, can_edit: bool) -> str:
    """The page's main content, built from the plan as it stands (a fixed number of queries)."""
    snapshot = plan_snapshot(plan)
    _descriptions, reviews = plan_texts(plan, None)
    unassigned = snapshot.unassigned_actions
    context = {
        "plan": plan,
        "can_edit": can_edit,
        "objectives": snapshot.objectives,
        "sections": [(section, list(rows)) for section, rows in groupby(unassigned, key=lambda a: a.section)],
        "projects": _projects(snapshot),
        "reviews": _reviews(snapshot, reviews),
    }
    return render_to_string(TEMPLATE, context)


def plan_page_body(plan: DeliveryPlan, *, can_edit: bool) -> str:
    """The rendered body as kept for the plan's current revision, or rendered now and kept."""
    parts = [plan.pk, plan_revision(plan), can_edit, plan.council.slug, plan.council.name]
    key = f"plan-page:{hashlib.sha256(repr(parts).encode()).hexdigest()}"
    body = quietly(cache.get, key)
    if body is None:
        body = render_body(plan, can_edit=can_edit)
        quietly(cache.set, key, body, timeout=BODY_CACHE_SECONDS)
    return body
