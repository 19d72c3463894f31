from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import BaseForm, DateField, EditForm

from .models import BoardMeeting, DeliveryPlan, validate_financial_year


class PlanForm(EditForm):
    submit_label = "Save plan"

    class Meta:
        model = DeliveryPlan
        fields = ["heading", "status", "introduction", "local_context", "rag_column"]
        labels = {
            "heading": "Title (optional)",
            "status": "Status",
            "introduction": "Introduction (optional)",
            "local_context": "Local context (optional)",
            "rag_column": "The plan's tables of actions have a RAG status column",
        }
        help_texts = {
            "heading": "Leave it empty for the usual title, Prevent Delivery Plan and its year",
            "rag_column": "Untick it for a plan written without one: its published version then has none either.",
            "introduction": "Write a passage that must not be published as [[withheld: the passage]].",
            "local_context": "Write a passage that must not be published as [[withheld: the passage]].",
        }
        error_messages = {"status": {"required": "Select a status", "invalid_choice": "Select a status"}}
        widgets = {"status": forms.RadioSelect}

    def shown(self) -> tuple:
        return (
            Field.text("heading"),
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("introduction", rows=10),
            Field.textarea("local_context", rows=10),
            Field.checkbox("rag_column"),
        )

    def reads(self, current: DeliveryPlan, name: str) -> str:
        # An empty heading means the usual title: the conflict page shows the title the plan has.
        return current.title if name == "heading" else super().reads(current, name)


class BoardMeetingForm(EditForm):
    submit_label = "Save meeting"

    date = DateField(label="Date of the meeting", help_text="For example, 27 3 2019")

    class Meta:
        model = BoardMeeting
        fields = ["date", "decisions"]
        labels = {"decisions": "Decisions (optional)"}
        help_texts = {"decisions": "What the Board decided, one decision per line"}

    def shown(self) -> tuple:
        return (
            "date",
            Field.textarea("decisions", rows=6),
        )


class RolloverForm(BaseForm):
    submit_label = "Create the new plan"

    year = forms.CharField(
        label="Financial year of the new plan",
        help_text="For example, 2019-20",
        error_messages={"required": "Enter the financial year of the new plan"},
    )

    carry_projects = forms.BooleanField(
        label="Carry the commissioned projects that are not complete too",
        help_text="With their objectives, outputs delivered against targets, and leads",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.text("year", field_width=5), Field.checkbox("carry_projects"))

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        validate_financial_year(year)
        return year
