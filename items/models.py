"""A plan item: what an action and a commissioned project have in common, and the rules read from it.

Both are rows of a plan with a due date, a RAG status, fields withheld from publication, a withdrawal and status
updates; whether one is overdue or stale is decided here, once. Each app's model adds what only it has (an action's
reference, outputs and recommendations answered; a project's provider, funding and output targets).
"""

import dataclasses
import datetime
import functools
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from core.limits import COMMENTARY, LONG_TEXT, DateInRange
from core.models import Versioned
from core.rag import RAG
from core.words import Words


def is_overdue(
    rag: str, due_date: datetime.date | None, today: datetime.date, *, timescale_to_review: bool = False
) -> bool:
    """Past its due date and not Complete; a timescale left under review (see Action) is not overdue yet."""
    if timescale_to_review:
        return False
    return due_date is not None and due_date < today and rag != RAG.COMPLETE


def is_stale(rag: str, updated_at: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    """No update for one Board cycle (settings.STALE_AFTER_DAYS), and not yet Complete."""
    if rag == RAG.COMPLETE:
        return False
    now = now or timezone.now()
    return updated_at is None or now - updated_at > datetime.timedelta(days=settings.STALE_AFTER_DAYS)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ItemWords(Words):
    """How the pages and messages of an item name it (the two kinds were worded apart, and pages keep that)."""

    caption: str  # the line above its heading: "Action 4.9"
    heading: str  # its title
    subject: str  # its status update's page and message: "Status of action 4.9 updated"


# Kept by the services, never written through an item's form: where it stands, its edit counter, its status (a
# status update's), its withdrawal and where a rollover carried it from.
BOOKKEEPING = frozenset(
    {
        "id",
        "version",
        "plan",
        "position",
        "rag",
        "status_updated_at",
        "withdrawn_at",
        "carried_from",
        "timescale_to_review",
    }
)


class PlanItem(Versioned):
    """An action or a commissioned project: the fields they share and the rules read from them.

    What both have under different names or definitions stays each app's own (the plan's foreign key and its
    related name, an action's objective and a project's objectives, an action's reference and title and a
    project's name, the lead and the timescale): the audit record hashes rows by field name, and these are kept.

    The fields are defined here once. A concrete model declares each where it stands among its own fields, as
    `PlanItem.field("rag")`: the history lists a record's changed fields in the order the model declares them, and
    that order is part of its exports, so moving these to the front of the record would reorder them.
    """

    position = models.PositiveIntegerField(default=0)
    outcomes = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One outcome per line")
    due_date = models.DateField(null=True, blank=True, validators=[DateInRange("Due date")])
    rag = models.CharField("RAG status", max_length=20, choices=RAG.choices, default=RAG.NOT_STARTED)
    withheld_fields = models.JSONField(default=list, blank=True, help_text="Fields withheld from publication")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # When the latest status update was recorded: lists flag stale items without reading the updates.
    status_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    noun: ClassVar[str]  # "action", "project"
    ref_field: ClassVar[str]  # the field that names it in the record and its exports: "reference", "name"
    plan_anchor: ClassVar[str] = ""  # where on its plan's page the item is listed
    # What may be withheld from publication, in the words of the plan's columns: the edit form offers these, and
    # the item's page names what is withheld in them.
    withholdable: ClassVar[tuple[tuple[str, str], ...]]
    # An action carried into a new plan with its timescale passed has this as a field; a project never does.
    timescale_to_review: bool = False

    class Meta:
        abstract = True

    @classmethod
    def field(cls, name: str) -> models.Field:
        """A copy of the shared field `name`, for a concrete model to declare in its place."""
        return cls._meta.get_field(name).clone()

    @classmethod
    def content_fields(cls) -> list[str]:
        """The fields a coordinator writes: all but those the services keep themselves. The item's form changes
        these and its change service takes nothing else; a rollover carries them. A field added to the model is
        content unless it is named in BOOKKEEPING."""
        return [field.name for field in cls._meta.concrete_fields if field.name not in BOOKKEEPING]

    @classmethod
    def check_content(cls, fields: dict) -> None:
        """What a change service is given to change must be content: naming another field is a bug in its caller."""
        unknown = set(fields) - set(cls.content_fields())
        if unknown:
            raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}")

    @property
    def ref(self) -> str:
        return getattr(self, self.ref_field)

    @property
    def plan_url(self) -> str:
        return self.plan.get_absolute_url() + self.plan_anchor

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return is_overdue(self.rag, self.due_date, today, timescale_to_review=self.timescale_to_review)

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        return is_stale(self.rag, self.status_updated_at, now)

    def is_withheld(self, field: str) -> bool:
        return field in self.withheld_fields

    @property
    def withheld_labels(self) -> list[str]:
        """The withheld fields as the edit form words them, in its order. A name it does not offer is shown as
        stored rather than dropped: the page must not hide that something is withheld."""
        offered = dict(self.withholdable)
        labels = [label for name, label in self.withholdable if name in self.withheld_fields]
        return labels + [name for name in self.withheld_fields if name not in offered]

    @property
    def words(self) -> ItemWords:
        raise NotImplementedError


class StatusUpdateBase(models.Model):
    """One report on an item's progress: the item's RAG history, append-only. The concrete model declares the
    foreign key to its item and the evidence, whose folder is the app's own."""

    rag = models.CharField("RAG status", max_length=20, choices=RAG.choices)
    previous_rag = models.CharField(max_length=20, choices=RAG.choices)
    commentary = models.TextField(max_length=COMMENTARY)
    as_of = models.DateField("Date the update speaks for", validators=[DateInRange("The date the update speaks for")])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.item.ref}: {self.get_rag_display()} ({self.as_of})"

    @property
    def item(self) -> PlanItem:
        return getattr(self, item_key(type(self)))


@functools.cache
def item_key(model: type[StatusUpdateBase]) -> str:
    """The name of a status update model's foreign key to its item ("action")."""
    keys = [field for field in model._meta.concrete_fields if field.is_relation]
    return next(field.name for field in keys if issubclass(field.related_model, PlanItem))
