"""Moments in UK time as GOV.UK writes them, for pages, emails and the words the models give."""

import datetime

from django.utils import timezone


def _clock(moment: datetime.datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def uk_datetime(moment: datetime.datetime | None) -> str:
    """A moment in UK time, GOV.UK style: "1 September 2018, 2:30pm" (midday, midnight; no ":00")."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)  # the service's zone, Europe/London (settings.TIME_ZONE)
    return f"{moment.day} {moment:%B %Y}, {_clock(moment)}"


def uk_time(moment: datetime.datetime | None) -> str:
    """The time of day alone, in UK time: "2:30pm"."""
    if moment is None:
        return ""
    return _clock(timezone.localtime(moment) if timezone.is_aware(moment) else moment)
