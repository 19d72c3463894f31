"""How pages name people, moments and files, the same way everywhere (GOV.UK style)."""

import os

from django import template
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File

from core.times import uk_datetime, uk_time

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


@register.filter
def named(username: str, names: dict[str, str] | None) -> str:
    """A username from a record (the history's rows hold usernames) by the person's full name, where known."""
    return (names or {}).get(username, username)


register.filter("uk_datetime", uk_datetime)
register.filter("uk_time", uk_time)


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
