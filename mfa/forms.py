"""The code a person types: from their authenticator app, or one of their recovery codes.

These forms check only the shape of what was typed; whether the code is right is the services' question, since
checking it uses the device's throttle and a recovery code up.
"""

import re
from typing import Any

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import BaseForm

APP_CODE_LABEL = "Enter the 6-digit code from your authenticator app"
WRONG_CODE = "The code is not correct"
WRONG_RECOVERY_CODE = "The recovery code is not correct, or it has already been used"


def throttled_message(wait_seconds: int) -> str:
    unit = "second" if wait_seconds == 1 else "seconds"
    return f"You have entered a wrong code too many times. Wait {wait_seconds} {unit}, then try again"


class AuthenticatorCodeForm(BaseForm):
    """Six digits from the app; the spaces and dashes some apps show between the groups are allowed."""

    submit_label = "Continue"

    code = forms.CharField(
        label=APP_CODE_LABEL,
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args: Any, heading: str = "h1", hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = hint
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )
        size = Size.LARGE if heading == "h1" else Size.MEDIUM
        self.helper.layout = Layout(Field.text("code", label_size=size, label_tag=heading, field_width=10))

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("The code must be 6 digits", code="invalid")
        return code


class RecoveryCodeForm(BaseForm):
    submit_label = "Continue"

    code = forms.CharField(
        label="Enter one of your recovery codes",
        max_length=40,
        help_text="You were given 10 recovery codes when you set up your authenticator app. Each works once.",
        error_messages={"required": "Enter one of your recovery codes"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.helper.layout = Layout(Field.text("code", label_size=Size.LARGE, label_tag="h1", field_width=10))

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if not re.fullmatch(r"[a-z2-7]{8}", code):
            raise forms.ValidationError("The recovery code must be 8 letters and numbers", code="invalid")
        return code
