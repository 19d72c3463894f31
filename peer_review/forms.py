import datetime
from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import DateField, EditForm, number_field
from core.limits import year_message

from .models import Recommendation, Review


def one_per_line(text: str) -> str:
    """The lines of a list field, trimmed, without the blank ones a pasted list brings."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


Precision = Review.DatePrecision


class ReviewDateField(DateField):
    """A date held as precisely as the review's document gives it: a day, only a month and year, only a year, or
    none. Cleans to (date, precision), the date being the first day of its month or year when only they are known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        for part in self.fields:
            part.required = False

    def compress(self, data_list: list[str]) -> tuple[datetime.date | None, str]:
        day, month, year = ((part or "").strip() for part in data_list) if data_list else ("", "", "")
        if not (day or month or year):
            return None, Precision.NOT_STATED
        if not year:
            raise forms.ValidationError(f"{self.named} must include a year", code="incomplete")
        if day and not month:
            raise forms.ValidationError(f"{self.named} must include a month", code="incomplete")
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        try:
            date = datetime.date(int(year), int(month or 1), int(day or 1))
        except (ValueError, OverflowError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        out_of_range = year_message(self.named, date.year)
        if out_of_range:
            raise forms.ValidationError(out_of_range, code="year_out_of_range")
        return date, precision


def date_parts(review: Review) -> list[str]:
    """The review's date as the form shows it: only the parts it is known to."""
    if review.date is None:
        return ["", "", ""]
    day = str(review.date.day) if review.date_precision == Precision.DAY else ""
    month = str(review.date.month) if review.date_precision in (Precision.DAY, Precision.MONTH) else ""
    return [day, month, str(review.date.year)]


class ReviewForm(EditForm):
    submit_label = "Save review"

    date = ReviewDateField(
        label="Date of the review",
        help_text="When the review reported, for example 14 2 2018. If it gives only a month, leave the day empty "
        "(2 2018); if it gives only a year, enter the year alone; if it gives no date, leave it all empty.",
    )

    class Meta:
        model = Review
        fields = ["title", "kind", "summary", "areas", "key_findings"]
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
        self.initial.setdefault("date", date_parts(self.instance))

    def shown(self) -> tuple:
        return (
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            "date",
            Field.textarea("summary", rows=6),
            Field.textarea("areas", rows=5),
            Field.textarea("key_findings", rows=6),
        )

    def reads(self, current: Review, name: str) -> str:
        # The date reads only as precisely as the review gives it.
        return current.date_shown if name == "date" else super().reads(current, name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "date" in cleaned:
            cleaned["date"], cleaned["date_precision"] = cleaned["date"]
        return cleaned

    def clean_areas(self) -> str:
        return one_per_line(self.cleaned_data["areas"])

    def clean_key_findings(self) -> str:
        return one_per_line(self.cleaned_data["key_findings"])


class RecommendationForm(EditForm):
    submit_label = "Save recommendation"

    number = number_field("recommendation", help_text="The number the review gives it")

    class Meta:
        model = Recommendation
        fields = ["number", "text", "theme", "owner"]
        labels = {"text": "Recommendation", "theme": "Theme (optional)", "owner": "Owner (optional)"}
        help_texts = {"owner": 'Whom it addresses, for example "Community Safety Service" or "The council"'}
        error_messages = {
            "text": {"required": "Enter the recommendation"},
            "theme": {"max_length": "Theme must be 300 characters or fewer"},
            "owner": {"max_length": "Owner must be 300 characters or fewer"},
        }

    def shown(self) -> tuple:
        return (
            Field.text("number", field_width=2),
            Field.textarea("text", rows=4),
            Field.text("theme"),
            Field.text("owner"),
        )
