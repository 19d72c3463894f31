"""The read model: one shape per thing a plan holds (action, project, objective, recommendation), as every page that
shows a plan reads it, whether built from the live rows or from history, shown now or sealed for a past meeting.

The shapes are frozen: a page filters and groups them but never changes one. Each writes itself to JSON and reads
itself back (`to_json` / `from_json`), and `shape_version` names the shape of what is written, derived from the
dataclasses' own fields, so a field added or retyped gives a new version without anyone remembering to bump one.
"""

import dataclasses
import datetime
import functools
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from django.urls import reverse

from items.models import is_overdue, is_stale

ACTION, PROJECT = "action", "project"


class Shape:
    """A frozen dataclass that writes itself as JSON and reads itself back: `to_data` / `from_data` give and take
    the JSON-ready values (a shape inside another is written by its own), `to_json` / `from_json` the text."""

    def to_data(self) -> dict[str, Any]:
        return {f.name: json_ready(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Any:
        hints = _hints(cls)
        return cls(**{f.name: _load(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)})  # type: ignore

    def to_json(self) -> str:
        return dump_text(self.to_data())

    @classmethod
    def from_json(cls, text: str) -> Any:
        return cls.from_data(json.loads(text))


def dump_text(data: Any) -> str:
    """JSON text that compares equal whenever the data does: keys sorted, no spaces."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def json_ready(value: Any) -> Any:
    if isinstance(value, Shape):
        data = value.to_data()
        kind = getattr(value, "kind", None)
        return {"kind": kind, **data} if kind else data
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_ready(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"{type(value).__name__} has no JSON form in the read model")


def _load(hint: Any, value: Any) -> Any:
    """`value` as read from JSON, made the type `hint` names again."""
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        shapes = {getattr(arg, "kind", None): arg for arg in args if isinstance(arg, type) and issubclass(arg, Shape)}
        if len(shapes) > 1:  # an action or a project: the JSON names which
            return shapes[value["kind"]].from_data(value)
        return _load(next(arg for arg in args if arg is not type(None)), value)
    if origin in (list, tuple):
        return origin(_load(args[0], item) for item in value)
    if origin is frozenset:
        return frozenset(value)
    if hint is datetime.datetime:
        return datetime.datetime.fromisoformat(value)
    if hint is datetime.date:
        return datetime.date.fromisoformat(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if issubclass(hint, Shape):
            return hint.from_data(value)
        hints = _hints(hint)
        return hint(**{f.name: _load(hints[f.name], value[f.name]) for f in dataclasses.fields(hint)})
    return value


def shape_description(root: type) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every dataclass reachable from `root` with its fields' names and types, in a stable order."""
    seen: dict[type, list[tuple[str, str]]] = {}

    def visit(hint: Any) -> None:
        for arg in typing.get_args(hint):
            visit(arg)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in seen:
            hints = _hints(hint)
            seen[hint] = [(f.name, _type_name(hints[f.name])) for f in dataclasses.fields(hint)]
            for f in dataclasses.fields(hint):
                visit(hints[f.name])

    visit(root)
    return sorted((kind.__qualname__, fields) for kind, fields in seen.items())


def _type_name(hint: Any) -> str:
    args = typing.get_args(hint)
    name = getattr(hint, "__qualname__", None) or getattr(typing.get_origin(hint), "__qualname__", str(hint))
    return f"{name}[{', '.join(map(_type_name, args))}]" if args else name


def shape_version(root: type) -> int:
    """A number for the shape of what `root` writes: it changes whenever a field reachable from it is added,
    removed, renamed or retyped. Kept above 1000 so that it never meets the hand-numbered versions (1 to 5) of the
    rows sealed before, and within a small integer column."""
    digest = hashlib.sha256(repr(shape_description(root)).encode()).digest()
    return 1000 + int.from_bytes(digest[:4]) % 30000


@dataclass(frozen=True)
class UpdateState(Shape):
    """An item's latest status update, as far as any page reads it."""

    created_at: datetime.datetime  # when it was recorded
    as_of: datetime.date  # the date it speaks for, which the Board reads as "Updated"
    commentary: str


@dataclass(frozen=True)
class OutputState(Shape):
    pk: int
    description: str
    target: int | None
    delivered: int


class _Item(Shape):
    """What actions and projects share as the dashboard, the Board pack and the plan page list them."""

    kind: ClassVar[str]
    latest_update: UpdateState | None
    rag: str
    due_date: datetime.date | None
    timescale_to_review: bool

    @property
    def label(self) -> str:
        reference = getattr(self, "reference", "")
        return f"{reference} {self.title}" if reference else self.title  # type: ignore[attr-defined]

    @functools.cached_property
    def url(self) -> str:  # an item shows in several lists of one page
        return reverse("actions:detail" if self.kind == ACTION else "projects:detail", args=[self.pk])  # type: ignore

    @property
    def get_absolute_url(self) -> str:
        return self.url

    @property
    def updated_at(self) -> datetime.datetime | None:
        return self.latest_update.created_at if self.latest_update else None

    @property
    def commentary(self) -> str:
        return self.latest_update.commentary if self.latest_update else ""

    @property
    def as_of(self) -> datetime.date | None:
        return self.latest_update.as_of if self.latest_update else None

    def is_overdue(self, today: datetime.date) -> bool:
        return is_overdue(self.rag, self.due_date, today, timescale_to_review=self.timescale_to_review)

    def is_stale(self, moment: datetime.datetime) -> bool:
        return is_stale(self.rag, self.updated_at, moment)


@dataclass(frozen=True)
class ActionState(_Item):
    kind: ClassVar[str] = ACTION
    pk: int
    reference: str
    position: int
    objective_id: int | None
    section: str
    title: str
    outcomes: str
    outputs: str
    timescale: str
    due_date: datetime.date | None
    lead: str
    lead_agency: str
    rag: str
    withheld_fields: list[str]
    withdrawn: bool
    answers: frozenset[int] = frozenset()
    latest_update: UpdateState | None = None
    timescale_to_review: bool = False  # carried with a timescale already passed: not overdue until it is changed

    @property
    def objective_ids(self) -> frozenset[int]:
        return frozenset([self.objective_id] if self.objective_id else [])

    @property
    def lead_name(self) -> str:
        return self.lead


@dataclass(frozen=True)
class ProjectState(_Item):
    kind: ClassVar[str] = PROJECT
    reference: ClassVar[str] = ""
    answers: ClassVar[frozenset[int]] = frozenset()
    timescale_to_review: ClassVar[bool] = False
    pk: int
    position: int
    name: str
    provider: str
    description: str
    outcomes: str
    lead: str  # the lead agency
    timescale: str
    due_date: datetime.date | None
    rag: str
    withheld_fields: list[str]
    withdrawn: bool
    objective_ids: frozenset[int] = frozenset()
    outputs: list[OutputState] = field(default_factory=list)
    latest_update: UpdateState | None = None
    unheaded_column: str = ""  # only the published version shows it and the funding source
    funding_source: str = ""

    @property
    def title(self) -> str:
        return self.name

    @property
    def lead_agency(self) -> str:
        return self.lead

    @property
    def lead_name(self) -> str:
        """Who the Board lists as the project's lead: its provider, or the lead agency when it has none."""
        return self.provider or self.lead


Item = ActionState | ProjectState


@dataclass(frozen=True)
class ObjectiveState(Shape):
    pk: int
    number: int
    title: str
    actions: list[ActionState] = field(default_factory=list)  # live, in plan order; none where sealed


@dataclass(frozen=True)
class RecommendationState(Shape):
    pk: int
    review_id: int
    review_title: str
    number: int
    theme: str
    text: str
    owner: str

    @property
    def url(self) -> str:
        return reverse("peer_review:recommendation", args=[self.pk])

    get_absolute_url = url


@dataclass(frozen=True)
class ReviewState(Shape):
    """A review's own texts. Only the published version and the plan page show them, so they sit beside the
    snapshot, not in it (the sealed dashboards hold the snapshot's shapes)."""

    pk: int
    title: str
    summary: str
    areas: str
    key_findings: str
    kind_label: str = ""  # "Home Office peer review", "Scrutiny review"
    date: datetime.date | None = None
