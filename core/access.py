"""Who leads an action or a project: the object permission "update_status" a lead holds on it.

With the apps' access modules, the only place that calls django-guardian. Leads are often not council staff, so
their right is held on the object itself, never through a council role.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm


def _permission(item: models.Model) -> str:
    return f"{item._meta.app_label}.update_status"


def leads_of(item: models.Model) -> list[AbstractBaseUser]:
    """The people who report on the item (never superusers by virtue of being superusers)."""
    users = get_users_with_perms(item, only_with_perms_in=["update_status"], with_superusers=False)
    return sorted(users, key=lambda user: user.get_username())


def set_leads(item: models.Model, leads: Iterable[AbstractBaseUser]) -> None:
    """Make exactly these people the item's leads. Each grant and revocation is recorded in the history."""
    wanted = set(leads)
    current = set(leads_of(item))
    for user in current - wanted:
        remove_perm(_permission(item), user, item)
    for user in wanted - current:
        assign_perm(_permission(item), user, item)
