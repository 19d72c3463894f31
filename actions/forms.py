from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from items.forms import PlanItemForm, checkboxes, lead_usernames_field, withheld_fields_field
from objectives.models import Objective
from peer_review.models import Recommendation

from .models import Action

WITHHOLDABLE = list(Action.withholdable)


class RecommendationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Recommendation) -> str:
        return f"{obj.review.title}, recommendation {obj.number}: {obj.text.splitlines()[0] if obj.text else ''}"


# The table of the plan that holds actions under no objective, as the plan's pages name it.
OUTSIDE_OBJECTIVES = "Other actions"


class ActionForm(PlanItemForm):
    submit_label = "Save action"
    conflict_fields = ("reference", "title", "outcomes", "outputs", "timescale", "lead")

    answers = checkboxes(RecommendationChoiceField, "Review recommendations this action answers")
    lead_usernames = lead_usernames_field("action")
    withheld_fields = withheld_fields_field(WITHHOLDABLE)

    class Meta:
        model = Action
        fields = ["objective", "reference", "title", "outcomes", "outputs", "timescale", "lead", "lead_agency"]
        labels = {"lead": "Lead", "lead_agency": "Lead agency (optional)", "objective": "Objective"}
        help_texts = {
            "reference": 'For example, "4.9"',
            "lead": 'The role that leads the action, as the plan names it, for example "Prevent Co-ordinator"',
            "timescale": 'As the plan words it, for example "September 2018 March 2019" or "Ongoing"',
            "outcomes": "One outcome per line",
            "outputs": "One output per line",
        }
        error_messages = {
            "reference": {"required": "Enter a reference"},
            "title": {"required": "Enter what the action is"},
            "timescale": {"required": "Enter a timescale"},
            "lead": {"required": "Enter the lead"},
        }
        widgets = {"title": forms.Textarea(attrs={"rows": 3})}

    # The order of the page, so the error summary lists problems in the order people meet them.
    field_order = [
        "version",
        "objective",
        "reference",
        "title",
        "outcomes",
        "outputs",
        "timescale",
        "due_date",
        "lead",
        "lead_agency",
        "lead_usernames",
        "answers",
        "withheld_fields",
    ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        plan = self.plan
        self.fields["objective"].queryset = Objective.objects.filter(plan=plan)
        self.fields["objective"].required = False
        self.fields["objective"].empty_label = "None: outside the objectives"
        self.fields["answers"].queryset = Recommendation.objects.filter(review__council=plan.council).select_related(
            "review"
        )
        for name in ("timescale", "lead"):
            self.fields[name].required = True
        if self.instance.pk:
            self.fields["answers"].initial = list(self.instance.answers.all())
        self.helper.layout = Layout(
            "version",
            Field.select("objective"),
            Field.text("reference", field_width=5),
            Field.textarea("title", rows=3),
            Field.textarea("outcomes", rows=4),
            Field.textarea("outputs", rows=4),
            Field.text("timescale", field_width="two-thirds"),
            Field("due_date"),
            Field.text("lead"),
            Field.text("lead_agency"),
            Field.text("lead_usernames"),
            Field.checkboxes("answers", legend_size=Size.SMALL, small=True),
            Field.checkboxes("withheld_fields", legend_size=Size.SMALL, small=True),
        )

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        clash = Action.objects.filter(plan=self.plan, reference=reference).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Another action in this plan already has the reference {reference}")
        return reference

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = self.content(self._meta.fields)
        # The form does not show the table of the plan the action sits in. It keeps it: an action under an
        # objective may sit in a table of its own ("Statutory duties", with an objective column), and the plan's
        # other tables are what the published version follows. Only the table of actions outside the objectives is
        # left by one given an objective, and entered by one whose objective is taken away.
        section = self.instance.section
        if data.get("objective"):
            fields["section"] = "" if section == OUTSIDE_OBJECTIVES else section
        else:
            fields["section"] = section or OUTSIDE_OBJECTIVES
        return {"fields": fields, "answers": list(data["answers"]), "leads": data["lead_usernames"]}
