"""Administrators reset a person's second factor from the list of users (a lost phone); the person then sets up
their app again at their next sign-in."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import PersonAdmin

from . import services

User = get_user_model()


@admin.action(description="Reset two-factor authentication (lost phone)")
def reset_two_factor(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    for user in queryset:
        services.mfa_reset(user=user, by=request.user.get_username())
    count = len(queryset)
    modeladmin.message_user(
        request,
        f"Two-factor authentication reset for {count} {'person' if count == 1 else 'people'}. "
        "They will set up their authenticator app again when they next sign in.",
        messages.SUCCESS,
    )


# The people admin of core (deactivate, never delete someone the record names), with the reset beside it. Importing
# it above registers it first, whichever of the two apps the admin loads first.
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(PersonAdmin):
    actions = [*PersonAdmin.actions, reset_two_factor]
