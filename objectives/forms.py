from crispy_forms_gds.layout import Field

from core.forms import EditForm, number_field

from .models import Objective


class ObjectiveForm(EditForm):
    submit_label = "Save objective"

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

    def shown(self) -> tuple:
        return (
            Field.text("number", field_width=2),
            Field.textarea("title", rows=3),
            Field.textarea("description", rows=5),
        )
