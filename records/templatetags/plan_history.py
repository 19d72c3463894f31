"""The "History" section of an action or project page, and the auditor's link to the audit record."""

from typing import Any

from django import template
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from actions.models import Action
from core.people import full_names
from plans.access import auditor_councils
from plans.models import DeliveryPlan
from records.changes import Scope, newest_page

register = template.Library()
SHOWN = 20


@register.inclusion_tag("plans/includes/item_history.html")
def item_history(plan: DeliveryPlan, item: models.Model) -> dict[str, Any]:
    """The item's latest changes, newest first, with a link to all of them in the plan's history."""
    rows, total, _ = newest_page(Scope.of_plan(plan), 1, SHOWN, item=item)
    kind = "action" if isinstance(item, Action) else "project"
    return {
        "rows": rows,
        "names": full_names(row.user for row in rows),
        "total": total,
        "plan": plan,
        "item_key": f"{kind}-{item.pk}",
        "kind": kind,
    }


@register.simple_tag
def holds_auditor_role(user: AbstractBaseUser | AnonymousUser) -> bool:
    return auditor_councils(user).exists()
