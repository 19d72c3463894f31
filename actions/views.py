from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import can_update_status, get_action_for_user


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    context = {
        "action": action,
        "plan": action.plan,
        "recommendations": action.answers.select_related("review").order_by("review__date", "number"),
        "status_updates": action.status_updates.select_related("created_by"),
        "carried_from": action.carried_from,
        "can_update_status": can_update_status(request.user, action),
    }
    return render(request, "actions/action_detail.html", context)
