import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import is_stale
from core.limits import COMMENTARY, LONG_TEXT, OUTPUT_DESCRIPTION, DateInRange
from core.models import Versioned
from core.rag import RAG


class CommissionedProject(Versioned):
    """A project commissioned with Home Office Prevent grant (or other) money to deliver the plan's objectives."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="projects")
    objectives = models.ManyToManyField("objectives.Objective", related_name="projects", blank=True)
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=300)
    provider = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=LONG_TEXT)
    outcomes = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One outcome per line")
    lead = models.CharField("Lead agency or service", max_length=300, blank=True)
    funding_source = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField("Funding amount (£)", max_digits=10, decimal_places=2, null=True, blank=True)
    timescale = models.CharField(max_length=100, blank=True)
    # Kept as written because a plan's table had it (the 2018-19 Projects table's last column), though its
    # document says nothing of what it holds: naming it would invent a meaning.
    unheaded_column = models.CharField(
        "Unheaded column",
        max_length=300,
        blank=True,
        help_text="The cell of a last column the plan's Projects table has with no heading, as written",
    )
    due_date = models.DateField(null=True, blank=True, validators=[DateInRange("Due date")])
    rag = models.CharField("RAG status", max_length=20, choices=RAG.choices, default=RAG.NOT_STARTED)
    withheld_fields = models.JSONField(default=list, blank=True, help_text="Fields withheld from publication")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["position"], m2m_fields=[objectives])

    class Meta:
        ordering = ["plan", "position", "pk"]
        permissions = [("update_status", "Can update the RAG status and commentary")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="project_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.due_date is not None and self.due_date < today and self.rag != RAG.COMPLETE

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        return is_stale(self.rag, self.status_updated_at, now)

    def is_withheld(self, field: str) -> bool:
        return field in self.withheld_fields


class OutputTarget(models.Model):
    """A promised output of a project ("300 Workshops") and how much of it has been delivered."""

    project = models.ForeignKey(CommissionedProject, on_delete=models.CASCADE, related_name="output_targets")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(max_length=OUTPUT_DESCRIPTION)
    target = models.PositiveIntegerField(null=True, blank=True)
    delivered = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["position"])

    class Meta:
        ordering = ["project", "position", "pk"]

    def __str__(self) -> str:
        return self.description


def evidence_path(instance: "ProjectStatusUpdate", filename: str) -> str:
    return f"evidence/projects/{instance.project_id}/{filename}"


class ProjectStatusUpdate(models.Model):
    """One report on a project's progress. Append-only."""

    project = models.ForeignKey(CommissionedProject, on_delete=models.PROTECT, related_name="status_updates")
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
        return f"{self.project.name}: {self.get_rag_display()} ({self.as_of})"


class OutputDelivery(models.Model):
    """What a status update reported as delivered so far against one output target."""

    status_update = models.ForeignKey(ProjectStatusUpdate, on_delete=models.PROTECT, related_name="deliveries")
    output_target = models.ForeignKey(OutputTarget, on_delete=models.PROTECT, related_name="deliveries")
    previous_delivered = models.PositiveIntegerField()
    delivered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_update", "output_target"], name="delivery_unique_per_update"),
        ]

    def __str__(self) -> str:
        return f"{self.output_target}: {self.delivered}"
