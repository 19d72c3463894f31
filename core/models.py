import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermission
from simple_history import register

LOADED = "_change_loaded"


class Versioned(models.Model):
    """A row people edit in forms. The version a form was opened at guards against overwriting a newer save."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: list[str], values: list, **kwargs: object) -> "Versioned":
        instance = super().from_db(db, field_names, values, **kwargs)
        # The values the row was loaded with: the old values of its next change in the change record
        # (core.change_writer). Kept as they came, so a page that only reads rows pays nothing for them.
        instance.__dict__[LOADED] = (field_names, values)
        return instance


# Who was made the lead of which action or project, and when that changed, belongs in the audit record too.
register(UserObjectPermission, app="core", table_name="core_historicaluserobjectpermission")


class AuditEntry(models.Model):
    """One link of the hash chain over every append-only row (history, status updates, audit events).

    entry_hash = SHA-256(previous_hash, source, source_pk, content_hash), where content_hash is the SHA-256 of the
    row's canonical content when it was written. `verify_audit` recomputes both: an altered, deleted or
    reordered row, or a rewritten link, breaks the chain at the first bad entry.
    """

    seq = models.BigAutoField(primary_key=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=100, help_text="app_label.model of the row")
    source_pk = models.BigIntegerField()
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    # Not indexed: nothing looks an entry up by its hash, and a B-tree over random keys would make every write read
    # and dirty a random page of an index as large as the chain (two, with PostgreSQL's pattern index). The chain is
    # ordered by seq and checked by verify_audit; (source, source_pk) below keeps each row linked once.
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.UniqueConstraint(fields=["source", "source_pk"], name="audit_entry_unique_source_row"),
        ]

    def __str__(self) -> str:
        return f"Audit entry {self.seq} ({self.source} {self.source_pk})"


class AuditChainHead(models.Model):
    """The single row writers lock to append to the chain in order; it also names the latest link."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Audit chain head at {self.last_seq}"


class CouncilRevision(models.Model):
    """Where in the audit chain a council's newest change was linked: the revision its kept pages are read by.

    Written by the linking of the change (core.audit), under the chain head's lock, so revisions follow the order
    the changes commit in; a change record's own id does not, being taken before the lock. Not part of the record:
    a council with no change since this table came has no row, and pages say so by a revision of None.
    """

    council_id = models.IntegerField(primary_key=True)
    seq = models.BigIntegerField()

    def __str__(self) -> str:
        return f"Council {self.council_id} at entry {self.seq}"


class AuditEvent(models.Model):
    """Reading the record is itself recorded: exports and verifications (who, what, when)."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        VERIFICATION = "verification", "Verification"

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    council = models.ForeignKey("plans.Council", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.TextField()
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}: {self.description}"


def job_files() -> object:
    """The private storage of files the workers produce (settings.STORAGES["job_files"]), never served directly."""
    from django.core.files.storage import storages

    return storages["job_files"]


class Job(models.Model):
    """Long work run by a worker for a person (or for the nightly schedule): what it is, how far it has gone, and
    then its outcome or what went wrong. /jobs/<id>/ shows it to whoever may see it (jobs.access.get_job_for_user).

    Not part of the record: progress is rewritten as the work goes. What the work finds that matters (a
    verification's outcome, a download) is written as an AuditEvent, which is.
    """

    class Kind(models.TextChoices):
        VERIFICATION = "verification", "Verification of the audit record"
        EXPORT = "export", "Export"
        NIGHTLY = "nightly", "Nightly sealing and verification"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Finished"
        FAILED = "failed", "Could not finish"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    council = models.ForeignKey("plans.Council", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A verification is made for each council its auditor audits: their ids; its outcome is told council by council.
    councils = models.ManyToManyField("plans.Council", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker running the job: a running job whose worker was killed stops beating,
    # and is marked failed once it has been silent for JOB_LOST_AFTER_SECONDS (core.jobs.lost_jobs_marked).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)  # None while the size is not known
    unit = models.CharField(max_length=40, default="done")  # "entries checked", "rows written"
    # What the work found, for people: by council id for a verification ({"12": "Intact: ..."}), else under "".
    outcomes = models.JSONField(default=dict, blank=True)
    intact = models.BooleanField(null=True, blank=True)  # a verification's verdict over the councils it covered
    error = models.TextField(blank=True, max_length=1_000)  # what went wrong, in words for the person who asked
    file = models.FileField(storage=job_files, upload_to="jobs/", blank=True, max_length=300)
    filename = models.CharField(max_length=200, blank=True)  # the name the download is given
    expires_at = models.DateTimeField(null=True, blank=True)  # when the file is removed

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_created_idx")]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))

    @property
    def downloadable(self) -> bool:
        return bool(self.file) and self.expires_at is not None and self.expires_at > timezone.now()


# The longest text a change record keeps: what the longest field of plan content allows, and room to spare within
# a spreadsheet cell.
VALUE_LENGTH = 32_000


class ChangeRecord(models.Model):
    """One changed field of plan content, written by the transaction that changed it: the history as a table.

    Append-only and chained like the history tables. Council and plan are plain ids (core sits below plans);
    `plan` keeps the plan's financial year as it was, blank for what belongs to the council (reviews, the Board).
    The order of the history is recorded_at, then `rank` (which kind of record: the order the export has always
    given records written at one moment), then the id, which follows the order the changes were made in.
    """

    recorded_at = models.DateTimeField()
    user_id = models.IntegerField(null=True)
    username = models.CharField(max_length=150)
    council_id = models.IntegerField()
    plan_id = models.IntegerField(null=True, help_text="blank: the council's own (reviews, the Programme Board)")
    plan = models.CharField(max_length=20, blank=True)
    object_type = models.CharField(max_length=40)
    object_ref = models.TextField(max_length=VALUE_LENGTH)
    field = models.CharField(max_length=200, blank=True)
    old_value = models.TextField(max_length=VALUE_LENGTH, blank=True)
    new_value = models.TextField(max_length=VALUE_LENGTH, blank=True)
    comment = models.TextField(max_length=VALUE_LENGTH, blank=True)
    rank = models.PositiveSmallIntegerField()
    # The plan item whose history this row belongs to ("actions.action:12"): an output target's row belongs to its
    # project, a status update's or a lead's to its action or project, a meeting record's to its meeting.
    item = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["plan_id", "recorded_at", "rank", "id"], name="change_plan_order_idx"),
            models.Index(fields=["council_id", "recorded_at", "rank", "id"], name="change_council_order_idx"),
            models.Index(fields=["item", "recorded_at"], name="change_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_ref}: {self.field or 'deleted'} at {self.recorded_at:%Y-%m-%d %H:%M}"
