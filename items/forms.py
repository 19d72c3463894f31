"""What the action and project forms share: the version edited, the due date taken from the timescale when left
blank, leads by username and fields withheld from publication."""

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from core.forms import BaseModelForm, DateField
from core.timescale import due_date_from_timescale, timescale_message, years_out_of_range
from plans.access import people_of
from plans.models import DeliveryPlan


def users_named(text: str, *, among: QuerySet, group: str) -> list[AbstractBaseUser]:
    """The accounts with these comma-separated usernames, found only `among` the users given (`group` names them).

    An account outside them gets the same message as one that does not exist, so the form reveals nothing about
    who has an account elsewhere.
    """
    names = [name.strip() for name in text.split(",") if name.strip()]
    users = {user.get_username(): user for user in among.filter(username__in=names)}
    unknown = [name for name in names if name not in users]
    if unknown:
        raise forms.ValidationError(f"There is no account with the username {', '.join(unknown)} among {group}")
    return list(users.values())


def checkboxes[F: forms.ModelMultipleChoiceField](field_class: type[F], label: str) -> F:
    """Related rows to tick, optional; the form offers the rows of the item's own plan or council."""
    return field_class(label=label, queryset=None, widget=forms.CheckboxSelectMultiple, required=False)


def lead_usernames_field(noun: str) -> forms.CharField:
    """Who reports on an action or project, typed as usernames; `noun` is "action" or "project"."""
    return forms.CharField(
        label=f"People who report on this {noun} (optional)",
        help_text=(
            "Their usernames, separated by commas: people with a role in the council, or already reporting on one "
            f"of its plans. They can update this {noun}'s status and nothing else."
        ),
        required=False,
    )


def withheld_fields_field(choices: list[tuple[str, str]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Withhold from the published plan (optional)",
        help_text="To withhold only part of a text, write it as [[withheld: the passage]].",
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class PlanItemForm(BaseModelForm):
    """An action's or project's content. The form declares `timescale`, `lead_usernames` and `withheld_fields`;
    `conflict_fields` are what the conflict page shows of the item, and `changes()` gives what the form changes as
    the app's create and change services take it."""

    conflict_fields: tuple[str, ...]

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date = DateField(
        label="Due date (optional)",
        subject="due date",
        help_text="Leave blank to take it from the timescale: the end of the last month it names.",
        required=False,
    )

    def __init__(self, *args: Any, plan: DeliveryPlan, leads: list[AbstractBaseUser] | None = None, **kwargs: Any):
        """`leads` are the item's leads now (None for a new item); any of the people of the plan's council may be."""
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.lead_candidates, self.council_name = people_of(plan.council), plan.council.name
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["withheld_fields"].initial = self.instance.withheld_fields
            self.fields["due_date"].initial = self.instance.due_date
        if leads is not None:
            self.fields["lead_usernames"].initial = ", ".join(sorted(user.get_username() for user in leads))

    def changes(self) -> dict[str, Any]:
        raise NotImplementedError

    def conflict_rows(self, current: Any) -> list[tuple[str, str]]:
        """What the item says now, for the page shown when it was changed after the form was opened."""
        return [(self.fields[name].label, str(getattr(current, name) or "")) for name in self.conflict_fields]

    def content(self, names: list[str]) -> dict[str, Any]:
        """The item's own fields among `names`, with its due date and the fields it withholds, as the services take
        them."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in names},
            "due_date": data.get("due_date"),
            "withheld_fields": data.get("withheld_fields") or [],
        }

    def clean_lead_usernames(self) -> list[AbstractBaseUser]:
        group = f"the people and partners of {self.council_name}"
        return users_named(self.cleaned_data["lead_usernames"], among=self.lead_candidates, group=group)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        beyond = years_out_of_range(cleaned.get("timescale") or "")
        if beyond:
            self.add_error("timescale", timescale_message(beyond))
        elif not cleaned.get("due_date") and cleaned.get("timescale"):
            cleaned["due_date"] = due_date_from_timescale(cleaned["timescale"])
        return cleaned
