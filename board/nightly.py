"""The nightly work, scheduled by the app itself: sealing past meetings, a full verification of the record,
removing the files of exports past their time and the queue's old finished tasks, and failing jobs whose worker
was lost. No cron line: every worker (`manage.py run_worker`) makes sure the
next night's run is queued, and each run queues the one after it before it starts.

Several workers may queue the same night; the night's Job row, keyed by its date, lets only the first one run it.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.audit import chained, verify
from core.jobs import Progress, lost_jobs_marked, run_job
from core.models import AuditEvent, Job
from plans.models import Council

from .sealing import seal_meetings
from .tasks import render_board_pack

logger = logging.getLogger(__name__)
NIGHTS = uuid.UUID("1b0c4f0e-4a51-4b7e-9a3c-5f0c0a9e2d11")  # the namespace of each night's job id
# Finished tasks (django-tasks-db's rows) are kept this long for the operators, then pruned by the nightly run.
TASK_RESULTS_KEPT_DAYS = 30


def night_job_id(night: str) -> str:
    """The id of the night's Job: the same for every worker that queues or runs that night."""
    return str(uuid.uuid5(NIGHTS, night))


def next_night(now: datetime.datetime) -> datetime.datetime:
    """The next NIGHTLY_AT (UK time) after `now`."""
    hour, minute = map(int, settings.NIGHTLY_AT.split(":"))
    local = timezone.localtime(now)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= local:
        at = timezone.make_aware(datetime.datetime.combine(local.date() + datetime.timedelta(days=1), at.time()))
    return at


def nightly_scheduled(*, now: datetime.datetime | None = None) -> datetime.datetime:
    """Queue the next night's run unless one is waiting already; returns when the waiting one runs."""
    waiting = DBTaskResult.objects.filter(task_path=nightly.module_path, status="READY").order_by("run_after").first()
    if waiting is not None:
        return waiting.run_after
    at = next_night(now or timezone.now())
    night = at.date().isoformat()
    # The job's id first, as for every job, so a lost worker's task is found and marked failed with its job.
    nightly.using(run_after=at).enqueue(night_job_id(night), night)
    return at


def expired_files_removed(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of jobs past their time (the rows stay, so their pages say the file was removed)."""
    removed = 0
    for job in Job.objects.filter(expires_at__lte=now or timezone.now()).exclude(file=""):
        job.file.delete(save=False)
        job.save(update_fields=["file"])
        removed += 1
    return removed


def task_results_pruned(*, now: datetime.datetime | None = None) -> int:
    """Delete the queue's finished tasks older than TASK_RESULTS_KEPT_DAYS, as `prune_db_task_results` does."""
    before = (now or timezone.now()) - datetime.timedelta(days=TASK_RESULTS_KEPT_DAYS)
    return DBTaskResult.objects.finished().filter(finished_at__lte=before).delete()[0]


def run_night(job: Job) -> None:
    lost = lost_jobs_marked()
    progress = Progress(job, unit="past meetings looked at")
    sealing = seal_meetings(progress=progress)
    # The packs of the meetings sealed tonight, rendered and kept before anyone asks for them.
    for meeting_id in sealing.meetings:
        render_board_pack.enqueue(meeting_id)
    result = verify(progress=progress)
    progress.finish()
    removed = expired_files_removed()
    pruned = task_results_pruned()
    verdict = "Intact" if result.ok else f"FAILED: {result.problems[0]}"
    job.intact = result.ok
    job.outcomes = {
        "": f"Sealed {sealing.sealed:,} of {sealing.past:,} past meetings"
        + (f" ({len(sealing.skipped):,} could not be sealed)" if sealing.skipped else "")
        + f"; verification: {verdict}; {removed:,} expired export files removed; {pruned:,} finished tasks pruned"
        + (f"; {lost:,} jobs whose worker was lost marked failed." if lost else ".")
    }
    # The whole record was verified: each council's auditors read its outcome for their council on their audit page,
    # as for a verification they started, and nothing of another council's.
    with chained():
        for council in Council.objects.order_by("name"):
            AuditEvent.objects.create(
                kind=AuditEvent.Kind.VERIFICATION,
                council=council,
                description=f"{job.description}: verification of the audit record for {council.name}",
                outcome=result.outcome_for(council.pk),
            )
    if not result.ok:
        # The operators alert on this line (README, Production): the record was changed outside the application.
        logger.error("Nightly verification: the audit record FAILED: %s", result.problems[0])
    if sealing.skipped:
        logger.error("Nightly sealing could not seal %s meetings: %s", len(sealing.skipped), "; ".join(sealing.skipped))


@task()
def nightly(job_id: str, night: str | None = None) -> str:
    nightly_scheduled(now=timezone.now() + datetime.timedelta(minutes=1))  # tomorrow's, whatever happens tonight
    if night is None:  # queued by a version that gave the night alone
        job_id, night = night_job_id(job_id), job_id
    try:
        with transaction.atomic():
            Job.objects.create(pk=job_id, kind=Job.Kind.NIGHTLY, description=f"Nightly run of {night}")
    except IntegrityError:
        return "already run"  # another worker queued the same night and took it
    run_job(str(job_id), run_night, what_to_do="The operators are alerted by the failed task; it runs again tonight.")
    return "done"
