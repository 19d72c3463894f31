"""Administrators reset a person's second factor from the list of users (a lost phone); the person then sets up
their app again at their next sign-in."""

from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest

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


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    actions = [reset_two_factor]
