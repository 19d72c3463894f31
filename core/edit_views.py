"""The add, change and delete pages of a plan's records (the plan, its objectives, items and Board meetings, reviews
and their recommendations): one flow each, so the stale-version handling and the messages cannot drift apart.

A change is saved at the version the form was opened at. When someone else saved the row in the meantime, the
person sees what it says now beside their own input (409), and nothing is overwritten; a refusal by the service
comes back as an error on the form.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .conflicts import conflict_response
from .forms import ConfirmForm
from .versioning import StaleEdit

Rows = list[tuple[str, str]]


def add_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    add: Callable[..., Any],
    added: Callable[[Any], str],
    next_url: Callable[[Any], str],
    title: str,
    cancel_url: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Add a row through its service. `add(data, by=...)` saves the form's data and returns the new row; `added(row)`
    is the message once saved, after which the person goes to `next_url(row)`. A refusal by the service comes back
    as an error on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            row = add(form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, added(row))
            return redirect(next_url(row))
    page = {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})}
    return render(request, "core/form_page.html", page)


def change_page(
    request: HttpRequest,
    *,
    form_class: type[forms.ModelForm],
    instance: Any,
    change: Callable[..., object],
    shown: Callable[[Any], Rows],
    named: Callable[[Any], str],
    saved: Callable[[dict[str, Any]], str],
    next_url: str,
    title: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Change one row through its service. `change(data, by=..., expected_version=...)` saves the form's data;
    `shown(row)` is what the conflict page shows of the newer version, `named(row)` names it; `saved(data)` is the
    message once saved, after which the person goes to `next_url` (also where Cancel leads)."""
    kwargs = {"instance": instance}
    form = form_class(request.POST or None, **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change(data, by=request.user, expected_version=data["version"] or 0)
        except StaleEdit as stale:
            current = kwargs["instance"] = stale.current
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=shown(current),
                title=f"{named(current)} was changed after you opened this form",
                cancel_url=next_url,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, saved(data))
            return redirect(next_url)
    page = {"form": form, "title": title, "cancel_url": next_url, **(context or {})}
    return render(request, "core/form_page.html", page)


def delete_page(
    request: HttpRequest,
    *,
    item: Any,
    delete: Callable[..., object],
    deleted: Callable[[Any], str],
    next_url: str,
    template: str,
    context: Callable[[Any], dict[str, Any]],
) -> HttpResponse:
    """Confirm, then delete through the service: `delete(row, by=..., expected_version=...)`. A row changed while
    the page was open is shown as it is now and the question asked again; a refusal (something still depends on
    it) leaves the page, which says why, with nothing deleted. `context(row)` is what the template shows."""
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    stale = refused = False
    if request.method == "POST" and form.is_valid():
        try:
            delete(item, by=request.user, expected_version=form.cleaned_data["version"])
        except StaleEdit as error:
            item, stale = error.current, True
            form = ConfirmForm(initial={"version": item.version})
        except ValidationError:
            refused = True
        else:
            messages.success(request, deleted(item))
            return redirect(next_url)
    page = {"form": form, "stale": stale, **context(item)}
    return render(request, template, page, status=409 if stale or refused else 200)
