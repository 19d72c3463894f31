from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plans.access import can_edit_plan, councils_to_create_plans_in, get_plan_for_user, plans_visible_to

from .home import home_tasks
from .plan_page import plan_page_body


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
    can_edit = can_edit_plan(request.user, plan)
    body = plan_page_body(plan, can_edit=can_edit)
    return render(request, "plans/plan_detail.html", {"plan": plan, "can_edit": can_edit, "body": body})
