"""Long work in the background: starting a job, reporting its progress as it goes, and who may see it.

A job is a Job row (what people see) and a task of Django's tasks framework queued in the database (what a worker
runs, `manage.py run_worker`). The row is written before the task is queued and the task is queued only once the
row is committed, so a worker never looks for a job that is not there yet.
"""

import contextlib
import datetime
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Job

logger = logging.getLogger(__name__)

User = AbstractBaseUser | AnonymousUser
# Progress is written at most this often: a worker checking a million entries must not write a million times.
PROGRESS_EVERY_SECONDS = 0.5
# The longest pause of work paced to a share of the time (Progress): well within the idle limits of a connection.
MAX_PAUSE_SECONDS = 10.0
# What to do about a job whose worker was lost under it, by kind: nothing it was writing was kept.
AGAIN = {
    Job.Kind.VERIFICATION: "Start the verification again from the audit page.",
    Job.Kind.EXPORT: "Nothing was recorded as exported. Prepare the file again from the audit page.",
    Job.Kind.NIGHTLY: "Nothing is needed: it runs again next night. If it stops again, tell your system administrator.",
}


def job_start(*, task: Task, job: Job, councils: Iterable[models.Model] = (), args: tuple = ()) -> Job:
    """Record the job (made for these councils) and queue its task (the job's id first, then `args`) once the row
    is committed."""
    job.save()
    job.councils.set(councils)
    transaction.on_commit(lambda: task.enqueue(str(job.pk), *args))
    return job


class Progress:
    """Counts a job's work and writes it to its row now and then; on the command line, prints it too.

    With a `share` below 1 it also paces the work: at each report it pauses long enough that the work has run for
    that share of the time since the last one. A verification started in working hours then leaves the database
    and the processors to the people using the service for the rest of the time.
    """

    def __init__(
        self,
        job: Job | None,
        *,
        unit: str,
        total: int | None = None,
        out: TextIO | None = None,
        share: float = 1.0,
    ) -> None:
        if not 0 < share <= 1:
            raise ValueError(f"share must be more than 0 and at most 1, not {share}")
        self.job, self.unit, self.total, self.out, self.share = job, unit, total, out, share
        self.done = 0
        self._written = 0.0
        self._working_since = time.monotonic()
        self.paused = 0.0  # seconds, in all
        if job is not None:
            job.unit, job.total = unit, total
            job.save(update_fields=["unit", "total"])

    def __call__(self, done: int, total: int | None = None, unit: str | None = None) -> None:
        """Report `done` so far, of `total` if known; a new `unit` starts a new stage of the work."""
        stage = unit is not None and unit != self.unit
        if stage:
            self.finish()
            self.unit = unit
        self.done, self.total = done, total
        now = time.monotonic()
        if stage or now - self._written >= PROGRESS_EVERY_SECONDS:
            self._written = now
            self.write()
        self._pace()

    def _pace(self) -> None:
        if self.share == 1:
            return
        now = time.monotonic()
        # Capped, so that one long stretch without a report cannot turn into a pause long enough for the job to
        # look lost (its heartbeat goes on meanwhile) or for a connection held open to be cut.
        pause = min((now - self._working_since) * (1 - self.share) / self.share, MAX_PAUSE_SECONDS)
        time.sleep(pause)
        self.paused += pause
        self._working_since = time.monotonic()

    def write(self) -> None:
        if self.job is not None:
            self.job.done, self.job.total, self.job.unit = self.done, self.total, self.unit
            self.job.save(update_fields=["done", "total", "unit"])
        if self.out is not None and (self.done or self.total):
            of = f" of {self.total:,}" if self.total else ""
            # One line rewritten in place on a terminal; a line each when logged to a file.
            end = "\r" if self.out.isatty() else "\n"
            self.out.write(f"{self.done:,}{of} {self.unit}{end}")
            self.out.flush()

    def finish(self) -> None:
        if not self.done and not self.total:
            return
        self.write()
        if self.out is not None and self.out.isatty():
            self.out.write("\n")


def run_job(job_id: str, work: Callable[[Job], None], *, what_to_do: str) -> None:
    """Run `work` for the job, marking it running, then done, or failed with what to do about it.

    A failure is logged in full for the operators; the person reads what happened in plain words, with the job's
    id to quote. The exception is raised again, so the task is marked failed too (the operators alert on that).
    """
    job = Job.objects.get(pk=job_id)
    job.status, job.started_at = Job.Status.RUNNING, timezone.now()
    job.heartbeat_at = job.started_at
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        with _heartbeat(job):
            work(job)
    except BaseException as error:  # a worker stopped mid-task (SystemExit) too: its page must not wait for ever
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job.status, job.finished_at = Job.Status.FAILED, timezone.now()
        job.error = f"It stopped with an error ({type(error).__name__}). {what_to_do} Quote task {job.pk}."
        job.save(update_fields=["status", "finished_at", "error"])
        raise
    job.status, job.finished_at = Job.Status.DONE, timezone.now()
    if job.file:  # downloadable for a while from the moment it is ready
        job.expires_at = job.finished_at + datetime.timedelta(hours=settings.JOB_FILE_HOURS)
    job.save(
        update_fields=["status", "finished_at", "done", "total", "outcomes", "intact", "file", "filename", "expires_at"]
    )


class WorkerLost(Exception):
    """What a task whose worker stopped without finishing it is marked as having failed with."""


WORKER_LOST = f"{__name__}.{WorkerLost.__qualname__}"


@contextlib.contextmanager
def _heartbeat(job: Job) -> Iterator[None]:
    """Write the job's heartbeat every few seconds while the work runs, from a thread with a connection of its own,
    so it is seen whatever transaction the work holds open and however long a stage goes without progress.

    Not inside a transaction already open (a test's, whose job row another connection cannot see)."""
    if connection.in_atomic_block:
        yield
        return
    every = max(0.2, min(30.0, settings.JOB_LOST_AFTER_SECONDS / 10))
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # the database away for a while: the next beat tries again
                    logger.warning("Job %s: heartbeat not written (%s)", job.pk, error)
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def lost_jobs_marked(*, pk: object = None, now: datetime.datetime | None = None) -> int:
    """Mark failed each running job (or the one job `pk`) whose worker has been silent for JOB_LOST_AFTER_SECONDS:
    killed, or its machine gone. Its task is marked failed too, so the operators' alert on failed tasks sees it.
    What it was writing was rolled back with its transaction; the job's page says so and what to do.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    lost = Job.objects.filter(silent, status=Job.Status.RUNNING)
    if pk is not None:
        lost = lost.filter(pk=pk)
    marked = 0
    for job in lost:
        last = timezone.localtime(job.heartbeat_at or job.created_at)
        error = (
            f"The worker running it stopped without finishing (last heard from at {last:%H:%M on %-d %B %Y}). "
            f"Nothing it was writing was kept. {AGAIN[Job.Kind(job.kind)]} Quote task {job.pk}."
        )
        # Only if still silent and running: a worker that was merely slow and has finished meanwhile wins.
        if Job.objects.filter(silent, pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, finished_at=now, error=error
        ):
            marked += 1
            logger.error("Job %s (%s) lost: its worker stopped without finishing", job.pk, job.kind)
            DBTaskResult.objects.filter(status="RUNNING", args_kwargs__args__0=str(job.pk)).update(
                status="FAILED", finished_at=now, exception_class_path=WORKER_LOST, traceback=error
            )
    return marked


def command_progress(unit: str) -> Progress:
    """Progress for a management command, on standard error (standard output keeps the result)."""
    return Progress(None, unit=unit, out=sys.stderr)
