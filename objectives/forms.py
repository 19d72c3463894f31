from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from core.forms import BaseModelForm, number_field

from .models import Objective


class ObjectiveForm(BaseModelForm):
    submit_label = "Save objective"

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = number_field("objective", help_text="Objectives are listed in this order")

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
