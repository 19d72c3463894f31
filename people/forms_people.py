from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.db.models import QuerySet

from core.forms import BaseForm, PasswordChangeForm
from plans.forms import PlanForm
from plans.models import DeliveryPlan, Role, validate_financial_year

# The title and introduction are asked for as the plan's own form asks for them, so the two cannot drift apart.
_PLAN_FIELDS = forms.fields_for_model(
    DeliveryPlan, ["heading", "introduction"], labels=PlanForm.Meta.labels, help_texts=PlanForm.Meta.help_texts
)


class PlanCreateForm(BaseForm):
    submit_label = "Create the plan"

    year = forms.CharField(
        label="Financial year",
        help_text="For example, 2019-20",
        max_length=7,
        error_messages={
            "required": "Enter the financial year of the plan",
            "max_length": "Enter the financial year like 2018-19",
        },
    )
    heading = _PLAN_FIELDS["heading"]
    introduction = _PLAN_FIELDS["introduction"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("year", field_width=5), Field.text("heading"), Field.textarea("introduction", rows=8)
        )

    def clean_year(self) -> str:
        year = self.cleaned_data["year"].strip()
        validate_financial_year(year)
        return year


class InviteLeadForm(BaseForm):
    submit_label = "Send the invitation"

    name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter the lead's full name"})
    email = forms.EmailField(
        label="Email address",
        max_length=150,
        error_messages={
            "required": "Enter the lead's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    agency = forms.CharField(
        label="Agency",
        help_text="For example, Metropolitan Police or NHS Tower Hamlets",
        max_length=200,
        error_messages={"required": "Enter the lead's agency"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.helper.layout = Layout(Field.text("name"), Field.text("email"), Field.text("agency"))


class AcceptInvitationForm(PasswordChangeForm):
    """Setting the first password: the project's password change without the current password."""

    submit_label = "Set password and continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["old_password"]
        self.fields["new_password1"].label = "Create a password"
        self.fields["new_password1"].error_messages["required"] = "Enter a password"
        self.fields["new_password2"].label = "Confirm your password"
        self.fields["new_password2"].error_messages["required"] = "Confirm your password"


class MembershipAddForm(BaseForm):
    """Give one of the council's people or partners a role in it. Only people_of(council) are offered, so a
    coordinator can neither reach nor discover accounts of other councils."""

    submit_label = "Give the role"

    person = forms.ModelChoiceField(
        label="Person",
        queryset=None,
        empty_label="Choose a person",
        error_messages={"required": "Select the person", "invalid_choice": "Select one of the people listed"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role", "invalid_choice": "Select one of the roles listed"},
    )

    def __init__(self, *args: Any, people: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        person.queryset = people.order_by("first_name", "last_name", "username")
        person.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.helper.layout = Layout(Field.select("person"), Field.radios("role", legend_size="s"))
