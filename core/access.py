"""Who leads an action or a project: the object permission "update_status" a lead holds on it.

With the apps' access modules, the only place that calls django-guardian. Leads are often not council staff, so
their right is held on the object itself, never through a council role.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField
from django.db.models.functions import Cast
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from guardian.utils import get_user_obj_perms_model


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


def _grants_on(items: models.QuerySet) -> models.QuerySet:
    """The lead's object permissions held on any of the items (a subquery: the items are not read)."""
    keys = items.annotate(key=Cast("pk", CharField())).values("key")
    return get_user_obj_perms_model().objects.filter(
        content_type=ContentType.objects.get_for_model(items.model),
        permission__codename="update_status",
        object_pk__in=keys,
    )


def lead_user_ids(items: models.QuerySet) -> models.QuerySet:
    """The ids of the people leading any of the items, as a subquery."""
    return _grants_on(items).values("user_id")


def lead_ids_by_item(items: models.QuerySet) -> dict[int, list[int]]:
    """The ids of everyone holding the lead's object permission on each of the items, active or not (people invited
    and not yet signed up included), by item pk (one query)."""
    ids: dict[int, list[int]] = {}
    for object_pk, user_id in _grants_on(items).values_list("object_pk", "user_id"):
        ids.setdefault(int(object_pk), []).append(user_id)
    return ids


def leads_by_item(items: models.QuerySet) -> dict[int, list[AbstractBaseUser]]:
    """The active users holding the lead's object permission on each of the items, by item pk (one query)."""
    grants = _grants_on(items).filter(user__is_active=True).select_related("user").order_by("user__username")
    leads: dict[int, list[AbstractBaseUser]] = {}
    for grant in grants:
        leads.setdefault(int(grant.object_pk), []).append(grant.user)
    return leads
