from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.conflicts import conflict_response
from core.forms import ConfirmForm
from core.versioning import StaleEdit
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objective = services.objective_create(
                plan=plan, number=data["number"], title=data["title"], description=data["description"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Objective {objective.number} added")
            return redirect(_objectives_url(plan))
    context = {"form": form, "plan": plan, "title": "Add an objective", "cancel_url": _objectives_url(plan)}
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    plan = objective.plan
    title = f"Change objective {objective.number}"
    kwargs = {"instance": objective}
    form = ObjectiveForm(request.POST or None, **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objective_change(
                objective=objective,
                number=data["number"],
                title=data["title"],
                description=data["description"],
                by=request.user,
                expected_version=data["version"] or 0,
            )
        except StaleEdit as stale:
            current = kwargs["instance"] = stale.current
            rows = [("Number", str(current.number)), ("Objective", current.title), ("Description", current.description)]
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title=f"Objective {current.number} was changed after you opened this form",
                cancel_url=_objectives_url(plan),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Objective {data['number']} saved")
            return redirect(_objectives_url(plan))
    context = {"form": form, "plan": plan, "title": title, "cancel_url": _objectives_url(plan)}
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_objective_for_user(request.user, pk, write=True)
    form = ConfirmForm(request.POST or None, initial={"version": objective.version})
    stale = refused = False
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_delete(
                objective=objective, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as error:
            # Changed while the page was open: show what it says now and ask again.
            objective, stale = error.current, True
            form = ConfirmForm(initial={"version": objective.version})
        except ValidationError:
            refused = True  # the page below explains why; nothing was deleted
        else:
            messages.success(request, f"Objective {objective.number} deleted")
            return redirect(_objectives_url(objective.plan))
    blockers = services.deletion_blockers(objective)
    context = {
        "form": form,
        "objective": objective,
        "plan": objective.plan,
        "blockers": blockers,
        "stale": stale,
    }
    return render(request, "objectives/confirm_delete.html", context, status=409 if stale or refused else 200)
