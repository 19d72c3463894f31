import re
from decimal import Decimal
from typing import Any

from crispy_forms.layout import HTML
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Exists, OuterRef
from django.utils.html import format_html

from core.conflicts import status_rows
from core.forms import plain_label
from core.limits import OUTPUT_DESCRIPTION
from core.status_form import StatusUpdateForm
from items.forms import PlanItemForm, checkboxes, lead_usernames_field, withheld_fields_field
from objectives.models import Objective

from .models import CommissionedProject, OutputDelivery, OutputTarget
from .services import MAX_COUNT, OutputSpec

WITHHOLDABLE = list(CommissionedProject.withholdable)
NEW_OUTPUT_ROWS = 3
DESCRIPTION_MAX = OUTPUT_DESCRIPTION
LEADING_NUMBER = re.compile(r"^\s*(\d[\d,]*)\b")
NUMERIC = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}


class CountField(forms.IntegerField):
    """A whole number typed as text (GOV.UK avoids type=number); "1,200" and " 1200 " are accepted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMERIC))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


class PoundsField(forms.DecimalField):
    """An amount of money typed as text; a leading £ and thousands commas are accepted."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


def so_far(target: OutputTarget) -> str:
    """What an output has delivered, against its target if it has one: "120 of 300"."""
    return f"{target.delivered:,} of {target.target:,}" if target.target else f"{target.delivered:,}"


def count_errors(what: str, minimum: int) -> dict[str, str]:
    """GOV.UK wording for a whole number, `what` being e.g. "the number delivered so far for 300 Workshops"."""
    return {
        "required": f"Enter {what}",
        "invalid": f"Enter {what} as a whole number",
        "min_value": f"{what[0].upper()}{what[1:]} must be {minimum} or more",
        "max_value": f"{what[0].upper()}{what[1:]} must be {MAX_COUNT:,} or fewer",
    }


class ProjectStatusForm(StatusUpdateForm):
    """The shared status update form, plus the number delivered so far against each of the project's outputs."""

    def __init__(self, *args: Any, targets: list[OutputTarget], submit_button: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        # The conflict page renders the form alone, without the status page's own button group.
        self.rebind_kwargs = {"targets": targets, "submit_button": True}
        self.helper.disable_csrf = True  # the page's <form> carries the token
        if submit_button:
            # The conflict page renders the form alone, without the status page's own button group.
            self.helper.add_input(Submit("submit", self.submit_label))
        for target in targets:
            self.fields[self.field_name(target)] = CountField(
                label=format_html("Delivered so far: {}", target.description),
                help_text=format_html(
                    "Last reported: {}{}. Enter the total to date, not the number since the last update.",
                    so_far(target),
                    "" if target.target else " (no number targeted)",
                ),
                min_value=0,
                max_value=MAX_COUNT,
                initial=target.delivered,
                error_messages=count_errors(f"the number delivered so far for {target.description}", 0),
            )
        if targets:
            outputs = Fieldset(
                *[Field.text(self.field_name(target), field_width=10) for target in targets],
                legend="Outputs delivered",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            )
            self.helper.layout.insert(3, outputs)  # after the commentary: version, rag, commentary come first

    @classmethod
    def arguments_for(cls, item: CommissionedProject) -> dict[str, Any]:
        return {"targets": list(item.output_targets.all())}

    @staticmethod
    def field_name(target: OutputTarget) -> str:
        return f"delivered_{target.pk}"

    def report(self) -> dict[str, Any]:
        """With the number delivered so far of each output target, by its pk."""
        deliveries = {target.pk: self.cleaned_data[self.field_name(target)] for target in self.targets}
        return {**super().report(), "deliveries": deliveries}

    def conflict_rows(self, current: CommissionedProject) -> list[tuple[str, str]]:
        """With what each output has delivered now. The form is shown again with the outputs the project has now:
        one added since the form opened starts at its current count rather than as a blank error."""
        self.rebind_kwargs["targets"] = targets = list(current.output_targets.all())
        self.data = self.data.copy()
        for target in targets:
            self.data.setdefault(self.field_name(target), str(target.delivered))
        return status_rows(current) + [
            (f"Delivered so far: {target.description}", so_far(target)) for target in targets
        ]


class ObjectiveChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.number}. {obj.title}"


class ProjectForm(PlanItemForm):
    """A project's content and its output targets, in one form so one error summary and one conflict page cover both.

    Each existing output has its own fields, named by its pk; NEW_OUTPUT_ROWS blank rows add outputs.
    """

    submit_label = "Save project"
    conflict_fields = ("name", "provider", "description", "outcomes", "lead", "timescale")

    amount = PoundsField(
        label="Funding amount in pounds (optional)",
        help_text="For example, 12000 or 12000.50",
        required=False,
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter the funding amount as a number, like 12000 or 12000.50",
            "min_value": "The funding amount must be £0 or more",
            "max_digits": "The funding amount must be less than £100,000,000",
            "max_whole_digits": "The funding amount must be less than £100,000,000",
            "max_decimal_places": "Enter the funding amount with no more than 2 digits for pence",
        },
    )
    objectives = checkboxes(ObjectiveChoiceField, "Objectives this project delivers (optional)")
    lead_usernames = lead_usernames_field("project")
    withheld_fields = withheld_fields_field(WITHHOLDABLE)

    class Meta:
        model = CommissionedProject
        fields = [
            *("name", "provider", "description", "outcomes", "lead", "funding_source", "amount", "timescale"),
            "unheaded_column",
        ]
        labels = {
            "name": "Project name",
            "provider": "Provider (optional)",
            "description": "Description (optional)",
            "outcomes": "Outcomes (optional)",
            "lead": "Lead agency or service (optional)",
            "funding_source": "Funding source (optional)",
            "timescale": "Timescale (optional)",
            "unheaded_column": "Unheaded column (optional)",
        }
        help_texts = {
            "provider": "The organisation commissioned to deliver it",
            "outcomes": "One outcome per line",
            "funding_source": 'For example, "Home Office Prevent grant"',
            "timescale": 'As the plan words it, for example "September 2018 March 2019" or "Ongoing"',
            "unheaded_column": "Only if the plan's Projects table ends with a column it gives no heading: that cell, "
            "as written",
        }
        error_messages = {"name": {"required": "Enter the project name"}}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(plan=self.plan)
        limits = (("name", 300), ("provider", 300), ("lead", 300), ("funding_source", 200), ("unheaded_column", 300))
        for name, size in limits:
            self.fields[name].error_messages["max_length"] = (
                f"{plain_label(self.fields[name])} must be {size} characters or fewer"
            )
        if self.instance.pk:
            self.fields["objectives"].initial = list(self.instance.objectives.all())
            reported = OutputDelivery.objects.filter(output_target=OuterRef("pk"))
            self.targets = list(self.instance.output_targets.annotate(reported=Exists(reported)))
        else:
            self.targets = []
        self.helper.form_tag = False  # the page (form_page.html or conflict.html) provides the <form> and token
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.text("name"),
            Field.text("provider"),
            Field.textarea("description", rows=4),
            Field.textarea("outcomes", rows=4),
            Field.checkboxes("objectives", legend_size=Size.SMALL, small=True),
            Field.text("lead"),
            Field.text("funding_source"),
            Field.text("amount", field_width=10),
            Field.text("timescale", field_width="two-thirds"),
            Field("due_date"),
            Field.text("unheaded_column"),
            Field.text("lead_usernames"),
            Field.checkboxes("withheld_fields", legend_size=Size.SMALL, small=True),
            HTML(
                '<h2 class="govuk-heading-m">Outputs</h2>'
                '<p class="govuk-body">What the project promises to deliver, as the plan words it (for example '
                '"300 Workshops"), and the number targeted, so delivery can be measured against it. To add more than '
                "three outputs, save and change the project again.</p>"
            ),
            *self._output_rows(),
        )

    def _output_rows(self) -> list[Fieldset]:
        rows = []
        for number, target in enumerate(self.targets, start=1):
            rows.append(self._row(f"output_{target.pk}", f"output {number}", target=target))
        for number in range(1, NEW_OUTPUT_ROWS + 1):
            rows.append(self._row(f"new_output_{number}", f"new output {number}"))
        return rows

    def _row(self, prefix: str, name: str, *, target: OutputTarget | None = None) -> Fieldset:
        """Fields for one output: description, number targeted and, for an existing one, a remove checkbox."""
        description = forms.CharField(
            label="Description",
            required=False,
            max_length=DESCRIPTION_MAX,
            initial=target.description if target else None,
            error_messages={"max_length": f"The description of {name} must be {DESCRIPTION_MAX} characters or fewer"},
        )
        self.fields[f"{prefix}_description"] = description
        self.fields[f"{prefix}_target"] = CountField(
            label="Number targeted (optional)",
            required=False,
            min_value=1,
            max_value=MAX_COUNT,
            initial=target.target if target else None,
            help_text=None if target else "Leave blank to use the number the description starts with, if any",
            error_messages=count_errors(f"the number targeted for {name}", 1),
        )
        fields = [Field.text(f"{prefix}_description"), Field.text(f"{prefix}_target", field_width=10)]
        if target and target.reported:
            description.help_text = "Deliveries have been reported against this output, so it cannot be removed"
        elif target:
            self.fields[f"{prefix}_remove"] = forms.BooleanField(label="Remove this output", required=False)
            fields.append(Field.checkbox(f"{prefix}_remove", small=True))
        return Fieldset(*fields, legend=name[0].upper() + name[1:], legend_size=Size.SMALL)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.outputs = self._clean_outputs(cleaned)
        return cleaned

    def _clean_outputs(self, cleaned: dict[str, Any]) -> list[OutputSpec]:
        outputs = []
        for number, target in enumerate(self.targets, start=1):
            prefix = f"output_{target.pk}"
            if cleaned.get(f"{prefix}_remove"):
                self._errors.pop(f"{prefix}_target", None)  # a bad number does not matter in a row being removed
                self._errors.pop(f"{prefix}_description", None)
                continue
            description = (cleaned.get(f"{prefix}_description") or "").strip()
            if not description and f"{prefix}_description" not in self.errors:
                message = f"Enter the description of output {number}"
                if not target.reported:
                    message += ", or select Remove this output"
                self.add_error(f"{prefix}_description", message)
            outputs.append(OutputSpec(description, cleaned.get(f"{prefix}_target"), pk=target.pk))
        for number in range(1, NEW_OUTPUT_ROWS + 1):
            prefix = f"new_output_{number}"
            description = (cleaned.get(f"{prefix}_description") or "").strip()
            target = cleaned.get(f"{prefix}_target")
            if not description:
                # A description refused as too long is not missing: its own message says what is wrong.
                if target is not None and f"{prefix}_description" not in self.errors:
                    self.add_error(f"{prefix}_description", f"Enter the description of new output {number}")
                continue
            if target is None and f"{prefix}_target" not in self.errors:
                leading = LEADING_NUMBER.match(description)
                number_in_text = int(leading.group(1).replace(",", "")) if leading else 0
                target = number_in_text if 1 <= number_in_text <= MAX_COUNT else None
            outputs.append(OutputSpec(description, target))
        return outputs

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = self.content(self._meta.fields)
        return {
            "fields": fields,
            "objectives": list(data["objectives"]),
            "outputs": self.outputs,
            "leads": data["lead_usernames"],
        }

    def conflict_rows(self, current: CommissionedProject) -> list[tuple[str, str]]:
        outputs = "\n".join(f"{target.description} ({so_far(target)})" for target in current.output_targets.all())
        return [*super().conflict_rows(current), ("Outputs (delivered so far)", outputs or "None")]
