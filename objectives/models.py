from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Versioned


class Objective(Versioned):
    """A numbered local strategic Prevent objective of one plan."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="objective_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="objective_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Objective {self.number}: {self.title}"
