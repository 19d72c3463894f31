"""The Prevent Programme Board: its terms of reference, and what each of its meetings records besides the decisions.

Every row here is tracked by django-simple-history, so it is in the append-only history, the audit chain and
`verify_audit`, like the plan itself. Imported by plans.models, so Django finds the models with the app's own.
"""

import datetime

from django.db import models
from simple_history.models import HistoricalRecords

from core.limits import COMMENTARY, LONG_TEXT, DateInRange
from core.models import Versioned

NAME = 200


def lines(text: str) -> list[str]:
    """The non-blank lines of a text kept one item a line (the Board's aims, the bodies that inform it)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ProgrammeBoard(Versioned):
    """A council's Prevent Programme Board, as its terms of reference describe it: one per council."""

    council = models.OneToOneField("plans.Council", on_delete=models.PROTECT, related_name="programme_board")
    name = models.CharField(max_length=NAME, default="Prevent Programme Board")
    chair = models.CharField("Chaired by", max_length=NAME, blank=True)
    remit = models.TextField("Responsibility", blank=True, max_length=LONG_TEXT)
    frequency = models.CharField("How often it meets", max_length=NAME, blank=True)
    aims = models.TextField(blank=True, max_length=LONG_TEXT, help_text="One aim a line")
    informed_by = models.TextField("Bodies that inform it", blank=True, max_length=LONG_TEXT)
    reports_to = models.TextField("What it reports to", blank=True, max_length=LONG_TEXT)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    @property
    def aim_list(self) -> list[tuple[str, str]]:
        """The aims lettered a), b), ... as terms of reference list them."""
        return [(f"{chr(ord('a') + n)})" if n < 26 else "", aim) for n, aim in enumerate(lines(self.aims))]

    @property
    def informed_by_list(self) -> list[str]:
        return lines(self.informed_by)


class BoardMember(models.Model):
    """A seat on the Board, by agency: the terms of reference name offices, not people."""

    board = models.ForeignKey(ProgrammeBoard, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveIntegerField(default=0)
    agency = models.CharField(max_length=NAME)
    role = models.CharField(max_length=NAME, blank=True)

    # Order is kept on the live rows only, as for actions and projects: moving a seat is not a change of the terms.
    history = HistoricalRecords(excluded_fields=["position"])

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.role}" if self.role else self.agency


class MeetingAttendance(models.Model):
    """Someone at a Board meeting, or who sent apologies."""

    meeting = models.ForeignKey("plans.BoardMeeting", on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=NAME)
    role = models.CharField(max_length=NAME, blank=True)
    agency = models.CharField(max_length=NAME, blank=True)
    apologies = models.BooleanField("Sent apologies", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["apologies", "pk"]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.name, self.role, self.agency) if part)


class ActionArising(Versioned):
    """Something the Board asked someone to do at a meeting. It comes back at every later meeting until done."""

    meeting = models.ForeignKey("plans.BoardMeeting", on_delete=models.CASCADE, related_name="actions_arising")
    description = models.TextField(max_length=COMMENTARY)
    owner = models.CharField(max_length=NAME)
    due_date = models.DateField(null=True, blank=True, validators=[DateInRange("Due date")])
    done_on = models.DateField(null=True, blank=True, validators=[DateInRange("Date done")])

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "actions arising"

    def __str__(self) -> str:
        return self.description[:80]

    def is_open_on(self, date: datetime.date) -> bool:
        """Still to report on at a meeting on `date`: one done on the meeting's own day is reported there."""
        return self.done_on is None or self.done_on >= date
