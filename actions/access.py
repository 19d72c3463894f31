"""Who may see an action and who may report on it. Views reach actions only through these functions."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from items.access import User, can_update_status, get_item_for_user, item_leads_of_plan, items_led_by
from plans.models import DeliveryPlan

from .models import Action

__all__ = ["actions_led_by", "can_update_status", "get_action_for_user", "leads_of_plan"]


def actions_led_by(user: User) -> QuerySet[Action]:
    """Actions on which the user holds the lead's object permission (never through a global permission)."""
    return items_led_by(Action, user)


def get_action_for_user(user: User, pk: int, *, write: bool = False) -> Action:
    """The action, if the user may see its plan (else 404); with write=True, if they may edit the plan (else 403)."""
    return get_item_for_user(Action, user, pk, write=write, related=("plan__council", "objective"))


def leads_of_plan(plan: DeliveryPlan) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each action of the plan, by action pk (one query)."""
    return item_leads_of_plan(Action, plan)
