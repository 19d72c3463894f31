"""The coordinator's rollover: next year's draft plan started from this one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans.access import get_plan_for_user
from plans.forms import RolloverForm

from . import services_rollover


@require_http_methods(["GET", "POST"])
def plan_rollover(request: HttpRequest, pk: int) -> HttpResponse:
    """Start next year's plan from this one, after showing what is carried and what stays behind."""
    plan = get_plan_for_user(request.user, pk, write=True)
    form = RolloverForm(request.POST or None, initial={"year": services_rollover.next_year(plan.year)})
    if request.method == "POST" and form.is_valid():
        try:
            new_plan = services_rollover.plan_rollover(
                plan=plan,
                year=form.cleaned_data["year"],
                by=request.user,
                carry_projects=form.cleaned_data["carry_projects"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{new_plan.title} created as a draft from {plan.title}")
            return redirect(new_plan)
    carried = services_rollover.carried_actions(plan)
    carried_pks = {action.pk for action in carried}
    left_behind = [action for action in plan.actions.order_by("position", "pk") if action.pk not in carried_pks]
    context = {
        "form": form,
        "plan": plan,
        "carried": carried,
        "left_behind": left_behind,
        "projects": services_rollover.carried_projects(plan),
    }
    return render(request, "plans/rollover.html", context)
