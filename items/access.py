"""Who may see a plan item and who may report on it, for any kind of item. Each app's access module names its own
model; views reach items only through those.

A person sees an item if they may see its plan. They report on it if they may edit the plan (coordinators), or if
they hold the lead's object permission on the item itself (leads, often not council staff).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from core.access import leads_by_item
from core.security import hidden
from plans.access import can_edit_plan, can_see_plan
from plans.models import DeliveryPlan

from .models import PlanItem

User = AbstractBaseUser | AnonymousUser


def items_led_by[I: PlanItem](model: type[I], user: User) -> QuerySet[I]:
    """Items on which the user holds the lead's object permission (never through a global permission)."""
    # An invited lead's account is inactive until they accept: their grant waits until then.
    if not (user.is_authenticated and user.is_active):
        return model.objects.none()
    permission = f"{model._meta.app_label}.update_status"
    return get_objects_for_user(user, permission, klass=model, accept_global_perms=False, with_superuser=False)


def can_update_status(user: User, item: PlanItem) -> bool:
    """Coordinators report on any item of their council's plans; leads on their own items only."""
    if can_edit_plan(user, item.plan):
        return True
    # Asked once per kind of item for each request's user: a list page asks it of every row.
    led_ids = user.__dict__.setdefault("_led_item_ids", {})
    model = type(item)
    if model not in led_ids:
        led_ids[model] = set(items_led_by(model, user).values_list("pk", flat=True))
    return item.pk in led_ids[model]


def get_item_for_user[I: PlanItem](
    model: type[I], user: User, pk: int, *, write: bool = False, related: tuple[str, ...] = ("plan__council",)
) -> I:
    """The item, if the user may see its plan (else 404); with write=True, if they may edit the plan (else 403)."""
    missing = f"No such {model.noun}"
    item = model.objects.select_related(*related).filter(pk=pk).first() if user.is_authenticated else None
    if item is None:
        raise Http404(missing)
    if not can_see_plan(user, item.plan):
        raise hidden(item, missing)
    if write and not can_edit_plan(user, item.plan):
        raise PermissionDenied
    return item


def item_leads_of_plan(model: type[PlanItem], plan: DeliveryPlan) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each item of the plan, by item pk (one query)."""
    return leads_by_item(model.objects.filter(plan=plan))
