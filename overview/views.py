from itertools import groupby

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from actions.answers import answered_in_earlier_plans
from actions.models import Action
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.access import can_edit_plan, councils_to_create_plans_in, get_plan_for_user, plans_visible_to
from projects.models import CommissionedProject

from .home import home_tasks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    plans = list(plans_visible_to(request.user).order_by("council__name", "-year"))
    councils = [(council, list(council_plans)) for council, council_plans in groupby(plans, key=lambda p: p.council)]
    creatable = list(councils_to_create_plans_in(request.user))
    context = {"councils": councils, "creatable": creatable, "tasks": home_tasks(request.user, plans)}
    return render(request, "plans/home.html", context)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    live_actions = Action.objects.filter(plan=plan, withdrawn_at__isnull=True)
    objectives = Objective.objects.filter(plan=plan).prefetch_related(
        Prefetch("actions", queryset=live_actions.order_by("position", "pk"), to_attr="live_actions")
    )
    unassigned = list(live_actions.filter(objective__isnull=True).order_by("position", "pk"))
    sections = [(section, list(rows)) for section, rows in groupby(unassigned, key=lambda a: a.section)]
    projects = (
        CommissionedProject.objects.filter(plan=plan, withdrawn_at__isnull=True)
        .prefetch_related("objectives", "output_targets")
        .order_by("position", "pk")
    )
    answering = Action.objects.filter(plan=plan, withdrawn_at__isnull=True).only("pk", "reference", "rag", "title")
    reviews = (
        Review.objects.filter(council=plan.council)
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    Prefetch("actions", queryset=answering.order_by("position"), to_attr="plan_actions")
                ),
            )
        )
        .order_by("-date")
    )
    # A recommendation this plan leaves unanswered may have been answered, and completed, in an earlier plan.
    gaps = [rec for review in reviews for rec in review.recommendations.all() if not rec.plan_actions]
    earlier = answered_in_earlier_plans(plan, [rec.pk for rec in gaps]) if gaps else {}
    for recommendation in gaps:
        recommendation.earlier = earlier.get(recommendation.pk, [])
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "objectives": objectives,
            "sections": sections,
            "projects": projects,
            "reviews": reviews,
            "can_edit": can_edit_plan(request.user, plan),
        },
    )
