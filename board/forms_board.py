"""Forms of the Board's pages: the dashboard's filters and past moment, and the coordinator's update request."""

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.text import Truncator

from core.forms import BaseForm, DateField
from core.limits import MESSAGE
from core.rag import RAG
from plans.models import BoardMeeting
from snapshots.shapes import ObjectiveState

MESSAGE_MAX = MESSAGE
# A select shows its options on one line: longer labels are cut by the browser, mid-word and without a sign.
OPTION_CHARACTERS = 45


def short_label(text: str) -> str:
    return Truncator(text).chars(OPTION_CHARACTERS)


def objective_label(objective: ObjectiveState) -> str:
    return short_label(f"{objective.number}. {objective.title}")


class DashboardFilterForm(BaseForm):
    """GET form: the page writes its own <form> and buttons ("Apply filters", "Clear filters")."""

    objective = forms.TypedChoiceField(label="Objective", coerce=int, empty_value=None, required=False)
    lead_agency = forms.ChoiceField(label="Lead agency", required=False)
    rag = forms.MultipleChoiceField(
        label="RAG status", choices=RAG.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(
        self, *args: Any, objectives: Sequence[ObjectiveState], lead_agencies: Sequence[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "All objectives")] + [
            (objective.pk, objective_label(objective)) for objective in objectives
        ]
        self.fields["lead_agency"].choices = [("", "All lead agencies")] + [
            (name, short_label(name)) for name in lead_agencies
        ]
        self.fields["objective"].error_messages["invalid_choice"] = "Select an objective of this plan"
        self.fields["lead_agency"].error_messages["invalid_choice"] = "Select a lead agency from the list"
        self.fields["rag"].error_messages["invalid_choice"] = "Select RAG statuses from the list"
        self.helper.inputs = []
        self.helper.form_method = "get"  # no CSRF token: it would end up in the address, shared and logged
        self.helper.layout = Layout(
            Field.select("objective"),
            Field.select("lead_agency"),
            Field.checkboxes("rag", legend_size=Size.SMALL, small=True),
        )


class MomentForm(BaseForm):
    """GET form: a Board meeting of the plan, or a date, to show the dashboard as it stood then."""

    meeting = forms.TypedChoiceField(label="A Board meeting", coerce=int, empty_value=None, required=False)
    date = DateField(label="Or a date", subject="date", help_text="For example, 12 11 2018", required=False)

    def __init__(self, *args: Any, meetings: Sequence[BoardMeeting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meetings = {meeting.pk: meeting for meeting in meetings}
        self.fields["meeting"].choices = [("", "Choose a meeting")] + [
            (meeting.pk, f"{meeting.date:%-d %B %Y}") for meeting in meetings
        ]
        self.fields["meeting"].error_messages["invalid_choice"] = "Select a Board meeting of this plan"
        self.helper.inputs = []
        self.helper.form_method = "get"  # as the filters: no CSRF token in the address
        self.helper.layout = Layout(Field.select("meeting"), "date")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        meeting, date = data.get("meeting"), data.get("date")
        if meeting and date:
            self.add_error("meeting", "Choose a Board meeting or enter a date, not both")
        elif date and date > timezone.localdate():
            self.add_error("date", "The date must be today or in the past")
        elif not meeting and not date and not self.errors:
            self.add_error("meeting", "Choose a Board meeting or enter a date")
        return data

    @property
    def chosen_meeting(self) -> BoardMeeting | None:
        pk = self.cleaned_data.get("meeting")
        return self.meetings.get(pk) if pk else None


class UpdateRequestForm(BaseForm):
    submit_label = "Send update request"

    message = forms.CharField(
        label="Message to the leads (optional)",
        help_text="It goes at the top of every email, above the list of the lead's items.",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": f"The message must be {MESSAGE_MAX:,} characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.textarea("message", rows=5, max_characters=MESSAGE_MAX))
