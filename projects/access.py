"""Who may see a commissioned project and who may report on it. Views reach projects only through these functions."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from core.access import leads_by_item
from core.security import hidden
from plans.access import can_edit_plan, can_see_plan
from plans.models import DeliveryPlan

from .models import CommissionedProject

User = AbstractBaseUser | AnonymousUser
UPDATE_STATUS = "projects.update_status"


def projects_led_by(user: User) -> QuerySet[CommissionedProject]:
    """Projects on which the user holds the lead's object permission (never through a global permission)."""
    # An invited lead's account is inactive until they accept: their grant waits until then.
    if not (user.is_authenticated and user.is_active):
        return CommissionedProject.objects.none()
    return get_objects_for_user(
        user, UPDATE_STATUS, klass=CommissionedProject, accept_global_perms=False, with_superuser=False
    )


def can_update_status(user: User, project: CommissionedProject) -> bool:
    """Coordinators report on any project of their council's plans; leads on their own projects only."""
    if can_edit_plan(user, project.plan):
        return True
    led = getattr(user, "_led_project_ids", None)
    if led is None:
        led = set(projects_led_by(user).values_list("pk", flat=True))
        user._led_project_ids = led
    return project.pk in led


def get_project_for_user(user: User, pk: int, *, write: bool = False) -> CommissionedProject:
    """The project, if the user may see its plan (else 404); with write=True, if they may edit it (else 403)."""
    found = CommissionedProject.objects.select_related("plan__council").filter(pk=pk)
    project = found.first() if user.is_authenticated else None
    if project is None:
        raise Http404("No such project")
    if not can_see_plan(user, project.plan):
        raise hidden(project, "No such project")
    if write and not can_edit_plan(user, project.plan):
        raise PermissionDenied
    return project


def get_project_for_status_update(user: User, pk: int) -> CommissionedProject:
    """The project, if the user may report on it: 404 if they may not see it, 403 if they may see but not report."""
    project = get_project_for_user(user, pk)
    if not can_update_status(user, project):
        raise PermissionDenied
    return project


def leads_of_plan(plan: DeliveryPlan) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each project of the plan, by project pk (one query)."""
    return leads_by_item(CommissionedProject.objects.filter(plan=plan))
