import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.limits import COMMENTARY, LONG_TEXT, DateInRange
from core.models import Versioned
from core.rag import RAG


class Action(Versioned):
    """A row of the plan: what will be done, by whom, by when, and how it stands."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="actions")
    # Null for rows the plan holds outside its objectives (2017-18 "Structure / staffing").
    objective = models.ForeignKey(
        "objectives.Objective", on_delete=models.PROTECT, related_name="actions", null=True, blank=True
    )
    reference = models.CharField(max_length=20, help_text='For example, "4.9"')
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=100, blank=True, help_text="The table of the plan the action sits in")
    title = models.TextField("Action", max_length=LONG_TEXT)
    outcomes = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One outcome per line")
    outputs = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One output per line")
    timescale = models.CharField(max_length=100, blank=True, help_text='As written, for example "March 2019"')
    due_date = models.DateField(null=True, blank=True, validators=[DateInRange("Due date")])
    lead = models.CharField(max_length=300, blank=True, help_text="The lead role, as the plan names it")
    # Set by a rollover on an action whose due date had passed before the new plan began: its timescale belongs to
    # last year, so the action is not overdue until the coordinator gives it a new one (which clears the flag).
    timescale_to_review = models.BooleanField(default=False, db_default=False, editable=False)
    lead_agency = models.CharField(max_length=200, blank=True)
    rag = models.CharField("RAG status", max_length=20, choices=RAG.choices, default=RAG.NOT_STARTED)
    withheld_fields = models.JSONField(default=list, blank=True, help_text="Fields withheld from publication")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # When the latest status update was recorded: lists flag stale items without reading the updates.
    status_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    answers = models.ManyToManyField(
        "peer_review.Recommendation", related_name="actions", blank=True, verbose_name="recommendations answered"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    history = HistoricalRecords(excluded_fields=["position"], m2m_fields=[answers])

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "reference"], name="action_unique_reference"),
        ]
        permissions = [("update_status", "Can update the RAG status and commentary")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.timescale_to_review:
            return False
        return self.due_date is not None and self.due_date < today and self.rag != RAG.COMPLETE

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """No update for one Board cycle (settings.STALE_AFTER_DAYS), and not yet complete."""
        return is_stale(self.rag, self.status_updated_at, now)

    def is_withheld(self, field: str) -> bool:
        return field in self.withheld_fields


def is_stale(rag: str, updated_at: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    if rag == RAG.COMPLETE:
        return False
    now = now or timezone.now()
    return updated_at is None or now - updated_at > datetime.timedelta(days=settings.STALE_AFTER_DAYS)


def evidence_path(instance: "StatusUpdate", filename: str) -> str:
    return f"evidence/actions/{instance.action_id}/{filename}"


class StatusUpdate(models.Model):
    """One report on an action's progress. Append-only: the action's RAG history."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="status_updates")
    rag = models.CharField("RAG status", max_length=20, choices=RAG.choices)
    previous_rag = models.CharField(max_length=20, choices=RAG.choices)
    commentary = models.TextField(max_length=COMMENTARY)
    evidence = models.FileField(upload_to=evidence_path, blank=True)
    as_of = models.DateField("Date the update speaks for", validators=[DateInRange("The date the update speaks for")])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.action.reference}: {self.get_rag_display()} ({self.as_of})"
