"""The plan's history of changes and the plan as it stood at an earlier moment, for everyone who sees the plan."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.pagination import page_number, pagination
from core.people import full_names
from plans.access import can_edit_plan, can_export, get_plan_for_user
from plans.models import DeliveryPlan
from snapshots.snapshot import PlanSnapshot, plan_snapshot

from .changes import Scope, newest_page, plan_change_people
from .forms_history import AsAtForm, HistoryFilterForm, as_at_data, history_items

PER_PAGE = 50


@require_GET
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    query = {key: value for key, value in request.GET.items() if key != "page"}
    form = HistoryFilterForm(query or None, people=plan_change_people(plan), items=history_items(plan))
    filters = form.filters(plan) if form.is_bound and form.is_valid() else {}
    number = page_number(request.GET.get("page"), PER_PAGE)
    rows, total, number = newest_page(Scope.of_plan(plan), number, PER_PAGE, **filters)
    pages = max(1, -(-total // PER_PAGE))
    context = {
        "plan": plan,
        "form": form,
        "rows": rows,
        "names": full_names(row.user for row in rows),
        "total": total,
        "filtered": any(value is not None for value in filters.values()),
        "first_shown": (number - 1) * PER_PAGE + 1,
        "last_shown": (number - 1) * PER_PAGE + len(rows),
        "pagination": pagination(number, pages, query),
        "page": number,
        "pages": pages,
        "can_export": can_export(request.user, plan),
        "can_edit": can_edit_plan(request.user, plan),
        "export_query": urlencode(query) if form.is_bound and not form.errors else "",
    }
    return render(request, "plans/history.html", context)


def first_recorded(plan: DeliveryPlan) -> datetime.datetime | None:
    return (
        DeliveryPlan.history.filter(id=plan.pk).order_by("history_date").values_list("history_date", flat=True).first()
    )


def _reviews(snapshot: PlanSnapshot) -> list[dict[str, Any]]:
    """The recommendations of each review, with the actions that answered each of them at the time."""
    reviews: dict[int, dict[str, Any]] = {}
    for recommendation in snapshot.recommendations:
        review = reviews.setdefault(
            recommendation.review_id, {"title": recommendation.review_title, "recommendations": []}
        )
        review["recommendations"].append((recommendation, snapshot.actions_answering(recommendation.pk)))
    return list(reviews.values())


@require_GET
def plan_as_at(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    data = as_at_data(request.GET)
    form = AsAtForm(data, first_recorded=first_recorded(plan))
    context: dict[str, Any] = {
        "plan": plan,
        "form": form,
        "snapshot": None,
        "can_edit": can_edit_plan(request.user, plan),
    }
    if data is not None and form.is_valid():
        canonical = {"date": form.cleaned_data["date"].isoformat(), "time": f"{form.cleaned_data['time']:%H:%M}"}
        if request.GET.dict() != canonical:
            # The date input's parts become the short address that can be bookmarked and shared.
            return redirect(f"{reverse('plans:as_at', args=[plan.pk])}?{urlencode(canonical)}")
        snapshot = plan_snapshot(plan, form.moment)
        numbers = {objective.pk: objective.number for objective in snapshot.objectives}
        sections: dict[str, list] = {}
        for action in snapshot.unassigned_actions:
            sections.setdefault(action.section or "Other actions", []).append(action)
        context.update(
            snapshot=snapshot,
            status_label=DeliveryPlan.Status(snapshot.status).label if snapshot.status else "",
            shown_at=timezone.localtime(form.moment).replace(second=0, microsecond=0),
            sections=list(sections.items()),
            projects=[
                (project, sorted(numbers.get(pk, 0) for pk in project.objective_ids)) for project in snapshot.projects
            ],
            reviews=_reviews(snapshot),
            can_export=can_export(request.user, plan),
            export_query=urlencode(canonical),
        )
    return render(request, "plans/as_at.html", context)
