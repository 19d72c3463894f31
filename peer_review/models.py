from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT, DateInRange
from core.models import Versioned


class Review(Versioned):
    """A review of the council's Prevent work whose recommendations the plan answers."""

    class Kind(models.TextChoices):
        PEER_REVIEW = "peer_review", "Home Office peer review"
        SCRUTINY_REVIEW = "scrutiny_review", "Scrutiny review"

    council = models.ForeignKey("plans.Council", on_delete=models.PROTECT, related_name="reviews")
    slug = models.SlugField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    date = models.DateField(validators=[DateInRange("Date of the review")])
    summary = models.TextField(blank=True, max_length=LONG_TEXT)
    areas = models.TextField("Areas reviewed", blank=True, max_length=LONG_TEXT, help_text="One area per line")
    key_findings = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One finding per line")

    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="review_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Recommendation(Versioned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=300, blank=True)
    text = models.TextField(max_length=LONG_TEXT)
    owner = models.CharField(max_length=300, blank=True, help_text="The service that owns the recommendation")

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="recommendation_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.review.title}, recommendation {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("peer_review:recommendation", args=[self.pk])
