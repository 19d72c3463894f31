"""How pages name people, moments and files, the same way everywhere (GOV.UK style)."""

import datetime
import os

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.utils import timezone

register = template.Library()

# The kinds of evidence people attach, as GOV.UK's attachment pattern names them.
FILE_TYPES = {
    ".pdf": "PDF",
    ".doc": "Word document",
    ".docx": "Word document",
    ".odt": "OpenDocument text",
    ".xls": "Excel spreadsheet",
    ".xlsx": "Excel spreadsheet",
    ".ods": "OpenDocument spreadsheet",
    ".csv": "CSV",
    ".ppt": "PowerPoint presentation",
    ".pptx": "PowerPoint presentation",
    ".txt": "Text file",
    ".png": "PNG image",
    ".jpg": "JPEG image",
    ".jpeg": "JPEG image",
    ".gif": "GIF image",
    ".eml": "Email",
    ".msg": "Email",
}


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """A person by their full name; their username only when no name is recorded."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _clock(moment: datetime.datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


@register.filter
def uk_datetime(moment: datetime.datetime | None) -> str:
    """A moment in UK time, GOV.UK style: "1 September 2018, 2:30pm" (midday, midnight; no ":00")."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)  # the service's zone, Europe/London (settings.TIME_ZONE)
    return f"{moment.day} {moment:%B %Y}, {_clock(moment)}"


@register.filter
def uk_time(moment: datetime.datetime | None) -> str:
    """The time of day alone, in UK time: "2:30pm"."""
    if moment is None:
        return ""
    return _clock(timezone.localtime(moment) if timezone.is_aware(moment) else moment)


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@register.filter
def file_description(stored: File | None) -> str:
    """A file's type and size for its link ("PDF, 120 KB"); the type alone when the file cannot be read."""
    if not stored:
        return ""
    kind = FILE_TYPES.get(os.path.splitext(stored.name)[1].lower(), "File")
    try:
        return f"{kind}, {_size(stored.size)}"
    except OSError:  # missing from the storage: the link's own page says so; the list still shows
        return kind
