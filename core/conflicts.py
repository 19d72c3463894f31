"""The page a person sees when someone else saved the same item after they opened their form."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .rag import RAG
from .templatetags.people_and_times import person, uk_datetime


def rebind_at_version(form: forms.Form, version: int) -> forms.Form:
    """The same form with the person's own input, now at the current version, ready to save deliberately."""
    data = form.data.copy()
    data["version"] = str(version)
    return type(form)(data, **getattr(form, "rebind_kwargs", {}))


def conflict_response(
    request: HttpRequest,
    *,
    form: forms.Form,
    current: Any,
    rows: list[tuple[str, str]],
    title: str,
    cancel_url: str,
    lost_file: bool = False,
) -> HttpResponse:
    """409: show the newer version, and the person's own input in the form so nothing they typed is lost."""
    context = {
        "form": rebind_at_version(form, current.version),
        "current_rows": rows,
        "title": title,
        "cancel_url": cancel_url,
        "lost_file": lost_file,
    }
    return render(request, "core/conflict.html", context, status=409)


def status_rows(current: Any) -> list[tuple[str, str]]:
    """What an action or project says now, for the conflict page of a status update: its RAG and latest update."""
    rows = [("RAG status", RAG(current.rag).label)]
    latest = current.status_updates.select_related("created_by").first()
    if latest:
        rows += [
            ("Latest commentary", latest.commentary),
            ("Updated by", f"{person(latest.created_by)}, {uk_datetime(latest.created_at)}"),
        ]
    return rows
