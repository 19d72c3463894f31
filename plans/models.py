import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from simple_history.models import HistoricalRecords

from core.limits import LONG_TEXT, MESSAGE, DateInRange
from core.models import Versioned
from core.times import uk_datetime, uk_time
from core.withheld import WITHHELD_PASSAGE
from core.words import Words

# The Board's own records live beside the plan's; imported so that Django registers them with this app.
from .models_board import ActionArising, BoardMember, MeetingAttendance, ProgrammeBoard  # noqa: F401

FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


def validate_financial_year(value: str) -> None:
    match = FINANCIAL_YEAR.match(value)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValidationError("Enter the financial year like 2018-19")


class Council(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """The roles a person holds in a council. Action leads are not a role: they are object permissions."""

    COORDINATOR = "coordinator", "Prevent coordinator"
    BOARD = "board", "Board member"
    AUDITOR = "auditor", "Auditor"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "council", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}, {self.council}"


class DeliveryPlan(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="plans")
    year = models.CharField(max_length=7, validators=[validate_financial_year], help_text="For example, 2018-19")
    # Empty for the plans that carry the usual title, "Prevent Delivery Plan <year>".
    heading = models.CharField("Title", max_length=200, blank=True, db_default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    introduction = models.TextField(blank=True, max_length=LONG_TEXT)
    local_context = models.TextField(blank=True, max_length=LONG_TEXT)
    # The published version is the plan as it stood at this moment, with withheld content redacted.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    public = models.BooleanField(
        default=False, help_text="Anyone may read the published version at its public address, without signing in"
    )
    # The demo's plan carries a made-up year of activity (plans/demo_story.py) on the council's real text: the pages
    # that show that activity say so, so that nothing illustrative passes for the council's own record.
    illustrative = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="Its status updates, meetings and requests are illustrative demo data, not the council's",
    )
    # Some plans were written without one (Tower Hamlets 2017-18): their published version does not add it.
    rag_column = models.BooleanField(
        "RAG status column", default=True, help_text="The plan's tables of actions have a RAG status column"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["council__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="plan_unique_council_year"),
        ]

    def __str__(self) -> str:
        return f"{self.council.name} Prevent Delivery Plan {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return self.title_of(self.heading, self.year)

    @staticmethod
    def title_of(heading: str, year: str) -> str:
        """The title a plan's heading and year give it: also that of a history record of the plan."""
        return heading or f"Prevent Delivery Plan {year}"

    @property
    def words(self) -> Words:
        return Words(label="the plan", message=self.title, called=self.title)

    def get_published_url(self) -> str:
        return reverse("plans:published", args=[self.council.slug, self.year])

    @property
    def has_withheld_passages(self) -> bool:
        return any(WITHHELD_PASSAGE.search(text) for text in (self.introduction, self.local_context))

    @property
    def start_date(self) -> datetime.date:
        return datetime.date(int(self.year[:4]), 4, 1)

    @property
    def end_date(self) -> datetime.date:
        return datetime.date(int(self.year[:4]) + 1, 3, 31)


class BoardMeeting(Versioned):
    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="board_meetings")
    date = models.DateField(validators=[DateInRange("Date of the meeting")])
    decisions = models.TextField(blank=True, max_length=LONG_TEXT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="board_meeting_unique_date"),
        ]

    def __str__(self) -> str:
        return f"Prevent Programme Board, {self.date:%-d %B %Y}"

    @property
    def words(self) -> Words:
        meeting = f"board meeting of {self.date:%-d %B %Y}"
        return Words(label=f"the {meeting}", message=capfirst(meeting), called=f"The {meeting}")


class SealedDashboard(models.Model):
    """What the Board's dashboard showed at a past moment, before any filter, kept as one row once the moment is
    safely past (board.sealing): the plan's objectives, actions, projects and recommendations then, and what changed
    since the meeting before.

    Append-only and linked into the audit chain; `verify_audit` also rebuilds each one from the history and checks
    that it still says the same. `version` names the shape of `content`: a dashboard reads only the current one.
    """

    plan = models.ForeignKey(DeliveryPlan, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()  # the moment shown
    since = models.DateTimeField(null=True, blank=True)  # the moment compared with; none before the first meeting
    version = models.PositiveSmallIntegerField()
    content = models.TextField()  # JSON, as board.contents.Contents.to_json writes it
    sealed_at = models.DateTimeField()

    # Rows of a few plans' worth of text each (up to megabytes): verify_audit reads this many at a time.
    AUDIT_BATCH = 20

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "at", "since", "version"],
                condition=models.Q(since__isnull=False),
                name="sealed_dashboard_unique_comparison",
            ),
            models.UniqueConstraint(
                fields=["plan", "at", "version"],
                condition=models.Q(since__isnull=True),
                name="sealed_dashboard_unique_first",
            ),
        ]

    def __str__(self) -> str:
        return f"Dashboard of plan {self.plan_id} as at {self.at:%Y-%m-%d %H:%M}"


class PublishedPdf(models.Model):
    """The PDF of a published version, rendered once and served as stored: the version is the plan as it stood at
    `published_at`, which never changes, and rendering it takes seconds. Not part of the record (it is rebuilt from
    the history at will), so neither append-only nor chained; publishing again makes a new one. `version` names the
    layout it was rendered with (publication.publication.PDF_VERSION): a new layout renders each PDF again."""

    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    version = models.PositiveSmallIntegerField()
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "published_at", "version"], name="published_pdf_unique_version"),
        ]

    def __str__(self) -> str:
        return f"PDF of plan {self.plan_id} as published at {self.published_at:%Y-%m-%d %H:%M}"


class BoardPackPdf(models.Model):
    """The PDF of a past meeting's Board pack, rendered once (by a worker, or by the first download) and served as
    stored after. A past meeting's pack shows the plan as it stood at the end of the meeting's day (`at`), which
    never changes; a meeting still to come shows the plan as it stands, so its pack is never kept. Not part of the
    record: rebuilt from the history at will. `version` names the layout (board.board_pack.PACK_VERSION)."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    version = models.PositiveSmallIntegerField()
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "at", "version"], name="board_pack_pdf_unique_version"),
        ]

    def __str__(self) -> str:
        return f"Board pack PDF of meeting {self.meeting_id} as at {self.at:%Y-%m-%d %H:%M}"


class UpdateRequest(models.Model):
    """The coordinator asking the leads of overdue or stale items for a status update, usually before the Board."""

    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="update_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    message = models.TextField(blank=True, max_length=MESSAGE)
    # The next Board meeting when the request was sent, if one was recorded.
    meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="update_requests"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Update request of {self.requested_at:%Y-%m-%d %H:%M} for {self.plan}"


class UpdateRequestRecipient(models.Model):
    """A lead asked by an update request; emailed_at stays empty when they have no email address or sending failed.

    Each email is sent by a worker (board.tasks.send_update_request_email) and tried again when it fails: the last
    failure's reason and time are kept, and when it will be tried again, if it will."""

    request = models.ForeignKey(UpdateRequest, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="update_request_recipient_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.request}"

    @property
    def outcome(self) -> str:
        """The email's outcome in words: queued, sent at, failed with its reason (and whether it is tried again)."""
        if self.emailed_at:
            return f"Sent {uk_datetime(self.emailed_at)}"
        if not self.user.email:
            return "Not reachable: no email address"
        if self.failed_at and self.retry_at:
            return f"Not sent yet ({self.failure}); trying again at {uk_time(self.retry_at)}"
        if self.failed_at:
            return f"Failed after {self.attempts} attempts: {self.failure}"
        return "Queued to send"


STAGED_IMPORT_HOURS = 24


class StagedImport(models.Model):
    """A file uploaded for import, kept here between its preview and its confirmation.

    Kept server-side so the confirmation writes what was previewed without the browser sending the file (or rows)
    again; the bytes, not parsed rows, so confirming reads and checks the file again with the same code. Not the
    session: a file may be 5MB, which would be read and written with every request. Owned by who uploaded it, for
    one plan; it expires after STAGED_IMPORT_HOURS and is deleted once confirmed or cancelled. Not part of the record.
    """

    plan = models.ForeignKey(DeliveryPlan, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} for plan {self.plan_id}"


class Invitation(models.Model):
    """A lead from a partner agency asked by a coordinator to join: their account is made at once, inactive, and
    belongs to the council as a partner (plans.access.people_of) until they set a password from the emailed link."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation")
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    agency = models.CharField(max_length=200)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The latest sending: a link carries it, so sending again makes every earlier link void.
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.user} to {self.council}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def expires_at(self) -> datetime.datetime:
        return self.sent_at + datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS)
