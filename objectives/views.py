from functools import partial

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from core.edit_views import add_page, change_page, delete_page
from plans.access import get_plan_for_user
from plans.models import DeliveryPlan

from . import services
from .access import get_objective_for_user
from .forms import ObjectiveForm
from .models import Objective


def _objectives_url(plan: DeliveryPlan) -> str:
    return f"{plan.get_absolute_url()}#objectives"


@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    form = ObjectiveForm(
        request.POST or None, instance=Objective(plan=plan), initial={"number": services.next_number(plan)}
    )
    return add_page(
        request,
        form=form,
        add=lambda data, **by: services.objective_create(plan=plan, **form.changes(), **by),
        next_url=lambda objective: _objectives_url(plan),
        title="Add an objective",
        cancel_url=_objectives_url(plan),
        context={"plan": plan},
    )


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    return change_page(
        request,
        form_class=ObjectiveForm,
        instance=objective,
        change=partial(services.objective_change, objective=objective),
        next_url=_objectives_url(objective.plan),
        context={"plan": objective.plan},
    )


@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    return delete_page(
        request,
        item=objective,
        delete=lambda current, **edit: services.objective_delete(objective=current, **edit),
        next_url=_objectives_url(objective.plan),
        template="objectives/confirm_delete.html",
        context=lambda current: {
            "objective": current,
            "plan": current.plan,
            "blockers": services.deletion_blockers(current),
        },
    )
