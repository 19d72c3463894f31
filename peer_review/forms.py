from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import BaseModelForm, DateField

from .models import Recommendation, Review

NUMBER_ERROR = "The recommendation number must be a whole number between 1 and 99"


def one_per_line(text: str) -> str:
    """The lines of a list field, trimmed, without the blank ones a pasted list brings."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class ReviewForm(BaseModelForm):
    submit_label = "Save review"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = DateField(label="Date of the review", help_text="When the review reported, for example 1 2 2018")

    class Meta:
        model = Review
        fields = ["title", "kind", "date", "summary", "areas", "key_findings"]
        labels = {
            "title": "Title",
            "kind": "Kind of review",
            "summary": "Summary (optional)",
            "areas": "Areas reviewed (optional)",
            "key_findings": "Key findings (optional)",
        }
        help_texts = {"title": 'For example, "Peer Review 2018"'}
        error_messages = {
            "title": {"required": "Enter a title", "max_length": "Title must be 300 characters or fewer"},
            "kind": {"required": "Select the kind of review", "invalid_choice": "Select the kind of review"},
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # The page supplies the <form> element and its CSRF token; crispy would nest a second form inside it.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            "date",
            Field.textarea("summary", rows=6),
            Field.textarea("areas", rows=5),
            Field.textarea("key_findings", rows=6),
        )

    def clean_areas(self) -> str:
        return one_per_line(self.cleaned_data["areas"])

    def clean_key_findings(self) -> str:
        return one_per_line(self.cleaned_data["key_findings"])


class RecommendationForm(BaseModelForm):
    submit_label = "Save recommendation"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(
        label="Number",
        help_text="The number the review gives it",
        min_value=1,
        max_value=99,
        error_messages={
            "required": "Enter the recommendation number",
            "invalid": NUMBER_ERROR,
            "min_value": NUMBER_ERROR,
            "max_value": NUMBER_ERROR,
        },
    )

    class Meta:
        model = Recommendation
        fields = ["number", "text", "theme", "owner"]
        labels = {"text": "Recommendation", "theme": "Theme (optional)", "owner": "Owner (optional)"}
        help_texts = {"owner": 'The service that owns it, for example "Community Safety"'}
        error_messages = {
            "text": {"required": "Enter the recommendation"},
            "theme": {"max_length": "Theme must be 300 characters or fewer"},
            "owner": {"max_length": "Owner must be 300 characters or fewer"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # The page supplies the <form> element and its CSRF token; crispy would nest a second form inside it.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.text("number", field_width=2),
            Field.textarea("text", rows=4),
            Field.text("theme"),
            Field.text("owner"),
        )
