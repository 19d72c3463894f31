"""Who may see a commissioned project and who may report on it. Views reach projects only through these functions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from items.access import User, can_update_status, get_item_for_user, item_leads_of_plan, items_led_by
from plans.models import DeliveryPlan

from .models import CommissionedProject

__all__ = ["can_update_status", "get_project_for_user", "leads_of_plan", "projects_led_by"]


def projects_led_by(user: User) -> QuerySet[CommissionedProject]:
    """Projects on which the user holds the lead's object permission (never through a global permission)."""
    return items_led_by(CommissionedProject, user)


def get_project_for_user(user: User, pk: int, *, write: bool = False) -> CommissionedProject:
    """The project, if the user may see its plan (else 404); with write=True, if they may edit it (else 403)."""
    return get_item_for_user(CommissionedProject, user, pk, write=write)


def leads_of_plan(plan: DeliveryPlan) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each project of the plan, by project pk (one query)."""
    return item_leads_of_plan(CommissionedProject, plan)
