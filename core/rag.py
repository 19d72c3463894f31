"""The RAG scale of UK public bodies (BRAG): the plan's own status column."""

from django.db import models


class RAG(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    COMPLETE = "complete", "Complete"

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
}

RAG_TAG_CLASSES = {
    RAG.NOT_STARTED: "govuk-tag--grey",
    RAG.GREEN: "govuk-tag--green",
    RAG.AMBER: "govuk-tag--yellow",
    RAG.RED: "govuk-tag--red",
    RAG.COMPLETE: "",  # the default tag colour is blue
}
