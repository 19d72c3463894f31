from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT
from core.withheld import WHOLE_ITEM
from items.models import ItemWords, PlanItem, StatusUpdateBase


class Action(PlanItem):
    """A row of the plan: what will be done, by whom, by when, and how it stands."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="actions")
    # Null for rows the plan holds outside its objectives (2017-18 "Structure / staffing").
    objective = models.ForeignKey(
        "objectives.Objective", on_delete=models.PROTECT, related_name="actions", null=True, blank=True
    )
    reference = models.CharField(max_length=20, help_text='For example, "4.9"')
    position = PlanItem.field("position")
    section = models.CharField(max_length=100, blank=True, help_text="The table of the plan the action sits in")
    title = models.TextField("Action", max_length=LONG_TEXT)
    outcomes = PlanItem.field("outcomes")
    outputs = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One output per line")
    timescale = models.CharField(max_length=100, blank=True, help_text='As written, for example "March 2019"')
    due_date = PlanItem.field("due_date")
    lead = models.CharField(max_length=300, blank=True, help_text="The lead role, as the plan names it")
    # Set by a rollover on an action whose due date had passed before the new plan began: its timescale belongs to
    # last year, so the action is not overdue until the coordinator gives it a new one (which clears the flag).
    timescale_to_review = models.BooleanField(default=False, db_default=False, editable=False)
    lead_agency = models.CharField(max_length=200, blank=True)
    rag = PlanItem.field("rag")
    withheld_fields = PlanItem.field("withheld_fields")
    withdrawn_at = PlanItem.field("withdrawn_at")
    status_updated_at = PlanItem.field("status_updated_at")
    answers = models.ManyToManyField(
        "peer_review.Recommendation", related_name="actions", blank=True, verbose_name="recommendations answered"
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    history = HistoricalRecords(excluded_fields=["position"], m2m_fields=[answers])
    noun = "action"
    ref_field = "reference"
    withholdable = (
        (WHOLE_ITEM, "The whole action"),
        ("title", "Action"),
        ("outcomes", "Outcomes"),
        ("outputs", "Outputs"),
        ("lead", "Lead"),
    )

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
    def words(self) -> ItemWords:
        called = f"action {self.reference}"  # "action 4.9"
        alone = capfirst(called)
        return ItemWords(caption=alone, heading=self.title, label=called, message=alone, subject=called, called=alone)


def evidence_path(instance: "StatusUpdate", filename: str) -> str:
    return f"evidence/actions/{instance.action_id}/{filename}"


class StatusUpdate(StatusUpdateBase):
    """One report on an action's progress. Append-only: the action's RAG history."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="status_updates")
    evidence = models.FileField(upload_to=evidence_path, blank=True)
