from django import forms, template

register = template.Library()


@register.filter
def error_target(bound_field: forms.BoundField, field_id: str) -> str:
    """The id an error summary link must point at: the first radio, checkbox or date part, not their container.

    crispy-forms-gds numbers radios and checkboxes from 1 and date parts from 0.
    """
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_1"
    if isinstance(widget, forms.MultiWidget) and field_id == bound_field.auto_id:
        return f"{bound_field.auto_id}_0"
    return field_id
