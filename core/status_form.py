"""The status update form shared by actions and projects: RAG with hints, commentary, evidence, date."""

import datetime
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone

from .conflicts import status_rows
from .evidence import validate_evidence
from .forms import BaseForm, DateField
from .limits import COMMENTARY
from .rag import RAG

COMMENTARY_MAX = COMMENTARY


# Status updates shown on an item's page at a time, newest first: an item that has run for years pages its timeline
# rather than growing its page (and its rendering time) with every update.
TIMELINE_PER_PAGE = 10


class StatusUpdateForm(BaseForm):
    submit_label = "Save status update"

    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="RAG status",
        choices=[Choice(rag.value, rag.label, hint=rag.hint) for rag in RAG.reportable()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a RAG status", "invalid_choice": "Select a RAG status"},
    )
    commentary = forms.CharField(
        label="Commentary",
        help_text="What has happened since the last update, and what happens next. The Board reads this.",
        widget=forms.Textarea,
        max_length=COMMENTARY_MAX,
        error_messages={
            "required": "Enter a commentary",
            "max_length": f"Commentary must be {COMMENTARY_MAX} characters or fewer",
        },
    )
    as_of = DateField(
        label="Date the update speaks for",
        help_text="For example, 27 3 2019. Leave as today unless you are reporting on an earlier date.",
    )

    evidence = forms.FileField(
        label="Evidence (optional)",
        help_text="A PDF, Word document, Excel spreadsheet, PNG or JPEG, smaller than 10MB",
        required=False,
        error_messages={"invalid": "The selected file could not be read", "empty": "The selected file is empty"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            "version",
            Field.radios("rag", legend_size=Size.MEDIUM, legend_tag="h2"),
            Field.textarea("commentary", label_size=Size.MEDIUM, label_tag="h2", rows=6, max_characters=COMMENTARY_MAX),
            Field("as_of"),
            Field("evidence"),
        )
        self.helper.form_tag = False
        self.helper.inputs = []  # the page places its own button group with a Cancel link
        # The character count tells people they are over; a hard maxlength would cut their text silently.
        self.fields["commentary"].widget.attrs.pop("maxlength", None)

    @classmethod
    def arguments_for(cls, item: Any) -> dict[str, Any]:
        """What the form takes, besides its data, to report on `item`."""
        return {}

    def report(self) -> dict[str, Any]:
        """What was reported, as the status update services take it (the evidence apart: the page stores it first)."""
        data = self.cleaned_data
        names = ("rag", "commentary", "as_of")
        return {**{name: data[name] for name in names}, "expected_version": data["version"]}

    def conflict_rows(self, current: Any) -> list[tuple[str, str]]:
        """What the item says now, for the page shown when it was updated after the form was opened."""
        return status_rows(current)

    def clean_commentary(self) -> str:
        commentary = self.cleaned_data["commentary"].strip()
        if not commentary:
            raise forms.ValidationError("Enter a commentary")
        return commentary

    def clean_evidence(self) -> Any:
        return validate_evidence(self.cleaned_data.get("evidence"))

    def clean_as_of(self) -> datetime.date:
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("The date the update speaks for must be today or in the past")
        return as_of
