"""The withdraw and delete confirmation pages that actions and projects share.

Each app's view gets the item through its own access function and names its own services; these helpers run the
confirm-then-act flow the two have in common, so the messages and the stale-version handling cannot drift apart.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import ConfirmForm
from .versioning import StaleEdit

Change = Callable[..., Any]


def withdraw_or_reinstate(
    request: HttpRequest,
    item: Any,
    *,
    withdraw: Change,
    reinstate: Change,
    label: str,
    described: dict[str, str],
) -> HttpResponse:
    """Confirm, then withdraw the item (or reinstate it if it is withdrawn). `label` names it in messages."""
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            if item.is_withdrawn:
                reinstate(by=request.user, expected_version=version)
                messages.success(request, f"{label} reinstated")
            else:
                withdraw(by=request.user, expected_version=version)
                messages.success(request, f"{label} withdrawn")
        except StaleEdit:
            messages.warning(request, f"{label} changed while you were deciding: check it again")
        return redirect(item)
    verb = "Reinstate" if item.is_withdrawn else "Withdraw"
    context = {"form": form, "item": item, "plan": item.plan, "verb": verb, **described}
    return render(request, "core/confirm_withdraw.html", context)


def confirm_delete(
    request: HttpRequest,
    item: Any,
    *,
    delete: Change,
    label: str,
    described: dict[str, str],
    deleted_url: str,
    withdraw_url: str,
) -> HttpResponse:
    """Confirm, then delete an item nobody has reported on; one with status updates is offered withdrawal instead."""
    has_updates = item.status_updates.exists()
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid() and not has_updates:
        try:
            delete(by=request.user, expected_version=form.cleaned_data["version"])
        except (StaleEdit, ValidationError):
            messages.warning(request, f"{label} changed while you were deciding: check it again")
            return redirect(item)
        messages.success(request, f"{label} deleted")
        return redirect(deleted_url)
    context = {"form": form, "item": item, "plan": item.plan, "has_updates": has_updates, **described}
    context["withdraw_url"] = withdraw_url
    return render(request, "core/confirm_delete.html", context)
