from django.db import models
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT, TITLE
from core.models import Versioned
from core.words import Words


class Objective(Versioned):
    """A numbered local strategic Prevent objective of one plan."""

    plan = models.ForeignKey("plans.DeliveryPlan", on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    title = models.TextField(max_length=TITLE)
    description = models.TextField(blank=True, max_length=LONG_TEXT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="objective_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="objective_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Objective {self.number}: {self.title}"

    @property
    def words(self) -> Words:
        called = f"Objective {self.number}"
        return Words(label=called.lower(), message=called, called=called)
