from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import can_update_status, get_project_for_user


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk)
    context = {
        "project": project,
        "plan": project.plan,
        "objectives": project.objectives.order_by("number"),
        "output_targets": project.output_targets.all(),
        "status_updates": project.status_updates.select_related("created_by"),
        "can_update_status": can_update_status(request.user, project),
    }
    return render(request, "projects/project_detail.html", context)
