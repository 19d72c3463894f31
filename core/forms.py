"""The base form every form of the tracker builds on: GOV.UK markup through crispy-forms-gds."""

import datetime
import re
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.validators import MaxLengthValidator, RegexValidator

from .changes import long_date
from .limits import length_message, year_message

LINE_ENDS = re.compile(r"\r\n?")


class GovUKFormMixin:
    """Sets up a crispy-forms-gds helper; subclasses add their layout. The error summary is placed by the page."""

    submit_label = "Save"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        # Pages write their own <form> element (with the CSRF token); crispy renders the fields and button.
        self.helper.form_tag = False
        # GOV.UK's button ignores a second press within a second: several forms start long work (an export, a
        # publication, sending emails), and a double click must not do it twice.
        self.helper.add_input(Submit("submit", self.submit_label, data_prevent_double_click="true"))
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.to_python = _one_line_end(field.to_python)  # type: ignore[method-assign]
            if isinstance(field, forms.CharField) and field.max_length:
                _name_the_limit(field)
            name_the_field(field, name)
            if isinstance(field.widget, forms.RadioSelect):
                _no_empty_radio(field)


def _one_line_end(to_python: Any) -> Any:
    """A text as the service keeps it, with one newline a line end. Browsers send a textarea's line ends as CRLF
    (HTML's form encoding) while the plans, imports and demo hold LF: unchanged text saved again would otherwise
    count as a change in the history, and a line end as two characters against the field's limit."""

    def cleaned(value: Any) -> Any:
        value = to_python(value)
        return LINE_ENDS.sub("\n", value) if isinstance(value, str) else value

    return cleaned


def _no_empty_radio(field: forms.Field) -> None:
    """Radios offer real choices only: Django's blank choice ("---------") would be a radio of its own. Leaving
    them all unselected is how a person gives no answer, and the required message asks for one."""
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = None
    elif isinstance(field, forms.ChoiceField):
        # Filtered, not rebuilt: a choice may carry more than its value and label (crispy-forms-gds hints).
        field.choices = [choice for choice in field.choices if choice[0] != ""]


def _name_the_limit(field: forms.CharField) -> None:
    """Django's "Ensure this value has at most ..." becomes "Title must be 2,000 characters or fewer"; a message
    the form set itself is kept. A textarea loses its maxlength: the browser would cut pasted text silently, where
    the error tells people they are over."""
    if "Ensure this value" in str(field.error_messages.get("max_length", "Ensure this value")):
        label = plain_label(field, "This")
        field.error_messages["max_length"] = length_message(label, field.max_length)
    if isinstance(field.widget, forms.Textarea):
        field.widget.attrs.pop("maxlength", None)


# Django's default wording, by error code, that a field's own message replaces. Messages a form sets itself are kept.
_DEFAULTS: dict[str, set[str]] = {}
for _field_class in (
    forms.Field,
    forms.IntegerField,
    forms.DecimalField,
    forms.ChoiceField,
    forms.MultipleChoiceField,
    forms.ModelChoiceField,
    forms.ModelMultipleChoiceField,
    forms.EmailField,
    forms.FileField,
    forms.DateField,
    forms.TimeField,
):
    for _code, _message in _field_class.default_error_messages.items():
        _DEFAULTS.setdefault(_code, set()).add(str(_message))


def _is_default(field: forms.Field, code: str) -> bool:
    message = field.error_messages.get(code)
    return message is None or str(message) in _DEFAULTS.get(code, set())


def plain_label(field: forms.Field, default: str = "") -> str:
    """The field's label without the "(optional)" that the form shows after it, for messages and summaries."""
    return str(field.label or default).removesuffix(" (optional)")


def name_the_field(field: forms.Field, name: str) -> None:
    """Replace Django's default messages ("This field is required", "Enter a whole number") with GOV.UK's, which
    name the field: "Enter the reference", "Select the role", "Number must be a whole number"."""
    label = plain_label(field, name.replace("_", " "))
    subject = label[0].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label
    named = label[0].upper() + label[1:]
    choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    if isinstance(field.widget, forms.HiddenInput):
        # Only a page opened long ago, or altered, sends a hidden value that is missing or wrong.
        stale = "The page was out of date: open it again and make your change"
        messages = {"required": stale, "invalid": stale, "invalid_choice": stale, "min_value": stale}
    else:
        not_listed = f"Select {subject} from the list"  # noqa: S608 (words, not SQL)
        messages = {
            "required": f"Select {subject}" if choosing else f"Enter {subject}",
            "invalid": f"{named} must be a whole number" if isinstance(field, forms.IntegerField) else "",
            "invalid_choice": not_listed,
            "invalid_list": not_listed,
            "invalid_pk_value": not_listed,
            "min_value": f"{named} must be %(limit_value)s or more",
            "max_value": f"{named} must be %(limit_value)s or less",
            "empty": f"The file for {subject} is empty",
            "missing": f"Select a file for {subject}",
        }
        if isinstance(field, forms.DecimalField):
            messages["invalid"] = f"{named} must be a number"
            messages["max_digits"] = f"{named} must be %(max)s digits or fewer"
            messages["max_decimal_places"] = f"{named} must have %(max)s decimal places or fewer"
            messages["max_whole_digits"] = f"{named} must be %(max)s digits or fewer before the decimal point"
        elif isinstance(field, forms.EmailField):
            messages["invalid"] = "Enter an email address in the correct format, like name@example.org"
        elif isinstance(field, forms.FileField):
            messages["invalid"] = f"The file for {subject} could not be read: select it again"
        elif isinstance(field, forms.TimeField):
            messages["invalid"] = f"Enter {subject} as a time, like 2:30pm or 14:30"
        elif isinstance(field, forms.DateField):
            messages["invalid"] = f"{named} must be a real date"
    for code, message in messages.items():
        if message and (code in field.error_messages or code in _DEFAULTS) and _is_default(field, code):
            field.error_messages[code] = message


class BaseForm(GovUKFormMixin, forms.Form):
    pass


class BaseModelForm(GovUKFormMixin, forms.ModelForm):
    pass


class SignInForm(GovUKFormMixin, AuthenticationForm):
    """Django's sign-in form with GOV.UK wording. A failed sign-in never says which part was wrong."""

    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        # Django's form sets the username's max_length after making the field, so nothing enforced it: a longer one
        # reached django-axes, whose record of the failure holds 255 characters (a server error on PostgreSQL).
        limit = self.fields["username"].max_length
        self.fields["username"].validators.append(MaxLengthValidator(limit, message=length_message("Username", limit)))
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def confirm_login_allowed(self, user: Any) -> None:
        # An inactive account gets the same answer as a wrong password: nothing about the account is revealed.
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class PasswordChangeForm(GovUKFormMixin, DjangoPasswordChangeForm):
    """Django's password change with GOV.UK wording; every problem with the new password is shown on that field."""

    submit_label = "Change password"
    error_messages = {
        "password_incorrect": "Your current password is not correct",
        "password_mismatch": "Enter the same new password in both fields",
    }
    # The password validators' messages (settings.AUTH_PASSWORD_VALIDATORS), by their codes.
    rule_messages = {
        "password_too_short": "Your new password must be {min_length} characters or more",
        "password_too_common": "Your new password is too common: choose one that is harder to guess",
        "password_entirely_numeric": "Your new password must include letters or symbols, not only numbers",
        "password_too_similar": "Your new password must not be like your {verbose_name}",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        for name, label, required in (
            ("old_password", "Current password", "Enter your current password"),
            ("new_password1", "New password", "Enter a new password"),
            ("new_password2", "Confirm new password", "Confirm your new password"),
        ):
            fields[name].label = label
            fields[name].error_messages["required"] = required
            fields[name].help_text = ""
        # GOV.UK asks pages not to move the focus by themselves.
        fields["old_password"].widget.attrs.pop("autofocus", None)
        fields[
            "new_password1"
        ].help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like your username or name."
        )

    def clean(self) -> dict[str, Any]:
        self.validate_passwords("new_password1", "new_password2")
        new = self.cleaned_data.get("new_password1")
        if new and new == self.cleaned_data.get("old_password"):
            self.add_error("new_password1", "Your new password must be different from your current password")
        elif new:
            try:
                password_validation.validate_password(new, self.user)
            except forms.ValidationError as problems:
                for problem in problems.error_list:
                    message = self.rule_messages.get(problem.code)
                    self.add_error("new_password1", message.format(**(problem.params or {})) if message else problem)
        return self.cleaned_data


class DateField(DateInputField):
    """GOV.UK date input whose errors name the date ("Enter the date of the meeting", "... must be a real date").

    Impossible dates (31 February, a year of twenty digits) get a plain message, never a server error, and so do
    years outside core.limits' bounds ("Due date must be in 2100 or before").
    """

    def __init__(self, *, label: str, subject: str | None = None, **kwargs: Any) -> None:
        super().__init__(label=label, require_all_fields=False, **kwargs)
        subject = subject or label[0].lower() + label[1:]
        named = subject[0].upper() + subject[1:]
        self.named = named
        real = f"{named} must be a real date"
        self.error_messages.update(
            {"required": f"Enter the {subject}", "incomplete": f"Enter the {subject}", "invalid": real}
        )
        day, month, year = self.fields
        for part, name in ((day, "day"), (month, "month"), (year, "year")):
            part.error_messages["incomplete"] = f"{named} must include a {name}"
        day.validators = [RegexValidator(r"^[0-9]{1,2}$", real)]
        month.validators = [RegexValidator(r"^[0-9]{1,2}$", real)]
        year.validators = [RegexValidator(r"^[0-9]{4}$", f"{named} must have a year of 4 numbers, like 2019")]

    def compress(self, data_list: list[str]) -> datetime.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            date = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        out_of_range = year_message(self.named, date.year)
        if out_of_range:
            raise forms.ValidationError(out_of_range, code="year_out_of_range")
        return date


class EditForm(BaseModelForm):
    """A model form changing one row at the version it was opened at (core.edit_views.change_page), inside the
    page's own <form> element. `shown()` lays out its fields, after the hidden version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # The page supplies the <form> element and its CSRF token; crispy would nest a second form inside it.
        self.helper.disable_csrf = True
        self.helper.layout = Layout("version", *self.shown())

    def shown(self) -> tuple:
        return ()

    def changes(self) -> dict[str, Any]:
        """What the form changes, as the row's create and change services take it: every field but the version."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def conflict_rows(self, current: Any) -> list[tuple[str, str]]:
        """What the row says now in each of the form's fields, in the form's order and under its labels, for the page
        shown when someone else saved it after this form was opened: a field added to the form is shown there too."""
        names = [pointer.name for pointer in self.helper.layout.get_field_names() if pointer.name != "version"]
        return [(plain_label(self.fields[name]), self.reads(current, name)) for name in names]

    def reads(self, current: Any, name: str) -> str:
        """How the row's value of one field reads to a person. A form whose field stands for more than one model
        field (a review's date and how precise it is), or for none, says so for that field."""
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(f"{type(self).__name__}.reads() must say how its field {name} reads") from None
        value = getattr(current, field.attname)
        if field.choices:
            return str(current._get_FIELD_display(field))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime.date):
            return long_date(value)
        return "" if value is None else str(value)


class ConfirmForm(forms.Form):
    """The version a confirmation page (withdraw, delete) was opened at, so it never acts on a newer state."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name_the_field(self.fields["version"], "version")


def number_field(noun: str, *, help_text: str) -> forms.IntegerField:
    """The number, 1 to 99, that orders a plan's objectives or a review's recommendations."""
    wrong = f"The {noun} number must be a whole number between 1 and 99"
    messages = {"required": f"Enter the {noun} number", "invalid": wrong, "min_value": wrong, "max_value": wrong}
    return forms.IntegerField(label="Number", help_text=help_text, min_value=1, max_value=99, error_messages=messages)
