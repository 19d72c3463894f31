"""The Programme Board's dashboard, live or as it stood at a past Board meeting or date."""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.cache import quietly
from core.keys import key_or_none
from core.rag import RAG
from plans.access import can_edit_plan, can_export_board_pack, get_plan_for_user
from plans.models import BoardMeeting, DeliveryPlan
from snapshots.revision import end_of_day, plan_revision

from .dashboard import Tally, build_dashboard
from .forms_board import DashboardFilterForm, MomentForm, objective_label, short_label

logger = logging.getLogger(__name__)
FILTER_KEYS = ("objective", "lead_agency", "rag")
# A rendered dashboard body is kept at most this long, even for a past moment that cannot change.
BODY_CACHE_SECONDS = 24 * 60 * 60
DATE_PARTS = ("date_0", "date_1", "date_2")
# Fill colours of the bars; the label and the number beside each bar carry the meaning, never the colour alone.
BAR_COLOURS = {
    RAG.NOT_STARTED: "#505a5f",
    RAG.GREEN: "#00703c",
    RAG.AMBER: "#b35900",
    RAG.RED: "#d4351c",
    RAG.COMPLETE: "#1d70b8",
    RAG.NO_STATUS: "#4c2c92",
}


@dataclass
class Moment:
    """The moment a page shows: live, or the end of a Board meeting's day or of a chosen date."""

    at: datetime.datetime | None = None  # None: live
    meeting: BoardMeeting | None = None
    date: datetime.date | None = None

    @property
    def query(self) -> dict[str, str]:
        if self.meeting is not None:
            return {"meeting": str(self.meeting.pk)}
        if self.date is not None:
            return {"date": self.date.isoformat()}
        return {}

    @property
    def chosen(self) -> bool:
        return self.meeting is not None or self.date is not None


def meeting_moment(meeting: BoardMeeting) -> Moment:
    """The end of the meeting's day; a meeting still to come shows the plan as it stands now."""
    at = end_of_day(meeting.date)
    return Moment(at=at if at < timezone.now() else None, meeting=meeting)


def _moment_data(query: QueryDict) -> QueryDict:
    """The moment form's data; ?date=YYYY-MM-DD (a shareable link) is spread over the date input's parts."""
    data = query.copy()
    if not any(part in query for part in DATE_PARTS) and query.get("date"):
        parts = query["date"].split("-")
        year, month, day = parts if len(parts) == 3 else (query["date"], "", "")
        data.update({"date_0": day, "date_1": month, "date_2": year})
    return data


def _moment(query: QueryDict, meetings: list[BoardMeeting]) -> tuple[MomentForm, Moment, bool]:
    """The form, the moment it names (live when none or invalid) and whether it came from the form's own fields."""
    from_form = any(part in query for part in DATE_PARTS)
    if not (from_form or "meeting" in query or "date" in query):
        return MomentForm(meetings=meetings), Moment(), False
    form = MomentForm(_moment_data(query), meetings=meetings)
    if not form.is_valid():
        return form, Moment(), False
    if form.chosen_meeting is not None:
        return form, meeting_moment(form.chosen_meeting), from_form
    date = form.cleaned_data["date"]
    at = end_of_day(date)
    return form, Moment(at=at if at < timezone.now() else None, date=date), from_form


def _filters(query: QueryDict) -> dict[str, Any]:
    """The filters as given; values not on offer are reported by the filter form and match nothing here."""
    objective = query.get("objective", "")
    return {
        "objective": key_or_none(objective),
        "lead_agency": query.get("lead_agency", ""),
        "rag": [value for value in query.getlist("rag") if value in RAG.values],
    }


@dataclass
class FilterTag:
    """An active filter as a removable tag: what it keeps, and the address without it."""

    heading: str
    label: str
    remove_url: str


def filter_tags(path: str, moment: Moment, filters: dict[str, Any], dashboard: Any) -> list[FilterTag]:
    """One tag per active filter value; following a tag's link drops that value and keeps the rest."""
    chosen = [("objective", filters["objective"])] if filters["objective"] is not None else []
    chosen += [("lead_agency", filters["lead_agency"])] if filters["lead_agency"] else []
    chosen += [("rag", value) for value in filters["rag"]]
    objectives = {objective.pk: objective for objective in dashboard.objectives}
    tags = []
    for key, value in chosen:
        rest = [(k, v) for k, v in chosen if (k, v) != (key, value)]
        query = urlencode([*moment.query.items(), *rest])
        if key == "objective":
            objective = objectives.get(value)
            heading, label = "Objective", objective_label(objective) if objective else str(value)
        elif key == "lead_agency":
            heading, label = "Lead agency", short_label(value)
        else:
            heading, label = "RAG status", RAG(value).label
        tags.append(FilterTag(heading, label, f"{path}?{query}" if query else path))
    return tags


def rag_chart(actions: Tally, projects: Tally, *, width: int = 640) -> dict[str, Any]:
    """Horizontal bars for the SVG chart: one group for actions, one for projects, one bar per RAG status."""
    # Room for the longest status ("No status recorded"): 8 px a letter is more than Arial's 14 px letters take.
    label_width = 8 + 8 * max(len(rag.label) for rag in RAG)
    bar_height, gap, count_room = 18, 8, 40
    scale = (width - label_width - count_room) / max(1, *actions.counts.values(), *projects.counts.values())
    groups, y = [], 0
    for name, tally in (("Actions", actions), ("Projects", projects)):
        heading_y = y + 16
        y += 26
        bars = []
        for rag, count in tally.rows:
            bars.append(
                {
                    "label": rag.label,
                    "count": count,
                    "colour": BAR_COLOURS[rag],
                    "y": y,
                    "text_y": y + 14,
                    "width": round(count * scale, 1),
                    "count_x": label_width + round(count * scale, 1) + 6,
                }
            )
            y += bar_height + gap
        groups.append({"name": name, "heading_y": heading_y, "bars": bars, "total": tally.total})
        y += 10
    description = ". ".join(
        f"{group['name']}: " + ", ".join(f"{bar['count']} {bar['label']}" for bar in group["bars"]) for group in groups
    )
    return {"groups": groups, "width": width, "height": y, "label_width": label_width, "description": description}


def _body_key(plan: DeliveryPlan, request: HttpRequest, moment: Moment, can_edit: bool, can_export_pack: bool) -> str:
    """What the dashboard body depends on: the plan's revision, the moment, the filters and the viewer's rights.

    The revision changes with every change recorded for the plan, so a cached body is never older than the data.
    """
    query = urlencode(sorted((key, value) for key, values in request.GET.lists() for value in values))
    parts = [plan.pk, plan_revision(plan), moment.at.isoformat() if moment.at else "live", query]
    parts += [can_edit, can_export_pack, settings.STALE_AFTER_DAYS, request.path]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"dashboard:{digest}"


def _render_body(request: HttpRequest, plan: DeliveryPlan, moment: Moment, context: dict[str, Any]) -> tuple:
    """Build and render the dashboard below its heading; returns the HTML, until when it holds, and the forms."""
    filters = _filters(request.GET)
    dashboard = build_dashboard(plan, at=moment.at, meetings=context["meetings"], **filters)
    filter_bound = any(key in request.GET for key in FILTER_KEYS)
    filter_form = DashboardFilterForm(
        request.GET if filter_bound else None,
        objectives=dashboard.objectives,
        lead_agencies=dashboard.lead_agencies,
    )
    if filter_bound:
        filter_form.is_valid()
    context = {
        **context,
        "dashboard": dashboard,
        "filter_form": filter_form,
        "filter_tags": filter_tags(request.path, moment, filters, dashboard),
        "chart": rag_chart(dashboard.actions, dashboard.projects),
    }
    body = render_to_string("plans/includes/dashboard_body.html", context, request=request)
    return body, dashboard.fresh_until, filter_form


@require_GET
def plan_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    meetings = list(BoardMeeting.objects.filter(plan=plan).order_by("-date"))
    moment_form, moment, from_form = _moment(request.GET, meetings)
    filters = _filters(request.GET)
    filter_query = {key: value for key, value in filters.items() if value not in (None, "", [])}
    if from_form:
        # A moment chosen in the form: go to the short address that can be shared or bookmarked.
        return redirect(f"{request.path}?{urlencode(moment.query | filter_query, doseq=True)}")
    can_edit, can_export_pack = can_edit_plan(request.user, plan), can_export_board_pack(request.user, plan)
    today = timezone.localdate()
    context = {
        # "Latest" is the newest meeting already held; one today or later is the next meeting, never the latest.
        "latest_meeting": next((meeting for meeting in meetings if meeting.date < today), None),
        "next_meeting": next((meeting for meeting in reversed(meetings) if meeting.date >= today), None),
        "plan": plan,
        "meetings": meetings,
        "moment": moment,
        "moment_form": moment_form,
        "filter_query": filter_query,
        "clear_url": f"{request.path}?{urlencode(moment.query)}" if moment.chosen else request.path,
        "now_url": f"{request.path}?{urlencode(filter_query, doseq=True)}" if filter_query else request.path,
        "stale_after_days": settings.STALE_AFTER_DAYS,
        "can_edit": can_edit,
        "can_export_pack": can_export_pack,
        "shown_at": moment.at or timezone.now(),
    }
    key = _body_key(plan, request, moment, can_edit, can_export_pack)
    cached = quietly(cache.get, key)
    if cached is not None and (cached[1] is None or timezone.now() < cached[1]):
        body, filter_form = cached[0], None
    else:
        body, fresh_until, filter_form = _render_body(request, plan, moment, context)
        if not (moment_form.errors or filter_form.errors):
            timeout = None if fresh_until is None else max(1, int((fresh_until - timezone.now()).total_seconds()))
            quietly(cache.set, key, (body, fresh_until), timeout=min(timeout or BODY_CACHE_SECONDS, BODY_CACHE_SECONDS))
    context.update(body=body, filter_form=filter_form)
    return render(request, "plans/dashboard.html", context)
