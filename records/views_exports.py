"""Downloads for coordinators and auditors: the plan as at a moment, and the history of changes. Each is recorded."""

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from core.jobs import job_start
from core.models import Job
from plans.access import get_council_for_export, get_plan_for_export
from snapshots.plan_columns import EXPORT_COLUMNS
from snapshots.snapshot import plan_snapshot

from . import tasks
from .changes import COLUMNS as HISTORY_COLUMNS
from .changes import Scope, export_copy_sql, export_rows, plan_change_people
from .exports import (
    council_filename,
    csv_copy_response,
    export_response,
    filename,
    one_snapshot,
    plan_rows,
    record_export,
)
from .forms_history import AsAtForm, HistoryFilterForm, as_at_data, history_items
from .views_history import first_recorded

FORMATS = {"csv", "xlsx"}


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404("No such format")
    return fmt


@require_GET
def export_as_at(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan as at ?date=YYYY-MM-DD&time=HH:MM (UK time), or as it is now when no moment is given."""
    extension = _format(fmt)
    plan = get_plan_for_export(request.user, pk)
    data = as_at_data(request.GET)
    if data is None:
        moment = timezone.now()
    else:
        form = AsAtForm(data, first_recorded=first_recorded(plan))
        if not form.is_valid():
            # The as-at page explains what is wrong with the moment asked for.
            return redirect(f"{reverse('plans:as_at', args=[plan.pk])}?{urlencode(request.GET.dict())}")
        moment = form.moment
    snapshot = plan_snapshot(plan, moment)
    local = timezone.localtime(moment)
    record_export(
        user=request.user,
        council=plan.council,
        description=f"Plan as at {local:%H:%M on %-d %B %Y} {extension.upper()} of {plan.council.name} {plan.year}",
    )
    name = filename(plan, "as-at", moment, extension)
    return export_response(extension, name, f"Plan {plan.year}", EXPORT_COLUMNS, plan_rows(snapshot))


@require_GET
def export_history(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every change to the plan, oldest first, narrowed by the history page's filters when they are given."""
    extension = _format(fmt)
    plan = get_plan_for_export(request.user, pk)
    form = HistoryFilterForm(request.GET or None, people=plan_change_people(plan), items=history_items(plan))
    filters, narrowed = {}, ""
    if form.is_bound:
        if not form.is_valid():
            return redirect(f"{reverse('plans:history', args=[plan.pk])}?{urlencode(request.GET.dict())}")
        filters, narrowed = form.filters(plan), form.summary()
    now = timezone.now()
    description = f"Change history {extension.upper()} of {plan.council.name} {plan.year}"
    description = f"{description} ({narrowed})" if narrowed else description
    record_export(user=request.user, council=plan.council, description=description)
    name = filename(plan, "history", now, extension)
    return _history_response(extension, name, Scope.of_plan(plan), filters)


@require_POST
def export_council_history(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Every change to every plan the council has had and to its reviews, oldest first: the auditor's whole record.

    Too long to stream while a server worker waits (a council's years of history), so a background worker writes
    it into a private file and the person follows its progress; each download of the file is recorded."""
    extension = _format(fmt)
    council = get_council_for_export(request.user, slug)
    job = Job(
        kind=Job.Kind.EXPORT,
        description=f"Change history {extension.upper()} of {council.name}, all plans",
        started_by=request.user,
        council=council,
        unit="rows written",
    )
    name = council_filename(council, "history", timezone.now(), extension)
    job_start(task=tasks.export_council_history, job=job, args=(extension, name))
    return redirect("jobs:job", job.pk)


def _history_response(extension: str, name: str, scope: Scope, filters: dict) -> HttpResponse:
    """On PostgreSQL the CSV is written by the database itself; otherwise rows pass through Python, already inert
    for a CSV, as stored for an XLSX (whose string cells no spreadsheet runs)."""
    if extension == "csv" and connection.vendor == "postgresql":
        return csv_copy_response(name, HISTORY_COLUMNS, *export_copy_sql(scope, **filters))
    inert = extension == "csv"
    rows = one_snapshot(export_rows(scope, inert=inert, **filters))
    return export_response(extension, name, "History", HISTORY_COLUMNS, rows, inert=inert)
