"""Sealing what the Board's dashboard showed at each past meeting, so it is read back as one row.

Built from history, a past meeting's dashboard is exact but reads most of its plan's history, which for a
years-old meeting lies scattered over the disk: a first view on a cold cache took up to two seconds. Once a
meeting's day has ended, and SEAL_AFTER more so that nothing still being written can carry an earlier time,
`seal_meetings` keeps the dashboard's contents (board.contents.Contents) for that meeting, compared with the
meeting before it, as one SealedDashboard row; the dashboard and the Board pack read that row instead.

Run `python manage.py seal_meetings` nightly. A meeting not yet sealed is built from history as before, so a
missed night costs speed, never correctness. The rows are append-only and chained into the audit record, and
`verify_audit` rebuilds each from the history and checks that it still says the same.
"""

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils import timezone

from core import audit
from plans.models import BoardMeeting, SealedDashboard
from snapshots.revision import end_of_day

from . import sealed_v5
from .contents import CONTENTS_VERSION, Contents, dashboard_contents

logger = logging.getLogger(__name__)

# How long after a meeting's day ends before it is sealed: longer than any transaction that writes history.
SEAL_AFTER = datetime.timedelta(hours=1)
SEALING = "past meetings looked at"


@dataclass
class Sealing:
    past: int = 0  # past meetings found
    sealed: int = 0  # sealed by this run; the rest were already
    skipped: list[str] = field(default_factory=list)  # the meetings that could not be sealed, named
    meetings: list[int] = field(default_factory=list)  # the ids of those sealed by this run


def _named(meeting: BoardMeeting) -> str:
    return f"meeting {meeting.pk} of plan {meeting.plan_id} ({meeting.date.isoformat()})"


ToSeal = tuple[BoardMeeting, datetime.datetime, datetime.datetime | None]  # meeting, at, since


def _moments(meetings: Iterable[BoardMeeting], now: datetime.datetime, skipped: list[str]) -> list[ToSeal]:
    """Each past meeting's moment and the moment it is compared with: the end of the plan's meeting before.

    A meeting whose date has no moment to seal (31/12/9999 runs past the last datetime) is named in `skipped`.
    """
    moments, previous = [], {}
    for meeting in sorted(meetings, key=lambda meeting: (meeting.plan_id, meeting.date)):
        before = previous.get(meeting.plan_id)
        try:
            at = end_of_day(meeting.date)
            past = at + SEAL_AFTER <= now
            since = end_of_day(before.date) if before else None
        except (OverflowError, ValueError):
            logger.error("Cannot seal %s: its date has no moment to seal", _named(meeting))
            skipped.append(_named(meeting))
            continue
        previous[meeting.plan_id] = meeting
        if past:
            moments.append((meeting, at, since))
    return moments


def seal_meetings(
    *, now: datetime.datetime | None = None, progress: Callable[[int, int | None, str], None] | None = None
) -> Sealing:
    """Seal every past meeting not sealed yet, each in its own transaction; safe to run while people work.

    A meeting that cannot be sealed is logged and named in the result's `skipped`, and the others are sealed: one
    bad row must not stop every council's night. `progress(done, total, unit)` is told of each meeting looked at.
    """
    now = now or timezone.now()
    skipped: list[str] = []
    moments = _moments(BoardMeeting.objects.select_related("plan"), now, skipped)
    done = set(SealedDashboard.objects.filter(version=CONTENTS_VERSION).values_list("plan_id", "at", "since"))
    result = Sealing(past=len(moments) + len(skipped), skipped=skipped)
    for looked_at, (meeting, at, since) in enumerate(moments):
        if progress is not None:
            progress(looked_at, len(moments), SEALING)
        plan = meeting.plan
        if (plan.pk, at, since) in done:
            continue
        try:
            contents = dashboard_contents(plan, at, since)
            with audit.chained():
                SealedDashboard.objects.create(
                    plan=plan, at=at, since=since, version=CONTENTS_VERSION, content=contents.to_json(), sealed_at=now
                )
        except IntegrityError:  # another run sealed it meanwhile
            continue
        except Exception:  # whatever one meeting's data holds, the rest are still sealed; the log keeps the cause
            logger.exception("Cannot seal %s", _named(meeting))
            result.skipped.append(_named(meeting))
            continue
        result.sealed += 1
        result.meetings.append(meeting.pk)
    if progress is not None:
        progress(len(moments), len(moments), SEALING)
    return result


def verify_sealed(
    councils: frozenset[int] | None = None, counted: Callable[[int, int | None], None] = lambda done, total: None
) -> tuple[int, list[str]]:
    """Rebuild every sealed dashboard of the current version, and of version 5 (the last before the version was
    derived from the read model's shapes), from the history (of these councils' plans only, if given); each must say
    the same, compared at its own version. The order of the items aside: it is kept on the live rows alone, and a
    dashboard puts sealed items in the live order. Returns how many were rebuilt and the first difference; `counted`
    hears how many so far, of how many (at national scale this takes minutes, and the auditors' page shows it)."""
    rebuilt = 0
    versions = [CONTENTS_VERSION, sealed_v5.VERSION]
    records = SealedDashboard.objects.filter(version__in=versions).select_related("plan").order_by("pk")
    if councils is not None:
        records = records.filter(plan__council__in=councils)
    total = records.count()
    for record in records.iterator(chunk_size=SealedDashboard.AUDIT_BATCH):
        where = f"plans.sealeddashboard {record.pk}: the dashboard sealed for plan {record.plan_id} as at "
        where += record.at.isoformat()
        old = record.version == sealed_v5.VERSION
        try:
            if old:
                sealed = sealed_v5.sealed_text(record.content)
            else:
                sealed = Contents.from_json(record.content).to_json(any_order=True)
        except (KeyError, TypeError, ValueError, AttributeError):
            return rebuilt, [f"{where} cannot be read as version {record.version} contents"]
        rebuilt += 1
        counted(rebuilt, total)
        built = dashboard_contents(record.plan, record.at, record.since)
        if (sealed_v5.version_5_text(built) if old else built.to_json(any_order=True)) != sealed:
            return rebuilt, [f"{where} is not what the history gives"]
    return rebuilt, []
