from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT, OUTPUT_DESCRIPTION
from core.withheld import WHOLE_ITEM
from items.models import ItemWords, PlanItem, StatusUpdateBase


class CommissionedProject(PlanItem):
    """A project commissioned with Home Office Prevent grant (or other) money to deliver the plan's objectives."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="projects")
    objectives = models.ManyToManyField("objectives.Objective", related_name="projects", blank=True)
    position = PlanItem.field("position")
    name = models.CharField(max_length=300)
    provider = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=LONG_TEXT)
    outcomes = PlanItem.field("outcomes")
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
    due_date = PlanItem.field("due_date")
    rag = PlanItem.field("rag")
    withheld_fields = PlanItem.field("withheld_fields")
    withdrawn_at = PlanItem.field("withdrawn_at")
    status_updated_at = PlanItem.field("status_updated_at")

    history = HistoricalRecords(excluded_fields=["position"], m2m_fields=[objectives])
    noun = "project"
    ref_field = "name"
    plan_anchor = "#projects"
    withholdable = (
        (WHOLE_ITEM, "The whole project"),
        ("name", "Project name"),
        ("provider", "Provider"),
        ("description", "Description"),
        ("outcomes", "Outcomes"),
        ("outputs", "Outputs"),
        ("unheaded_column", "Unheaded column"),
    )

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
    def words(self) -> ItemWords:
        name = self.name
        caption, label, message = "Commissioned project", f"project: {name}", f"Project {name}"
        return ItemWords(caption=caption, heading=name, label=label, message=message, subject=name, called=name)


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


class ProjectStatusUpdate(StatusUpdateBase):
    """One report on a project's progress. Append-only."""

    project = models.ForeignKey(CommissionedProject, on_delete=models.PROTECT, related_name="status_updates")
    evidence = models.FileField(upload_to=evidence_path, blank=True)


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
