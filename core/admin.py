"""People in the Django admin: a person the record names is deactivated, never deleted.

Status updates, history entries and audit events keep who made them, and the record is append-only: deleting
such a person would either fail inside the database (the history tables refuse the update that would blank
their name) or take their part of the record with them.
"""

from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

User = get_user_model()

# A person's own access, which goes with them: removing it is itself recorded in the history of memberships and
# object permissions, which does count.
OWN_ACCESS = {"auth.User_groups", "auth.User_user_permissions", "guardian.UserObjectPermission", "plans.Membership"}


def _kind(model: type[models.Model]) -> str:
    if model.__name__.startswith("Historical"):  # django-simple-history's tables of every model it records
        return "history records"
    return str(model._meta.verbose_name_plural)


def user_references(user: AbstractBaseUser) -> dict[str, int]:
    """Where the record names this person, as a count of rows by kind ("history records": 12); empty when
    nothing does and the account can be deleted without losing who did what."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in OWN_ACCESS:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                count = model._base_manager.filter(**{field.attname: user.pk}).count()
                if count:
                    counts[_kind(model)] = counts.get(_kind(model), 0) + count
    return counts


def refusal(user: AbstractBaseUser, references: dict[str, int]) -> str:
    listed = [f"{count:,} {kind}" for kind, count in sorted(references.items())]
    named = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return (
        f"{user.get_username()} cannot be deleted: the record names them in {named}, and it keeps who did what. "
        "Deactivate the account instead: they can no longer sign in, and the record still shows their name."
    )


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    actions = ["deactivate"]

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # Deleting in bulk would skip the check of each person below.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Deactivate the selected people (they can no longer sign in)", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user.save(update_fields=["is_active"])
            self.log_change(request, user, [{"changed": {"fields": ["is_active"]}}])
            count += 1
        self.message_user(request, f"Deactivated {count:,} {'person' if count == 1 else 'people'}", messages.SUCCESS)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        user = self.get_object(request, unquote(object_id))
        references = user_references(user) if user is not None and self.has_delete_permission(request, user) else {}
        if not references:
            return super().delete_view(request, object_id, extra_context)
        context = {
            **self.admin_site.each_context(request),
            "title": "This person cannot be deleted",
            "subtitle": None,
            "opts": self.opts,
            "object": user,
            "message": refusal(user, references),
            "is_active": user.is_active,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/auth/user/delete_refused.html", context)
