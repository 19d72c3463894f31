"""The forms of the history and as-at pages. Both are sent by GET, so a filtered page or a moment can be bookmarked."""

import datetime
import re
import zoneinfo
from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone

from actions.models import Action
from core.forms import BaseForm, DateField
from core.people import full_names
from core.times import uk_time
from objectives.models import Objective
from peer_review.models import Review
from plans.models import BoardMeeting, DeliveryPlan
from projects.models import CommissionedProject

TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)
DATE_HINT = "For example, 1 9 2018"
ITEM_MODELS: dict[str, type[models.Model]] = {
    "objective": Objective,
    "action": Action,
    "project": CommissionedProject,
    "meeting": BoardMeeting,
    "review": Review,
}


END_OF_DAY = datetime.time(23, 59)  # local_moment takes in the whole of that minute


def local_moment(date: datetime.date, time: datetime.time) -> datetime.datetime:
    """The UTC moment at the end of a minute of Europe/London's clock (a change recorded during 14:30 is in 14:30)."""
    local = datetime.datetime.combine(date, time, tzinfo=LOCAL)
    return (local + datetime.timedelta(minutes=1, microseconds=-1)).astimezone(datetime.UTC)


def day_start(date: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time.min, tzinfo=LOCAL).astimezone(datetime.UTC)


def day_end(date: datetime.date) -> datetime.datetime:
    return day_start(date + datetime.timedelta(days=1)) - datetime.timedelta(microseconds=1)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def history_items(plan: DeliveryPlan) -> list[tuple[str, Any]]:
    """The parts of the plan a history can be narrowed to, grouped for a select."""
    groups: list[tuple[str, Any]] = [("plan", "The plan's introduction, context and status")]
    objectives = [(f"objective-{o.pk}", f"Objective {o.number}: {_short(o.title)}") for o in plan.objectives.all()]
    actions = [(f"action-{a.pk}", f"{a.reference} {_short(a.title)}") for a in plan.actions.order_by("position", "pk")]
    projects = [(f"project-{p.pk}", _short(p.name)) for p in plan.projects.order_by("position", "pk")]
    meetings = [(f"meeting-{m.pk}", f"{m.date:%-d %B %Y}") for m in plan.board_meetings.order_by("date")]
    reviews = [(f"review-{r.pk}", r.title) for r in Review.objects.filter(council_id=plan.council_id)]
    for label, options in (
        ("Objectives", objectives),
        ("Actions", actions),
        ("Projects", projects),
        ("Board meetings", meetings),
        ("Reviews", reviews),
    ):
        if options:
            groups.append((label, options))
    return groups


def item_from_key(plan: DeliveryPlan, key: str) -> tuple[type[models.Model], int] | None:
    if not key:
        return None
    if key == "plan":
        return DeliveryPlan, plan.pk
    kind, _, pk = key.partition("-")
    return ITEM_MODELS[kind], int(pk)


class GetFormMixin:
    """The page writes the button itself: crispy's would add its name to every bookmarked address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.inputs = []
        self.helper.disable_csrf = True


class HistoryFilterForm(GetFormMixin, BaseForm):
    from_date = DateField(label="From", subject="from date", required=False, help_text=DATE_HINT)
    to_date = DateField(label="To", subject="to date", required=False, help_text=DATE_HINT)
    person = forms.ChoiceField(label="Changed by", required=False)
    item = forms.ChoiceField(label="Part of the plan", required=False)

    def __init__(self, *args: Any, people: list[str], items: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = full_names(people)
        self.fields["person"].choices = [("", "Anyone"), *((name, _person_label(name, names)) for name in people)]
        self.fields["person"].error_messages["invalid_choice"] = "Select a person from the list"
        self.fields["item"].choices = [("", "The whole plan"), *items]
        self.fields["item"].error_messages["invalid_choice"] = "Select a part of the plan from the list"
        self.helper.layout = Layout("from_date", "to_date", Field.select("person"), Field.select("item"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and start > end:
            self.add_error("to_date", "The to date must be the same as or after the from date")
        return data

    def filters(self, plan: DeliveryPlan) -> dict[str, Any]:
        """The keyword arguments of plan_changes for what was asked (call after is_valid)."""
        data = self.cleaned_data
        return {
            "since": day_start(data["from_date"]) if data["from_date"] else None,
            "until": day_end(data["to_date"]) if data["to_date"] else None,
            "user": data["person"] or None,
            "item": item_from_key(plan, data["item"]),
        }

    def summary(self) -> str:
        """What the history was narrowed to, in words, for the record of an export."""
        data = self.cleaned_data
        items = dict(_flat(self.fields["item"].choices))
        parts = [
            f"from {data['from_date']:%-d %B %Y}" if data["from_date"] else "",
            f"to {data['to_date']:%-d %B %Y}" if data["to_date"] else "",
            f"by {data['person']}" if data["person"] else "",
            str(items.get(data["item"], "")) if data["item"] else "",
        ]
        return ", ".join(part for part in parts if part)


def _flat(choices: list) -> list[tuple[str, Any]]:
    flat: list[tuple[str, Any]] = []
    for key, value in choices:
        flat.extend(value if isinstance(value, list | tuple) else [(key, value)])
    return flat


def _person_label(username: str, names: dict[str, str]) -> str:
    return "System (no one signed in)" if username == "system" else names.get(username, username)


class AsAtForm(GetFormMixin, BaseForm):
    date = DateField(label="Date", help_text=DATE_HINT)
    time = forms.CharField(
        label="Time (optional)",
        help_text="24-hour clock, for example 14:30. Leave it empty for the end of that day.",
        required=False,
    )

    def __init__(self, *args: Any, first_recorded: datetime.datetime | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_recorded = first_recorded
        self.helper.layout = Layout("date", Field.text("time", field_width=5))

    def clean_time(self) -> datetime.time | None:
        if not self.cleaned_data["time"].strip():
            return None  # the end of the day, or now if that day is today (clean)
        match = TIME.match(self.cleaned_data["time"])
        if not match:
            raise forms.ValidationError("Enter the time on the 24-hour clock, for example 14:30")
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date") is None or "time" not in data:
            return data
        if data["time"] is None:
            # People asking for a day mean all of it: its last minute, or the current one for today.
            now = timezone.localtime()
            data["time"] = now.time().replace(second=0, microsecond=0) if data["date"] == now.date() else END_OF_DAY
        start = datetime.datetime.combine(data["date"], data["time"], tzinfo=LOCAL)
        if start > timezone.now():
            self.add_error("date", "The date and time must be in the past")
        elif self.first_recorded is not None and local_moment(data["date"], data["time"]) < self.first_recorded:
            first = timezone.localtime(self.first_recorded)
            self.add_error(
                "date",
                f"The plan did not exist yet: it was first recorded at {uk_time(first)} on {first:%-d %B %Y}. "
                "Enter a later date and time",
            )
        return data

    @property
    def moment(self) -> datetime.datetime:
        return local_moment(self.cleaned_data["date"], self.cleaned_data["time"])


def as_at_data(query: dict[str, str]) -> dict[str, str] | None:
    """Form data from the page's address: `?date=2018-09-01&time=14:30`, or the date input's own parts."""
    if "date" in query:
        year, month, day = ([*query["date"].split("-", 2), "", ""])[:3]
        day, month = (part.lstrip("0") or part for part in (day, month))  # 01 09 2018 reads as 1 9 2018
        return {"date_0": day, "date_1": month, "date_2": year, "time": query.get("time", "")}
    if any(key in query for key in ("date_0", "date_1", "date_2", "time")):
        return {key: query.get(key, "") for key in ("date_0", "date_1", "date_2", "time")}
    return None
