"""The change record: what each kind of plan content is called in the history, and how its values read.

One row per changed field (core.ChangeRecord), worded as the history has always been worded: choice labels, dates,
"Yes"/"No", related rows by their names. The same wording serves the rows written when a change is made
(core.change_writer) and the one-off backfill of the history recorded before the table existed (core.change_backfill).

Core sits below the apps whose content it describes, so the models are named by label and looked up through the
app registry, never imported.
"""

import datetime
import decimal
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import capfirst

from .append_only import history_model
from .change_names import SYSTEM as SYSTEM  # the name of changes made outside a signed-in session
from .change_names import Names
from .rag import RAG

HISTORY_META = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
# Bookkeeping, not content: the edit counter, when the latest update came, and the parent every row belongs to.
NOT_SHOWN = {
    *("id", "version", "status_updated_at", "plan_id", "council_id", "review_id", "project_id", "slug"),
    *("meeting_id", "board_id"),
}
MONTHS = [datetime.date(2000, month, 1).strftime("%B") for month in range(1, 13)]

# Rows written at one moment come in this order of kinds (the history's order since before the table existed).
TRACKED = (
    "plans.deliveryplan",
    "objectives.objective",
    "actions.action",
    "projects.commissionedproject",
    "projects.outputtarget",
    "plans.boardmeeting",
    "plans.meetingattendance",
    "plans.actionarising",
    "plans.programmeboard",
    "plans.boardmember",
    "peer_review.review",
    "peer_review.recommendation",
)
STATUS_UPDATE_RANK = {"actions.action": len(TRACKED), "projects.commissionedproject": len(TRACKED) + 1}
LEAD_RANK = {"actions.action": len(TRACKED) + 2, "projects.commissionedproject": len(TRACKED) + 3}
M2M = {"actions.action": "answers", "projects.commissionedproject": "objectives"}


def model(label: str) -> type[models.Model]:
    return apps.get_model(label)


def label(model_: type[models.Model]) -> str:
    return model_._meta.label_lower


def long_date(value: datetime.date | str | None) -> str | None:
    """For example 5 March 2019."""
    if value is None:
        return None
    value = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def utc_minute(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Shown:
    """A field the history shows: its name, how a value reads, and when a first value says nothing."""

    attname: str
    name: str
    text: Callable[[Any, Names], str | None]
    empty: Callable[[Any], bool]
    normal: Callable[[Any], Any] = lambda value: value


def _none(value: Any) -> bool:
    return value is None


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _str(value: Any, names: Names) -> str | None:
    return None if value is None else str(value)


def _field(live: models.Field) -> Shown:
    name = capfirst(str(live.verbose_name))
    attname = live.attname
    if live.choices:
        labels = {str(key): str(text) for key, text in live.flatchoices}
        return Shown(attname, name, lambda v, n: None if v is None else labels.get(str(v), str(v)), _blank)
    if attname == "objective_id":
        return Shown(attname, name, lambda v, n: n.objective(v), _none)
    if attname == "carried_from_id":
        return Shown(attname, name, lambda v, n: n.carried(v), _none)
    if isinstance(live, models.BooleanField):
        return Shown(attname, name, lambda v, n: None if v is None else ("Yes" if v else "No"), lambda v: not v)
    if isinstance(live, models.DateTimeField):
        return Shown(attname, name, lambda v, n: None if v is None else utc_minute(v), _none, live.to_python)
    if isinstance(live, models.DateField):
        return Shown(attname, name, lambda v, n: None if v is None else v.isoformat(), _none, live.to_python)
    if isinstance(live, models.DecimalField):
        return Shown(
            attname, name, lambda v, n: None if v is None else f"{decimal.Decimal(v):.2f}", _none, live.to_python
        )
    if isinstance(live, models.JSONField):
        return Shown(attname, name, lambda v, n: None if v is None else ", ".join(v), lambda v: not v)
    if isinstance(live, models.CharField | models.TextField):
        return Shown(attname, name, lambda v, n: v, _blank)
    return Shown(attname, name, _str, _none)


@functools.cache
def shown_fields(label_: str) -> tuple[Shown, ...]:
    """The fields of a tracked model the history shows, in the order of its history table's columns."""
    live_model = model(label_)
    shown = []
    for history_field in history_model(live_model)._meta.concrete_fields:
        if history_field.attname in HISTORY_META or history_field.attname in NOT_SHOWN:
            continue
        shown.append(_field(live_model._meta.get_field(history_field.name)))
    return tuple(shown)


@functools.cache
def m2m_field(label_: str) -> tuple[str, str, str] | None:
    """(field name, its name in the history, the target model's label) of a tracked many-to-many field."""
    if label_ not in M2M:
        return None
    live = model(label_)._meta.get_field(M2M[label_])
    return live.name, capfirst(str(live.verbose_name)), label(live.related_model)


def m2m_text(target_label: str, pks: frozenset[int], names: Names) -> str:
    """The linked rows by name, in the order of their names."""
    if target_label == "peer_review.recommendation":
        found = [names.recommendation(pk) for pk in pks]
    else:
        found = [names.objective(pk) for pk in pks]
    return "; ".join(sorted(text for text in found if text is not None))


@dataclass(frozen=True)
class Place:
    """Where a row of the history belongs: the council, the plan (none for the council's own), what it is."""

    council_id: int | None
    plan_id: int | None
    plan: str
    object_type: str
    object_ref: str
    item: str


def place(label_: str, values: dict[str, Any], names: Names) -> Place:
    """Where a record of a tracked model belongs, from the record's values and the latest names of its parents."""
    pk = values["id"]
    own = f"{label_}:{pk}"

    def in_plan(plan_id: int | None, object_type: str, ref: str, item: str = own) -> Place:
        council_id, year = names.plan(plan_id)
        return Place(council_id, plan_id, year, object_type, ref, item)

    def of_council(council_id: int | None, object_type: str, ref: str) -> Place:
        return Place(council_id, None, "", object_type, ref, own)

    match label_:
        case "plans.deliveryplan":
            year = values["year"]
            return Place(values["council_id"], pk, year, "Plan", f"Prevent Delivery Plan {year}", own)
        case "objectives.objective":
            return in_plan(values["plan_id"], "Objective", f"Objective {values['number']}")
        case "actions.action":
            return in_plan(values["plan_id"], "Action", values["reference"])
        case "projects.commissionedproject":
            return in_plan(values["plan_id"], "Project", values["name"])
        case "projects.outputtarget":
            project = values["project_id"]
            name = names.latest("projects.commissionedproject", project, "name") or ""
            plan_id = names.latest("projects.commissionedproject", project, "plan_id")
            ref = f"{name}: {values['description']}"
            return in_plan(plan_id, "Output target", ref, f"projects.commissionedproject:{project}")
        case "plans.boardmeeting":
            return in_plan(values["plan_id"], "Board meeting", long_date(values["date"]) or "")
        case "plans.meetingattendance" | "plans.actionarising":
            meeting = values["meeting_id"]
            date = long_date(names.latest("plans.boardmeeting", meeting, "date")) or ""
            plan_id = names.latest("plans.boardmeeting", meeting, "plan_id")
            object_type, who = (
                ("Board meeting attendance", values["name"])
                if label_ == "plans.meetingattendance"
                else ("Action arising", values["owner"])
            )
            return in_plan(plan_id, object_type, f"{date}: {who}", f"plans.boardmeeting:{meeting}")
        case "plans.programmeboard":
            return of_council(values["council_id"], "Programme Board", values["name"])
        case "plans.boardmember":
            council_id = names.latest("plans.programmeboard", values["board_id"], "council_id")
            return of_council(council_id, "Board member", values["agency"])
        case "peer_review.review":
            return of_council(values["council_id"], "Review", values["title"])
        case "peer_review.recommendation":
            council_id = names.latest("peer_review.review", values["review_id"], "council_id")
            return of_council(council_id, "Recommendation", names.recommendation(pk) or "")
    raise ValueError(f"{label_} is not tracked in the change record")


@dataclass(frozen=True)
class Row:
    """One row of the change record before it is written."""

    recorded_at: datetime.datetime
    user_id: int | None
    username: str
    place: Place
    field: str
    old_value: str
    new_value: str
    comment: str
    rank: int

    def record(self) -> models.Model:
        return model("core.changerecord")(**self.fields())

    def fields(self) -> dict[str, Any]:
        return dict(
            recorded_at=self.recorded_at,
            user_id=self.user_id,
            username=self.username,
            council_id=self.place.council_id,
            plan_id=self.place.plan_id,
            plan=self.place.plan,
            object_type=self.place.object_type,
            object_ref=self.place.object_ref,
            field=self.field,
            old_value=self.old_value,
            new_value=self.new_value,
            comment=self.comment,
            rank=self.rank,
            item=self.place.item,
        )


def changed_fields(
    label_: str,
    new: dict[str, Any],
    old: dict[str, Any] | None,
    names: Names,
    m2m: tuple[frozenset[int], frozenset[int] | None] | None = None,
) -> list[tuple[str, str, str]]:
    """(field, old, new) of each field the record changes; `old` None for a first record (what it was made with).
    `m2m`: the linked rows' keys after and before."""
    found = []
    for shown in shown_fields(label_):
        value = shown.normal(new.get(shown.attname))
        if old is None:
            if not shown.empty(value):
                found.append((shown.name, "", shown.text(value, names) or ""))
            continue
        before = shown.normal(old.get(shown.attname))
        if value != before:
            found.append((shown.name, shown.text(before, names) or "", shown.text(value, names) or ""))
    described = m2m_field(label_)
    if described is not None and m2m is not None:
        _, name, target = described
        after, before = m2m
        if old is None or before is None:
            if after:
                found.append((name, "", m2m_text(target, after, names)))
        elif after != before:
            found.append((name, m2m_text(target, before, names), m2m_text(target, after, names)))
    return found


def record_rows(
    label_: str,
    *,
    kind: str,
    new: dict[str, Any],
    old: dict[str, Any] | None,
    at: datetime.datetime,
    user_id: int | None,
    reason: str | None,
    names: Names,
    m2m: tuple[frozenset[int], frozenset[int] | None] | None = None,
) -> list[Row]:
    """The rows of one history record of a tracked model: "+" made, "~" changed, "-" deleted."""
    where = place(label_, new, names)
    rank = TRACKED.index(label_)
    username = names.username(user_id)
    if kind == "-":
        return [Row(at, user_id, username, where, "", "", "deleted", reason or "", rank)]
    changes = changed_fields(label_, new, None if kind == "+" else old, names, m2m)
    return [Row(at, user_id, username, where, name, o, n, reason or "", rank) for name, o, n in changes]


def evidence_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def status_update_rows(
    item_label: str, item: dict[str, Any], update: dict[str, Any], username: str, names: Names
) -> list[Row]:
    """A status update as the history shows it: its RAG (old to new) with its commentary, and any evidence."""
    where = place(item_label, item, names)
    where = Place(
        where.council_id, where.plan_id, where.plan, "Status update", where.object_ref, f"{item_label}:{item['id']}"
    )
    rank = STATUS_UPDATE_RANK[item_label]
    at, by, comment = update["created_at"], update["created_by_id"], update["commentary"]
    old, new = _rag(update["previous_rag"]), _rag(update["rag"])
    rows = [Row(at, by, username, where, "RAG status", old, new, comment, rank)]
    if update.get("evidence"):
        rows.append(Row(at, by, username, where, "Evidence", "", evidence_name(str(update["evidence"])), comment, rank))
    return rows


def _rag(value: str) -> str:
    return str(dict(RAG.choices).get(value, value))


def lead_rows(
    item_label: str,
    item: dict[str, Any],
    *,
    granted: bool,
    lead: str,
    at: datetime.datetime,
    user_id: int | None,
    reason: str | None,
    names: Names,
) -> list[Row]:
    """A lead made or no longer lead of an action or project."""
    where = place(item_label, item, names)
    where = Place(where.council_id, where.plan_id, where.plan, "Lead", where.object_ref, f"{item_label}:{item['id']}")
    comment = reason or ("Made lead" if granted else "No longer lead")
    old, new = ("", lead) if granted else (lead, "")
    return [Row(at, user_id, names.username(user_id), where, "Lead", old, new, comment, LEAD_RANK[item_label])]
