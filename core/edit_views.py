"""The add, change and delete pages of a plan's records (the plan, its objectives, items and Board meetings, reviews
and their recommendations): one flow each, so the stale-version handling and the messages cannot drift apart.

Each row names itself (its `words`, core.words): the pages' titles and messages are worded from it.

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
from .forms import ConfirmForm, EditForm
from .versioning import StaleEdit


def add_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    add: Callable[..., Any],
    next_url: Callable[[Any], str],
    title: str,
    cancel_url: str,
    added: Callable[[Any], str] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Add a row through its service. `add(data, by=...)` saves the form's data and returns the new row; `added(row)`
    is the message once saved (by default the row's name and "added"), after which the person goes to
    `next_url(row)`. A refusal by the service comes back as an error on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            row = add(form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, added(row) if added else f"{row.words.message} added")
            return redirect(next_url(row))
    page = {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})}
    return render(request, "core/form_page.html", page)


def change_page(
    request: HttpRequest,
    *,
    form_class: type[EditForm],
    instance: Any,
    change: Callable[..., Any],
    next_url: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Change one row through its service: `change(by=..., expected_version=..., **form.changes())` saves the
    form's data and returns the row as saved; the conflict page shows the newer version through the form's own
    fields (EditForm.conflict_rows). Once saved, the person goes to `next_url` (also where Cancel leads)."""
    kwargs = {"instance": instance}
    form = form_class(request.POST or None, **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = change(by=request.user, expected_version=data["version"] or 0, **form.changes())
        except StaleEdit as stale:
            current = kwargs["instance"] = stale.current
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=form.conflict_rows(current),
                title=f"{current.words.called} was changed after you opened this form",
                cancel_url=next_url,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{row.words.message} saved")
            return redirect(next_url)
    page = {"form": form, "title": f"Change {instance.words.label}", "cancel_url": next_url, **(context or {})}
    return render(request, "core/form_page.html", page)


def delete_page(
    request: HttpRequest,
    *,
    item: Any,
    delete: Callable[..., object],
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
            messages.success(request, f"{item.words.message} deleted")
            return redirect(next_url)
    page = {"form": form, "stale": stale, **context(item)}
    return render(request, template, page, status=409 if stale or refused else 200)
