"""Every recorded change to a plan or a whole council, one row per changed field, oldest first.

The history pages and the exports read it. A scope is one plan, or every plan the council has had (an auditor's
export of the council's whole record): either way each tracked model is read in one query over the scope's plans.

Each tracked model's history is read in one pass, ordered by time (`.iterator()`, so rows are never all in memory),
keeping only the previous record of each object to compare with; the per-model streams are merged by time with
heapq.merge. Memory grows with the number of objects, not the number of history rows, and the number of queries
is fixed whatever the length of the history. Filtering by date or person happens after the comparison, since a
change needs its predecessor even when that falls outside the range asked for.

A status update shows once, as a "Status update" row carrying its commentary: the matching history record of the
action or project (reason "Status update: ...") repeats only its RAG and so is left out.
"""

import datetime
import heapq
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast
from django.utils.text import capfirst

from actions.models import Action, StatusUpdate
from core.append_only import is_m2m_history_model
from core.models import HistoricalUserObjectPermission
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from projects.models import CommissionedProject, OutputTarget, ProjectStatusUpdate

from .models import BoardMeeting, Council, DeliveryPlan

CHUNK = 1000
SYSTEM = "system"
HISTORY_META = {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"}
# Bookkeeping, not content: the edit counter, when the latest update came, and the parent every row belongs to.
NOT_SHOWN = {"id", "version", "status_updated_at", "plan_id", "council_id", "review_id", "project_id", "slug"}


class ChangeRow(NamedTuple):
    recorded_at: datetime.datetime  # UTC
    user: str
    council: str
    plan: str
    object_type: str
    object_ref: str
    field: str
    old_value: str
    new_value: str
    comment: str


COLUMNS = list(ChangeRow._fields)  # the export's columns, as DESIGN.md names them
Item = models.Model | tuple[type[models.Model], int]


@dataclass(frozen=True)
class Scope:
    """The plans whose history is read: one plan, or every plan the council has had."""

    council: Council
    years: dict[int, str]  # plan pk: financial year
    whole_council: bool = False

    @classmethod
    def of_plan(cls, plan: DeliveryPlan) -> "Scope":
        return cls(plan.council, {plan.pk: plan.year})

    @classmethod
    def of_council(cls, council: Council) -> "Scope":
        """Every plan the council has had, deleted ones included (their history stays in the record)."""
        years = dict(_latest(DeliveryPlan.history.filter(council_id=council.pk), "year"))
        return cls(council, years, whole_council=True)

    @property
    def plans(self) -> dict[str, Any]:
        """The filter keeping history rows of the scope's plans."""
        return {"plan_id__in": list(self.years)}

    def review_year(self) -> str:
        """Reviews belong to the council: a plan's history shows them under its year, the council's under none."""
        return "" if self.whole_council else next(iter(self.years.values()), "")


@dataclass
class Labels:
    """Readable names for the ids history rows hold, read once per call (objects, not history rows)."""

    objectives: dict[int, str] = field(default_factory=dict)
    actions: dict[int, str] = field(default_factory=dict)
    projects: dict[int, str] = field(default_factory=dict)
    recommendations: dict[int, str] = field(default_factory=dict)
    carried_from: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    # The plan each action and project belongs to, for the plan column of their status updates and leads.
    action_plans: dict[int, int] = field(default_factory=dict)
    project_plans: dict[int, int] = field(default_factory=dict)


def _latest(queryset: models.QuerySet, *names: str) -> Iterator[tuple]:
    return queryset.order_by("history_date", "history_id").values_list("id", *names).iterator(chunk_size=CHUNK)


def _labels(scope: Scope) -> Labels:
    labels = Labels()
    reviews = Review.history.filter(council_id=scope.council.pk)
    for pk, number in _latest(Objective.history.filter(**scope.plans), "number"):
        labels.objectives[pk] = f"Objective {number}"
    for pk, reference, plan_id in _latest(Action.history.filter(**scope.plans), "reference", "plan_id"):
        labels.actions[pk], labels.action_plans[pk] = reference, plan_id
    for pk, name, plan_id in _latest(CommissionedProject.history.filter(**scope.plans), "name", "plan_id"):
        labels.projects[pk], labels.project_plans[pk] = name, plan_id
    titles = dict(_latest(reviews, "title"))
    for pk, review_id, number in _latest(
        Recommendation.history.filter(review_id__in=reviews.values("id")), "review_id", "number"
    ):
        labels.recommendations[pk] = f"{titles.get(review_id, 'Review')}, recommendation {number}"
    earlier = Action.history.filter(**scope.plans, carried_from_id__isnull=False).values("carried_from_id")
    for pk, reference, year in Action.objects.filter(pk__in=earlier).values_list("pk", "reference", "plan__year"):
        labels.carried_from[pk] = f"{reference} ({year})"
    return labels


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


@dataclass
class Source:
    """One tracked model's history within the plan, and how its rows are named."""

    model: type[models.Model]
    object_type: str
    ref: Callable[[dict], str]
    filters: dict[str, Any]
    year: Callable[[dict], str]  # the financial year of the plan the row belongs to
    m2m: str | None = None  # the many-to-many field whose sets are compared too
    extra: tuple[str, ...] = ()  # fields the reference needs that are not shown


def _shown_fields(model: type[models.Model], labels: Labels) -> list[tuple[str, str, Callable[[Any], str]]]:
    """(attname, verbose name, formatter) of each field whose changes are shown."""
    shown = []
    history_model = model.history.model
    for history_field in history_model._meta.concrete_fields:
        name = history_field.attname
        if name in HISTORY_META or name in NOT_SHOWN:
            continue
        live = model._meta.get_field(history_field.name)
        verbose = capfirst(str(live.verbose_name))
        if live.choices:
            choices = {str(key): str(value) for key, value in live.flatchoices}
            shown.append((name, verbose, lambda v, c=choices: c.get(str(v), _text(v)) if v is not None else ""))
        elif name == "objective_id":
            shown.append((name, verbose, lambda v: labels.objectives.get(v, _text(v))))
        elif name == "carried_from_id":
            shown.append((name, verbose, lambda v: labels.carried_from.get(v, _text(v))))
        else:
            shown.append((name, verbose, _text))
    return shown


def _m2m_sets(source: Source, filters: dict[str, Any]) -> tuple[Callable[[int], frozenset], str]:
    """A reader of the m2m set each history record holds, walking the m2m history in the same order as the records."""
    history_model = source.model.history.model
    m2m_model = next(
        m
        for m in apps.get_models()
        if is_m2m_history_model(m) and m._meta.get_field("history").related_model is history_model
    )
    live_field = source.model._meta.get_field(source.m2m)
    target = next(
        f.attname
        for f in m2m_model._meta.concrete_fields
        if f.is_relation and f.related_model is live_field.related_model
    )
    rows = (
        m2m_model._default_manager.filter(**{f"history__{key}": value for key, value in filters.items()})
        .order_by("history__history_date", "history_id")
        .values_list("history_id", target)
        .iterator(chunk_size=CHUNK)
    )
    pending: list[tuple[int, int] | None] = [next(rows, None)]

    def take(history_id: int) -> frozenset:
        found = set()
        while pending[0] is not None and pending[0][0] == history_id:
            found.add(pending[0][1])
            pending[0] = next(rows, None)
        return frozenset(found)

    return take, capfirst(str(live_field.verbose_name))


def _history_rows(source: Source, labels: Labels, council: str, until: datetime.datetime | None):
    filters = dict(source.filters)
    if until is not None:
        filters["history_date__lte"] = until
    shown = _shown_fields(source.model, labels)
    take, m2m_name = _m2m_sets(source, filters) if source.m2m else (None, "")
    m2m_label = labels.recommendations if source.m2m == "answers" else labels.objectives
    records = (
        source.model.history.filter(**filters)
        .order_by("history_date", "history_id")
        .values(
            "id", "history_id", "history_date", "history_type", "history_change_reason", "history_user__username",
            *(name for name, _, _ in shown), *source.extra,
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    previous: dict[int, dict] = {}

    def readable(ids: frozenset) -> str:
        return "; ".join(sorted(m2m_label.get(pk, f"#{pk}") for pk in ids))

    for record in records:
        if take is not None:
            record["m2m"] = take(record["history_id"])
        at = record["history_date"].astimezone(datetime.UTC)
        user = record["history_user__username"] or SYSTEM
        reason = record["history_change_reason"] or ""
        before = previous.get(record["id"])
        if record["history_type"] == "-":
            previous.pop(record["id"], None)
            yield ChangeRow(
                at,
                user,
                council,
                source.year(record),
                source.object_type,
                source.ref(record),
                "",
                "",
                "deleted",
                reason,
            )
            continue
        previous[record["id"]] = record
        ref, year = source.ref(record), source.year(record)
        from_status_update = reason.startswith("Status update")
        for name, verbose, show in shown:
            new = record[name]
            if before is None:
                if new is False or new in (None, "", []):
                    continue  # a new row's empty fields and unset flags say nothing
                old_text = ""
            elif before[name] == new or (from_status_update and name == "rag"):
                continue
            else:
                old_text = show(before[name])
            yield ChangeRow(at, user, council, year, source.object_type, ref, verbose, old_text, show(new), reason)
        if take is not None:
            old_set = before["m2m"] if before is not None else frozenset()
            if old_set != record["m2m"]:
                old_text, new_text = readable(old_set), readable(record["m2m"])
                yield ChangeRow(at, user, council, year, source.object_type, ref, m2m_name, old_text, new_text, reason)


def _status_rows(
    updates: models.QuerySet, item: str, scope: Scope, until: datetime.datetime | None
) -> Iterator[ChangeRow]:
    """The status updates of the actions or projects (item: "action" or "project"), one row each (two with evidence)."""
    council, years = scope.council.name, scope.years
    if until is not None:
        updates = updates.filter(created_at__lte=until)
    rows = (
        updates.order_by("created_at", "pk")
        .values_list(
            "created_at", "created_by__username", f"{item}__{'reference' if item == 'action' else 'name'}",
            f"{item}__plan_id", "previous_rag", "rag", "commentary", "evidence",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    rag_labels = dict(StatusUpdate._meta.get_field("rag").flatchoices)
    for at, user, ref, plan_id, previous_rag, rag, commentary, evidence in rows:
        at, year = at.astimezone(datetime.UTC), years.get(plan_id, "")
        old, new = rag_labels.get(previous_rag, previous_rag), rag_labels.get(rag, rag)
        yield ChangeRow(at, user, council, year, "Status update", ref, "RAG status", old, new, commentary)
        if evidence:
            name = evidence.rsplit("/", 1)[-1]
            yield ChangeRow(at, user, council, year, "Status update", ref, "Evidence", "", name, commentary)


def _lead_grants(scope: Scope, only: type[models.Model] | None, pk: int | None) -> list[models.QuerySet]:
    """The history of the lead's object permission on the scope's actions and projects, or on one of them.

    One query per kind of item: an OR of the two would keep PostgreSQL from planning each as a semi-join on the
    index of (content type, object), and on a large council that is minutes instead of milliseconds.
    """
    as_text = Cast("id", models.CharField(max_length=255))  # guardian keeps object ids as text
    grants = []
    for model in (Action, CommissionedProject):
        if only in (None, model):
            ids = model.history.filter(**scope.plans, **({"id": pk} if only else {})).order_by()
            ids = ids.annotate(pk_text=as_text).values("pk_text").distinct()
            grants.append(
                HistoricalUserObjectPermission.objects.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_pk__in=ids,
                    permission__codename="update_status",
                )
            )
    return grants


def _lead_rows(
    grants: models.QuerySet, labels: Labels, scope: Scope, until: datetime.datetime | None
) -> Iterator[ChangeRow]:
    """Lead grants and revocations, named by the action's reference or the project's name."""
    council = scope.council.name
    refs: dict[tuple[int, str], tuple[str, str]] = {}
    for model, names, plans in (
        (Action, labels.actions, labels.action_plans),
        (CommissionedProject, labels.projects, labels.project_plans),
    ):
        content_type = ContentType.objects.get_for_model(model).pk
        refs.update({(content_type, str(pk)): (name, scope.years.get(plans[pk], "")) for pk, name in names.items()})
    if until is not None:
        grants = grants.filter(history_date__lte=until)
    leads = set(grants.order_by().values_list("user_id", flat=True).distinct()) - set(labels.users)
    labels.users.update(get_user_model().objects.filter(pk__in=leads).values_list("pk", "username"))
    rows = (
        grants.order_by("history_date", "history_id")
        .values_list(
            "history_date", "history_type", "history_user__username", "history_change_reason",
            "content_type_id", "object_pk", "user_id",
        )
        .iterator(chunk_size=CHUNK)
    )  # fmt: skip
    for at, kind, user, reason, content_type_id, object_pk, lead_id in rows:
        if kind not in "+-":
            continue
        ref, year = refs.get((content_type_id, object_pk), (object_pk, ""))
        lead = labels.users.get(lead_id, f"#{lead_id}")
        old, new = ("", lead) if kind == "+" else (lead, "")
        comment = reason or ("Made lead" if kind == "+" else "No longer lead")
        at = at.astimezone(datetime.UTC)
        yield ChangeRow(at, user or SYSTEM, council, year, "Lead", ref, "Lead", old, new, comment)


def _item_key(item: Item | None) -> tuple[type[models.Model] | None, int | None]:
    if item is None or isinstance(item, tuple):
        return item or (None, None)
    return type(item), item.pk


def _sources(scope: Scope, labels: Labels) -> list[Source]:
    """The tracked models, each with the filter that keeps the scope's history (the council's, for reviews)."""
    by_plan, years = scope.plans, scope.years
    projects = {"project_id__in": CommissionedProject.history.filter(**by_plan).values("id")}
    reviews = {"review_id__in": Review.history.filter(council_id=scope.council.pk).values("id")}
    review_year = scope.review_year()

    def output_ref(record: dict) -> str:
        return f"{labels.projects.get(record['project_id'], '')}: {record['description']}"

    def plan_year(record: dict) -> str:
        return years.get(record["plan_id"], "")

    def project_year(record: dict) -> str:
        return years.get(labels.project_plans.get(record["project_id"]), "")

    def council_year(record: dict) -> str:
        return review_year

    return [
        Source(DeliveryPlan, "Plan", lambda r: f"Prevent Delivery Plan {years.get(r['id'], '')}",
               {"id__in": list(years)}, lambda r: years.get(r["id"], "")),
        Source(Objective, "Objective", lambda r: f"Objective {r['number']}", by_plan, plan_year, extra=("plan_id",)),
        Source(Action, "Action", lambda r: r["reference"], by_plan, plan_year, m2m="answers", extra=("plan_id",)),
        Source(CommissionedProject, "Project", lambda r: r["name"], by_plan, plan_year, m2m="objectives",
               extra=("plan_id",)),
        Source(OutputTarget, "Output target", output_ref, projects, project_year, extra=("project_id",)),
        Source(BoardMeeting, "Board meeting", lambda r: f"{r['date']:%-d %B %Y}", by_plan, plan_year,
               extra=("plan_id",)),
        Source(Review, "Review", lambda r: r["title"], {"council_id": scope.council.pk}, council_year),
        Source(Recommendation, "Recommendation", lambda r: labels.recommendations.get(r["id"], ""), reviews,
               council_year),
    ]  # fmt: skip


def _streams(scope: Scope, item: Item | None, until: datetime.datetime | None) -> list[Iterable[ChangeRow]]:
    only, pk = _item_key(item)
    council = scope.council.name
    labels = _labels(scope)
    streams: list[Iterable[ChangeRow]] = []
    for source in _sources(scope, labels):
        if only is None:
            pass
        elif source.model is only:
            source.filters = {**source.filters, "id": pk}
        elif source.model is OutputTarget and only is CommissionedProject:
            source.filters = {"project_id": pk}  # a project's history includes its output targets
        else:
            continue
        streams.append(_history_rows(source, labels, council, until))
    if only in (None, Action):
        updates = StatusUpdate.objects.filter(action__plan_id__in=list(scope.years))
        updates = updates.filter(action_id=pk) if only else updates
        streams.append(_status_rows(updates, "action", scope, until))
    if only in (None, CommissionedProject):
        updates = ProjectStatusUpdate.objects.filter(project__plan_id__in=list(scope.years))
        updates = updates.filter(project_id=pk) if only else updates
        streams.append(_status_rows(updates, "project", scope, until))
    if only in (None, Action, CommissionedProject):
        streams.extend(_lead_rows(grants, labels, scope, until) for grants in _lead_grants(scope, only, pk))
    return streams


def plan_changes(
    plan: DeliveryPlan,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> Iterator[ChangeRow]:
    """Every change to the plan's content, one row per changed field, in the order it was recorded (UTC).

    `since` and `until` bound the time recorded (inclusive); `user` keeps the changes of one person (a user or a
    username; "system" for changes made outside a signed-in session); `item` keeps those of one object (an
    instance, or a (model, pk) pair for one that has since been deleted): an action or project brings its status
    updates, leads and, for a project, its output targets.
    """
    return changes(Scope.of_plan(plan), since=since, until=until, user=user, item=item)


def council_changes(council: Council, *, until: datetime.datetime | None = None) -> Iterator[ChangeRow]:
    """Every change to every plan the council has had, and to its reviews, in the order it was recorded (UTC)."""
    return changes(Scope.of_council(council), until=until)


def changes(
    scope: Scope,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    user: AbstractBaseUser | str | None = None,
    item: Item | None = None,
) -> Iterator[ChangeRow]:
    username = user if isinstance(user, str) or user is None else user.get_username()
    merged = heapq.merge(*_streams(scope, item, until), key=lambda row: row.recorded_at)
    for row in merged:
        if since is not None and row.recorded_at < since:
            continue
        if username is not None and row.user != username:
            continue
        yield row


def plan_change_people(plan: DeliveryPlan) -> list[str]:
    """Everyone who changed the plan ("system" for changes made outside a signed-in session), in one query."""
    scope = Scope.of_plan(plan)
    by_history = [source.model.history.filter(**source.filters) for source in _sources(scope, Labels())]
    names = [queryset.order_by().values_list("history_user__username") for queryset in by_history]
    names += [
        *(grants.order_by().values_list("history_user__username") for grants in _lead_grants(scope, None, None)),
        StatusUpdate.objects.filter(action__plan=plan).order_by().values_list("created_by__username"),
        ProjectStatusUpdate.objects.filter(project__plan=plan).order_by().values_list("created_by__username"),
    ]
    found = {name or SYSTEM for (name,) in names[0].union(*names[1:]).order_by()}
    return sorted(found, key=lambda name: (name == SYSTEM, name.lower()))
