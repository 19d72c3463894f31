"""CSV and XLSX exports for auditors: the plan as at a moment, and its history of changes (same columns in both).

CSV streams row by row through a pseudo-buffer, so its memory stays flat whatever the length of the history; XLSX
is written by openpyxl in write-only mode to a temporary file, laid out by `sheets` (real date cells, widths, a
frozen and filtered heading row). A cell a spreadsheet would read as a formula is neutralised: with a leading single
quote in the CSV, and in the XLSX by being a string cell, which is never run.
"""

import contextlib
import csv
import datetime
import queue
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import batched
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from core import audit
from core.models import AuditEvent
from core.rag import RAG
from core.withheld import WHOLE_ITEM

from .changes import neutralise
from .models import Council, DeliveryPlan
from .recommendation_refs import answers_cell, review_names
from .sheets import write_table
from .snapshot import PlanSnapshot

User = AbstractBaseUser | AnonymousUser
PLAN_COLUMNS = [
    "objective",
    "reference",
    "action",
    "outcomes",
    "outputs",
    "timescale",
    "lead",
    "rag_status",
    "last_update",
    "commentary",
]
# After the contract's columns, never among them: what the published version withholds of each row, so an export
# imported again withholds it still. Passages need no column: the texts keep their [[withheld: ...]] markers.
WITHHELD_COLUMN = "withheld"
WHOLE_ROW = "whole row"
WITHHELD_AS_COLUMN = {
    WHOLE_ITEM: WHOLE_ROW,
    "title": "action",
    "outcomes": "outcomes",
    "outputs": "outputs",
    "lead": "lead",
}
# Then what else the plan holds of each action, so importing an export recreates it: the recommendations it answers
# ("Peer Review Rec 1; Peer Review Rec 4"), its lead agency, and the date its latest update speaks for (last_update
# is the day that update was recorded).
RECOMMENDATIONS_COLUMN = "recommendations"
LEAD_AGENCY_COLUMN = "lead_agency"
AS_OF_COLUMN = "last_update_as_of"
EXTRA_COLUMNS = [WITHHELD_COLUMN, RECOMMENDATIONS_COLUMN, LEAD_AGENCY_COLUMN, AS_OF_COLUMN]
EXPORT_COLUMNS = [*PLAN_COLUMNS, *EXTRA_COLUMNS]
CSV_BATCH = 200
COPY_CHUNK_BYTES = 256 * 1024
COPY_QUEUE = 8
EXPORT_WORK_MEM = "256MB"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def record_export(*, user: AbstractBaseUser, council: Council, description: str) -> AuditEvent:
    """Reading the record is itself recorded (and chained): who exported what, and when."""
    with audit.chained():
        return AuditEvent.objects.create(
            kind=AuditEvent.Kind.EXPORT, user=user, council=council, description=description
        )


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H%MZ")


def filename(plan: DeliveryPlan, what: str, moment: datetime.datetime, extension: str) -> str:
    """For example tower-hamlets_prevent-plan-2018-19_as-at_2018-09-01T1200Z.csv."""
    return f"{plan.council.slug}_prevent-plan-{plan.year}_{what}_{utc_stamp(moment)}.{extension}"


def council_filename(council: Council, what: str, moment: datetime.datetime, extension: str) -> str:
    """For example tower-hamlets_all-plans_history_2026-11-22T0900Z.csv."""
    return f"{council.slug}_all-plans_{what}_{utc_stamp(moment)}.{extension}"


def withheld_cell(withheld_fields: list[str]) -> str:
    """The withheld fields as the export's column names. A field without a column keeps its own name: dropping it
    would publish it after a round trip, and the import refuses a name it does not know."""
    return ", ".join(WITHHELD_AS_COLUMN.get(field, field) for field in withheld_fields)


def plan_rows(snapshot: PlanSnapshot) -> Iterator[list[str]]:
    """One row per action of the plan as the snapshot holds it, objective by objective, then the others, in
    EXPORT_COLUMNS. Texts are exported as written, withheld passages marked."""
    names = review_names(snapshot.plan.council_id)
    numbers = {rec.pk: (rec.review_id, rec.number) for rec in snapshot.recommendations}
    numbered = [(f"Objective {o.number}: {o.title}", o.actions) for o in snapshot.objectives]
    others = [(a.section or "", [a]) for a in snapshot.unassigned_actions]
    for objective, actions in [*numbered, *others]:
        for action in actions:
            update = action.latest_update
            yield [
                objective,
                action.reference,
                action.title,
                action.outcomes,
                action.outputs,
                action.timescale,
                action.lead,
                RAG(action.rag).label,
                timezone.localtime(update.created_at).date().isoformat() if update else "",
                update.commentary if update else "",
                withheld_cell(action.withheld_fields),
                answers_cell([numbers[pk] for pk in action.answers if pk in numbers], names),
                action.lead_agency,
                update.as_of.isoformat() if update else "",
            ]


def one_snapshot(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """Stream the rows inside one read-only REPEATABLE READ transaction on PostgreSQL.

    Every query of the export then sees the same moment, and its cursors are read as the response is written
    instead of each being materialised in full when opened (what a cursor outside a transaction must do). SQLite
    is left alone: its transactions take the write lock, which a long download must not hold.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield from rows  # SQLite; or already inside a transaction (a test's), which then governs
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # A whole council's history is put in time order: room for the sort in memory rather than on disk.
            cursor.execute(f"SET LOCAL work_mem = '{EXPORT_WORK_MEM}'")
        yield from rows


class _Echo:
    """The file csv.writer writes to: it hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _csv_writer() -> Any:
    return csv.writer(_Echo(), lineterminator="\n")  # lines end as PostgreSQL's COPY ends them


def _csv_header(header: list[str]) -> str:
    # A byte order mark tells Excel the file is UTF-8 (names like Zoë, and the plans' typographic quotes).
    return "\ufeff" + _csv_writer().writerow(header)


def _attachment(response: StreamingHttpResponse, name: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_lines(header: list[str], rows: Iterable[Sequence[str]], *, inert: bool) -> Iterator[str]:
    writer = _csv_writer()
    yield _csv_header(header)
    for batch in batched(rows, CSV_BATCH):
        if not inert:
            batch = [[neutralise(value) for value in row] for row in batch]
        yield "".join(map(writer.writerow, batch))


class _Chunks:
    """The file COPY writes into: its rows gathered into chunks and handed over through a small bounded queue."""

    def __init__(self) -> None:
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=COPY_QUEUE)
        self.parts: list[bytes] = []
        self.size = 0
        self.abandoned = False

    def write(self, data: bytes) -> None:
        if self.abandoned:
            raise _Abandoned
        self.parts.append(data)
        self.size += len(data)
        if self.size >= COPY_CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.queue.put(b"".join(self.parts))
            self.parts, self.size = [], 0


class _Abandoned(Exception):
    """The download was closed before its end: stop copying."""


def _copy_lines(header: list[str], sql: str, params: list) -> Iterator[bytes]:
    """The query's rows as CSV straight from PostgreSQL (`COPY ... TO STDOUT`), streamed as they come.

    COPY writes into a file object and returns only when it is done, so it runs in a thread (the connection is not
    used by anything else meanwhile) and the response takes its output from a bounded queue: memory stays at a few
    chunks whatever the number of rows, and a closed download stops the copy.
    """
    cursor = connection.cursor()
    statement = cursor.mogrify(sql, params).decode()
    chunks, failures = _Chunks(), []

    def copy() -> None:
        try:
            cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", chunks)
            chunks.flush()
        except BaseException as error:  # handed to the response's thread, which raises it
            failures.append(error)
        finally:
            chunks.queue.put(None)

    thread = threading.Thread(target=copy, name="history-copy", daemon=True)
    thread.start()
    finished = False
    try:
        yield _csv_header(header).encode()  # while the database starts on the rows
        while (chunk := chunks.queue.get()) is not None:
            yield chunk
        finished = True
        if failures:
            raise failures[0]
    finally:
        if not finished:  # the download was closed: stop the query rather than let it run to its end
            chunks.abandoned = True
            cursor.connection.cancel()
        while thread.is_alive():  # empty the queue so a blocked writer can finish
            with contextlib.suppress(queue.Empty):
                chunks.queue.get(timeout=0.05)
        thread.join()
        cursor.close()


def csv_copy_response(name: str, header: list[str], sql: str, params: list) -> StreamingHttpResponse:
    """A CSV of a PostgreSQL query's text rows, written by the database itself (see `_copy_lines`)."""
    rows = one_snapshot(_copy_lines(header, sql, params))
    return _attachment(StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8"), name)


def csv_response(
    name: str, header: list[str], rows: Iterable[Sequence[str]], *, inert: bool = False
) -> StreamingHttpResponse:
    """`inert`: the rows come with formula-like cells already neutralised (the history's SQL does it)."""
    lines = csv_lines(header, rows, inert=inert)
    return _attachment(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), name)


def xlsx_response(name: str, sheet: str, header: list[str], rows: Iterable[Sequence[str]]) -> FileResponse:
    """`rows` as they are stored, not neutralised: each text becomes a string cell, which no spreadsheet runs."""
    workbook = Workbook(write_only=True)
    write_table(workbook.create_sheet(sheet), header, rows)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it, which deletes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)


def export_response(
    extension: str, name: str, sheet: str, header: list[str], rows: Iterable[Sequence[str]], *, inert: bool = False
) -> StreamingHttpResponse | FileResponse:
    """`inert` tells the CSV its rows are neutralised already; the XLSX must have them as stored."""
    if extension == "csv":
        return csv_response(name, header, rows, inert=inert)
    return xlsx_response(name, sheet, header, rows)
