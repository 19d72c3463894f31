"""The revision of each council's record: what the pages kept rendered (the plan page, the dashboard) are keyed by.

A council's revision is the chain position of its newest linked change record (core.CouncilRevision). It is moved
on as a change is linked, under the chain head's lock, so a reader who sees a revision sees every change before it:
two changes committing close together get revisions in the order they commit, and a page rendered between them is
never kept under the later one's revision.
"""

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery

from .models import ChangeRecord, CouncilRevision


def advance(change_records: list[int], *, seq: int) -> None:
    """Move the revision of every council these new change records belong to on to `seq`, in one statement.

    The records are found by their range of ids, which an import's tens of thousands fit in. A row of another
    transaction inside the range is either not yet committed (unseen) or committed and linked before this one, so at
    worst its council's pages are rendered once more, never kept under a revision that lacks a change.
    """
    if not change_records:
        return
    revisions, records = CouncilRevision._meta.db_table, ChangeRecord._meta.db_table
    with connection.cursor() as cursor:
        # Table names are the models' own; the values are parameters. The WHERE clause also settles SQLite's reading
        # of an upsert fed by a SELECT.
        cursor.execute(
            f"INSERT INTO {revisions} (council_id, seq) SELECT DISTINCT council_id, %s FROM {records} "  # noqa: S608
            "WHERE id BETWEEN %s AND %s ON CONFLICT (council_id) DO UPDATE SET seq = excluded.seq",
            [seq, min(change_records), max(change_records)],
        )


def council_revision(council_id: int) -> int | None:
    """The council's revision as committed; None while it has no change linked since revisions were kept."""
    return CouncilRevision.objects.filter(council_id=council_id).values_list("seq", flat=True).first()


def with_revisions(queryset: QuerySet, *, council: str = "council_id") -> QuerySet:
    """The rows with their council's revision as `revision`, read in the same query (and the same snapshot)."""
    newest = CouncilRevision.objects.filter(council_id=OuterRef(council)).values("seq")
    return queryset.annotate(revision=Subquery(newest))
