from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from core.forms import BaseModelForm

from .models import Objective

NUMBER_ERROR = "The objective number must be a whole number between 1 and 99"


class ObjectiveForm(BaseModelForm):
    submit_label = "Save objective"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(
        label="Number",
        help_text="Objectives are listed in this order",
        min_value=1,
        max_value=99,
        error_messages={
            "required": "Enter the objective number",
            "invalid": NUMBER_ERROR,
            "min_value": NUMBER_ERROR,
            "max_value": NUMBER_ERROR,
        },
    )

    class Meta:
        model = Objective
        fields = ["number", "title", "description"]
        labels = {"title": "Objective", "description": "Description (optional)"}
        help_texts = {
            "title": 'As the plan words it, for example "Safeguard vulnerable people from radicalisation"',
            "description": "What the objective covers and why it matters locally",
        }
        error_messages = {"title": {"required": "Enter the objective"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # The page supplies the <form> element and its CSRF token; crispy would nest a second form inside it.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Field.text("number", field_width=2),
            Field.textarea("title", rows=3),
            Field.textarea("description", rows=5),
        )
