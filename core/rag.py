"""The RAG scale of UK public bodies (BRAG): the plan's own status column."""

from django.core.exceptions import ValidationError
from django.db import models


class RAG(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    COMPLETE = "complete", "Complete"
    # The source gives no status (the 2017-18 plan has no RAG column; the published 2018-19 leaves it empty).
    # Kept apart from Not started, which says something the documents never said.
    NO_STATUS = "no_status", "No status recorded"

    @classmethod
    def reportable(cls) -> list["RAG"]:
        """The statuses a status update can report: "No status recorded" is what an item holds before any."""
        return [rag for rag in cls if rag != cls.NO_STATUS]

    @property
    def hint(self) -> str:
        return RAG_HINTS[self]

    @property
    def tag_class(self) -> str:
        return RAG_TAG_CLASSES[self]


RAG_HINTS = {
    RAG.NOT_STARTED: "Work has not begun yet.",
    RAG.GREEN: "On track: will be delivered by the due date.",
    RAG.AMBER: "At risk: may miss the due date or fall short without attention.",
    RAG.RED: "Off track: will not be delivered as planned without the Board's help.",
    RAG.COMPLETE: "Delivered: nothing more to do.",
    RAG.NO_STATUS: "The plan gives no status for it, and none has been reported since.",
}

RAG_TAG_CLASSES = {
    RAG.NOT_STARTED: "govuk-tag--grey",
    RAG.GREEN: "govuk-tag--green",
    RAG.AMBER: "govuk-tag--yellow",
    RAG.RED: "govuk-tag--red",
    RAG.COMPLETE: "",  # the default tag colour is blue
    RAG.NO_STATUS: "govuk-tag--purple",
}


def reported_rag(value: str) -> RAG:
    """The status a status update reports: any but "No status recorded", which only the source documents give."""
    rag = RAG(value)
    if rag not in RAG.reportable():
        raise ValidationError("Select a RAG status")
    return rag
