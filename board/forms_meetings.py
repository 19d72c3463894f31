"""Forms of the Programme Board's record: its terms of reference, and a meeting's attendance and actions arising."""

from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from core.forms import BaseForm, DateField
from core.limits import COMMENTARY, LONG_TEXT
from plans.models_board import NAME, ProgrammeBoard, lines

from .services_meetings import TERMS_FIELDS

MEMBERS_HINT = (
    "One member a line: the agency, then a colon and the role, for example "
    "“London Fire Brigade: Borough Commander”. Leave out the colon when the terms name no role."
)


def _text(label: str, *, required: bool = False, limit: int = NAME, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=limit, required=required, **kwargs)


def _area(label: str, **kwargs: Any) -> forms.CharField:
    return _text(label, limit=LONG_TEXT, widget=forms.Textarea, **kwargs)


class ProgrammeBoardForm(BaseForm):
    submit_label = "Save terms of reference"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = _text("Name of the board", required=True, error_messages={"required": "Enter the name of the board"})
    chair = _text("Chaired by (optional)", help_text="The office that chairs it, not a person's name")
    remit = _area("Responsibility (optional)")
    frequency = _text("How often it meets (optional)", help_text="For example, bi-monthly")
    aims = _area("Aims (optional)", help_text="One aim a line")
    members = _area("Members by agency (optional)", help_text=MEMBERS_HINT)
    informed_by = _area("Bodies that inform it (optional)", help_text="One a line")
    reports_to = _area("What it reports to (optional)")

    @staticmethod
    def initial_for(board: ProgrammeBoard | None) -> dict[str, Any]:
        """What the form opens with: the terms as they are, or a new Board's name (version 0: none yet)."""
        if board is None:
            return {"version": 0, "name": "Prevent Programme Board"}
        members = "\n".join(f"{m.agency}: {m.role}" if m.role else m.agency for m in board.members.all())
        return {"version": board.version, "members": members, **{name: getattr(board, name) for name in TERMS_FIELDS}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.text("name"),
            Field.text("chair"),
            Field.textarea("remit", rows=3),
            Field.text("frequency", field_width=20),
            Field.textarea("aims", rows=8),
            Field.textarea("members", rows=10),
            Field.textarea("informed_by", rows=5),
            Field.textarea("reports_to", rows=2),
        )

    def clean_members(self) -> list[tuple[str, str]]:
        rows = []
        for number, line in enumerate(lines(self.cleaned_data["members"]), start=1):
            agency, _, role = line.partition(":")
            agency, role = agency.strip(), role.strip()
            if not agency:
                raise forms.ValidationError(f"Enter the agency of member {number}, before the colon")
            if len(agency) > NAME or len(role) > NAME:
                raise forms.ValidationError(
                    f"The agency and role of member {number} must be {NAME} characters or fewer"
                )
            rows.append((agency, role))
        return rows


class AttendanceForm(BaseForm):
    submit_label = "Add to the attendance"

    name = _text("Name", required=True, error_messages={"required": "Enter the name of the person"})
    role = _text("Role (optional)", help_text="For example, Chair, or Borough Commander")
    agency = _text("Agency (optional)", help_text="For example, London Fire Brigade")
    apologies = forms.TypedChoiceField(
        label="Were they there?",
        choices=[("no", "Attended"), ("yes", "Sent apologies")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they attended or sent apologies"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("name"), Field.text("role"), Field.text("agency"), Field.radios("apologies", inline=True)
        )


class ActionArisingForm(BaseForm):
    submit_label = "Add action arising"

    description = _text(
        "What is to be done",
        required=True,
        limit=COMMENTARY,
        widget=forms.Textarea,
        error_messages={"required": "Enter what is to be done"},
    )
    owner = _text(
        "Who is to do it",
        required=True,
        help_text="A role or a name, for example Prevent Co-ordinator",
        error_messages={"required": "Enter who is to do it"},
    )
    due_date = DateField(
        label="Due date (optional)", subject="due date", help_text="For example, 30 11 2018", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.textarea("description", rows=3), Field.text("owner"), "due_date")


class ArisingDoneForm(BaseForm):
    submit_label = "Mark as done"

    version = forms.IntegerField(widget=forms.HiddenInput)
    done_on = DateField(label="Date done", subject="date it was done", help_text="For example, 12 11 2018")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.disable_csrf = True
        self.helper.layout = Layout("version", "done_on")
