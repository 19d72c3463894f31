from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT, DateInRange
from core.models import Versioned
from core.words import Words


class Review(Versioned):
    """A review of the council's Prevent work whose recommendations the plan answers."""

    class Kind(models.TextChoices):
        PEER_REVIEW = "peer_review", "Home Office peer review"
        SCRUTINY_REVIEW = "scrutiny_review", "Scrutiny review"

    council = models.ForeignKey("plans.Council", on_delete=models.PROTECT, related_name="reviews")
    slug = models.SlugField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)

    class DatePrecision(models.TextChoices):
        """How much of its date the review's document gives: a day, only a month or a year, or none at all."""

        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"
        NOT_STATED = "not_stated", "Not stated"

    # A month or a year is held as its first day, and date_precision says so: never shown as that invented day.
    date = models.DateField(null=True, blank=True, validators=[DateInRange("Date of the review")])
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    summary = models.TextField(blank=True, max_length=LONG_TEXT)
    areas = models.TextField("Areas reviewed", blank=True, max_length=LONG_TEXT, help_text="One area per line")
    key_findings = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One finding per line")

    history = HistoricalRecords()

    class Meta:
        ordering = ["council", models.F("date").desc(nulls_last=True), "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="review_unique_slug"),
            models.CheckConstraint(
                condition=(
                    models.Q(date__isnull=True, date_precision="not_stated")
                    | (models.Q(date__isnull=False) & ~models.Q(date_precision="not_stated"))
                ),
                name="review_date_as_precise_as_stated",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def words(self) -> Words:
        return Words(label=self.title, message=self.title, called=self.title)

    @property
    def date_shown(self) -> str:
        """The date as precisely as the review gives it: "14 February 2018", "February 2018", "2018"."""
        if self.date is None:
            return "Date not stated"
        formats = {self.DatePrecision.MONTH: "%B %Y", self.DatePrecision.YEAR: "%Y"}
        return self.date.strftime(formats.get(self.date_precision, "%-d %B %Y"))

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


class Recommendation(Versioned):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=300, blank=True)
    text = models.TextField(max_length=LONG_TEXT)
    owner = models.CharField(
        max_length=300,
        blank=True,
        help_text="Whom the recommendation addresses: a service, the council, elected members",
    )

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

    @property
    def words(self) -> Words:
        called = f"Recommendation {self.number}"
        return Words(label=f"recommendation {self.number} of the {self.review.title}", message=called, called=called)
