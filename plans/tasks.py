"""The plans' background work: large exports into private storage, update-request emails, and the nightly run.

Each task takes plain values (ids, strings): they are stored as JSON in the queue until a worker runs them.
"""

import datetime
import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.core.files import File
from django.core.mail import EmailMessage, mailers
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook

from core.jobs import Progress, run_job
from core.models import Job

from .board_pack import pack_pdf
from .exports import csv_lines
from .history import COLUMNS as HISTORY_COLUMNS
from .history import Scope, export_rows
from .models import BoardMeeting, Council, DeliveryPlan, UpdateRequestRecipient
from .publication import published_pdf
from .sheets import write_table

logger = logging.getLogger(__name__)

ROWS = "rows written"
# An email is tried this many times in all, waiting longer each time (a mail server briefly away recovers).
EMAIL_ATTEMPTS = 4
EMAIL_RETRY_AFTER = datetime.timedelta(minutes=1)
EXPORT_WHAT_TO_DO = "Nothing was recorded as exported. Prepare the file again from the audit page."


def _counted(rows: Iterable[Sequence[str]], progress: Progress) -> Iterator[Sequence[str]]:
    for count, row in enumerate(rows, start=1):
        yield row
        progress(count)


def write_export_file(job: Job, *, extension: str, name: str, rows: Iterable[Sequence[str]], inert: bool) -> None:
    """Write the rows as CSV or XLSX into the job's private file, downloadable for JOB_FILE_HOURS by who asked.

    The history's rows come from one statement, which sees one moment of the database whatever is written
    meanwhile: no transaction is held open, so the progress written as the rows go is seen at once."""
    progress = Progress(job, unit=ROWS)
    counted = _counted(rows, progress)
    with tempfile.TemporaryFile(suffix=f".{extension}") as handle:
        if extension == "csv":
            for line in csv_lines(HISTORY_COLUMNS, counted, inert=inert):
                handle.write(line.encode())
        else:
            workbook = Workbook(write_only=True)
            write_table(workbook.create_sheet("History"), HISTORY_COLUMNS, counted)
            workbook.save(handle)
        progress.finish()
        handle.seek(0)
        job.file.save(f"{job.pk}/{name}", File(handle), save=False)
    job.filename = name


def _council_history(job: Job, extension: str, name: str) -> None:
    scope = Scope.of_council(Council.objects.get(pk=job.council_id))
    inert = extension == "csv"  # the CSV's cells made inert by the query; the XLSX's kept as string cells
    write_export_file(job, extension=extension, name=name, rows=export_rows(scope, inert=inert), inert=inert)


@task()
def export_council_history(job_id: str, extension: str, name: str) -> None:
    """Every change to every plan the council has had, into a file for the person who asked."""
    run_job(job_id, lambda job: _council_history(job, extension, name), what_to_do=EXPORT_WHAT_TO_DO)


@task()
def send_update_request_email(recipient_id: int, subject: str, body: str, reply_to: list[str], attempt: int = 1) -> str:
    """One lead's update-request email. A failure is noted on the recipient and tried again later, up to
    EMAIL_ATTEMPTS in all; the request page shows each lead's outcome."""
    recipient = UpdateRequestRecipient.objects.select_related("user").get(pk=recipient_id)
    email = EmailMessage(subject=subject, body=body, to=[recipient.user.email], reply_to=reply_to or None)
    UpdateRequestRecipient.objects.filter(pk=recipient_id).update(attempts=F("attempts") + 1)
    try:
        sent = mailers.default.send_messages([email])
        if not sent:
            raise OSError("the mail server accepted nothing")
    except OSError as error:  # smtplib's errors included
        logger.warning("Update request email %s not sent (attempt %s): %s", recipient_id, attempt, error)
        reason = f"{type(error).__name__}: {error}"[:300]
        retry = attempt < EMAIL_ATTEMPTS
        retry_at = timezone.now() + EMAIL_RETRY_AFTER * 2 ** (attempt - 1) if retry else None
        UpdateRequestRecipient.objects.filter(pk=recipient_id).update(
            failure=reason, failed_at=timezone.now(), retry_at=retry_at
        )
        if retry:
            send_update_request_email.using(run_after=retry_at).enqueue(
                recipient_id, subject, body, reply_to, attempt + 1
            )
            return "retrying"
        raise  # the last attempt: the task fails too, which the operators alert on
    UpdateRequestRecipient.objects.filter(pk=recipient_id).update(emailed_at=timezone.now(), retry_at=None)
    return "sent"


@task()
def render_board_pack(meeting_id: int) -> str:
    """Render and keep a past meeting's Board pack, so its first download is served as kept."""
    meeting = BoardMeeting.objects.select_related("plan__council").filter(pk=meeting_id).first()
    if meeting is None:
        return "meeting deleted"
    pack_pdf(meeting)
    return "kept"


@task()
def render_published_pdf(plan_id: int, published_at: str) -> str:
    """Render and keep the PDF of a publication, so nobody waits for it; a later publication supersedes it."""
    plan = DeliveryPlan.objects.select_related("council").filter(pk=plan_id).first()
    if plan is None or plan.published_at is None or plan.published_at.isoformat() != published_at:
        return "superseded"
    published_pdf(plan=plan)
    return "kept"
