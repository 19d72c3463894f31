"""The history's background work: a council's whole history exported into private storage for who asked.

Each task takes plain values (ids, strings): they are stored as JSON in the queue until a worker runs them.
"""

import logging
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.core.files import File
from django.tasks import task
from openpyxl import Workbook

from core.jobs import Progress, run_job
from core.models import Job
from plans.models import Council

from .changes import COLUMNS as HISTORY_COLUMNS
from .changes import Scope, export_rows
from .exports import csv_lines
from .sheets import write_table

logger = logging.getLogger(__name__)

ROWS = "rows written"
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
