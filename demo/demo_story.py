"""Play the demo's illustrative year (demo_data/story-2018-19.yaml) through the application's own services.

Each event runs with the clock set to the moment the story gives it (time-machine), and commits on its own, as it
would in real use: the history, the status updates, the audit chain and its checkpoints, the sealed dashboards and
the published version are what people working through that year would have left, dated when each thing happened.
So the plan as at any past date, each past meeting's dashboard and `verify_audit` all hold, and the chain's order
follows time. Nothing here writes a row the services would not.

The story is clearly fictional and says so: the plan is marked `illustrative`, which the pages show. Since each event
commits on its own, a run cut short (the process killed) leaves the year part-played and is not resumed: the plan is
already marked. `make clean` and `make run` start afresh.
"""

import datetime
import functools
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.test.utils import override_settings

from actions.models import Action
from actions.services import action_update_status
from board import services_board, services_meetings
from board.sealing import seal_meetings
from board.services_meetings import Arising, Attendee
from core import audit, evidence
from core.access import leads_of, set_leads
from core.versioning import lock_for_edit, save_edit
from plans import services
from plans.models import BoardMeeting, DeliveryPlan
from plans.models_board import ActionArising
from projects.models import CommissionedProject
from projects.services import project_update_status
from publication import services as publication_services

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
STORY_FILE = "story-2018-19.yaml"
LONDON = ZoneInfo("Europe/London")
# The night after each meeting, when the nightly `seal_meetings` would have run.
SEALING_TIME = datetime.time(2, 30)
DECISIONS_TIME = datetime.time(17, 0)
# The demo's update requests go nowhere: the leads' addresses are made up.
NO_EMAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}

Event = tuple[datetime.datetime, int, Callable[[], None]]


def read_story() -> dict[str, Any]:
    with open(DATA_DIR / STORY_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def moment(text: str | datetime.date) -> datetime.datetime:
    """A story time, written in London time as people would, made aware."""
    if isinstance(text, datetime.date) and not isinstance(text, datetime.datetime):
        text = f"{text.isoformat()} 00:00"
    naive = text if isinstance(text, datetime.datetime) else datetime.datetime.fromisoformat(str(text))
    return naive.replace(tzinfo=LONDON)


@contextmanager
def clock_at(when: datetime.datetime | None) -> Iterator[None]:
    """Run with every clock the application reads (Django's, simple-history's, the audit chain's) at `when`; the
    clock does not tick, so an event's rows share its moment. None: the real clock."""
    if when is None:
        yield
        return
    with time_machine.travel(when, tick=False):
        yield


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of plain text lines (Helvetica, Latin-1): real evidence files a status update can carry,
    made from the text kept in demo_data/evidence/ so the data stays readable and small."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "\n".join(f"({escape(line)}) '" for line in lines)
    stream = zlib.compress(f"BT /F1 11 Tf 15 TL 56 800 Td\n{text}\nET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def evidence_file(name: str) -> ContentFile:
    lines = (DATA_DIR / "evidence" / name).read_text(encoding="utf-8").splitlines()
    return ContentFile(text_pdf(lines), name=Path(name).with_suffix(".pdf").name)


@functools.cache
def demo_password_hash(password: str, hashers: tuple[str, ...]) -> str:
    """The demo password hashed once for every demo account: hashing is slow on purpose (a second or more each),
    and the password is the same public one for all of them."""
    return make_password(password)


def set_demo_password(user: AbstractBaseUser) -> None:
    user.password = demo_password_hash(settings.DEMO_PASSWORD, tuple(settings.PASSWORD_HASHERS))


def lead_accounts(story: dict[str, Any]) -> dict[str, AbstractBaseUser]:
    """The demo account of each lead role (made if missing; an existing one keeps its name and password)."""
    User = get_user_model()
    accounts = {}
    for lead in story["leads"]:
        user, created = User.objects.get_or_create(
            username=lead["username"],
            defaults={"email": f"{lead['username']}@example.org", "first_name": lead["role"][:150]},
        )
        if created:
            set_demo_password(user)
            user.save(update_fields=["password"])
        accounts[lead["role"].casefold()] = user
    return accounts


def leads_named(lead_column: str, accounts: dict[str, AbstractBaseUser]) -> list[AbstractBaseUser]:
    """The accounts whose role the item's Lead column names, in the order it names them."""
    column = lead_column.casefold()
    found = [(column.find(role), user) for role, user in accounts.items() if role in column]
    return [user for _, user in sorted(found, key=lambda pair: pair[0])]


class Story:
    """The story's events for one plan, each ready to play at its moment."""

    def __init__(self, story: dict[str, Any], plan: DeliveryPlan) -> None:
        self.story, self.plan_pk = story, plan.pk
        self.User = get_user_model()
        self.accounts: dict[str, AbstractBaseUser] = {}
        self.events: list[Event] = []
        # When each action arising was done, by the meeting that raised it and its description.
        self.done_on = {
            (meeting["date"], item["description"]): item["done_on"]
            for meeting in story["meetings"]
            for item in meeting.get("actions_arising") or []
            if item.get("done_on")
        }

    def plan(self) -> DeliveryPlan:
        return DeliveryPlan.objects.get(pk=self.plan_pk)

    def user(self, username: str) -> AbstractBaseUser:
        return self.User.objects.get(username=username)

    def add(self, when: datetime.datetime, play: Callable[[], None]) -> None:
        self.events.append((when, len(self.events), play))

    @audit.chained()
    def begin(self) -> None:
        """The coordinator marks the plan as illustrative, the leads get their accounts and items, and the year's
        Board meetings are listed."""
        coordinator = self.user("coordinator")
        plan = lock_for_edit(self.plan(), self.plan().version)
        plan.illustrative = True
        save_edit(plan, by=coordinator, fields=["illustrative"], reason="Illustrative demo activity")
        self.accounts = lead_accounts(self.story)
        for items in (Action.objects.filter(plan=plan), CommissionedProject.objects.filter(plan=plan)):
            for item in items:
                named = leads_named(item.lead, self.accounts) if isinstance(item, Action) else []
                named = named or [self.user(self.story["projects_lead"])]
                set_leads(item, {*leads_of(item), *named})
        for meeting in self.story["meetings"]:
            services.board_meeting_create(plan=plan, date=meeting["date"], decisions="", by=coordinator)

    def publish(self) -> None:
        plan = self.plan()
        publication_services.plan_publish(
            plan=plan, public=True, by=self.user("coordinator"), expected_version=plan.version
        )

    def decide(self, meeting: dict[str, Any]) -> None:
        """What the coordinator records after the meeting: who came or sent apologies, the decisions, the actions
        arising, and the earlier actions arising reported done since the meeting before."""
        current = BoardMeeting.objects.get(plan=self.plan_pk, date=meeting["date"])
        attendance = [
            Attendee(name=person["role"], agency=person.get("agency") or "", apologies=bool(person.get("apologies")))
            for person in meeting.get("attendance") or []
        ]
        arising = [
            Arising(description=item["description"], owner=item["owner"], due_date=item.get("due_date"))
            for item in meeting.get("actions_arising") or []
        ]
        done = []
        for action in ActionArising.objects.filter(meeting__plan=self.plan_pk, done_on__isnull=True).select_related(
            "meeting"
        ):
            done_on = self.done_on.get((action.meeting.date, action.description))
            if done_on is not None and done_on <= current.date and action.meeting.date < current.date:
                done.append((action, done_on))
        services_meetings.board_meeting_record(
            meeting=current,
            by=self.user("coordinator"),
            attendance=attendance,
            decisions=meeting["decisions"].strip(),
            actions_arising=arising,
            done=done,
        )

    def request(self, message: str) -> None:
        with override_settings(MAILERS=NO_EMAIL):
            services_board.update_request_send(
                plan=self.plan(), message=message, by=self.user("coordinator"), base_url="http://127.0.0.1:8000/"
            )

    def update(self, key: str, entry: dict[str, Any]) -> None:
        """One lead's status update: the item's first-named lead unless the story names who."""
        when = moment(entry["at"])
        as_of = entry.get("as_of") or when.date()
        upload = evidence_file(entry["evidence"]) if entry.get("evidence") else None
        common = {"rag": entry["rag"], "commentary": entry["text"].strip(), "as_of": as_of}
        if key[0].isdigit():
            action = Action.objects.get(plan=self.plan_pk, reference=key)
            by = entry.get("by") or leads_named(action.lead, self.accounts)[0].get_username()
            with evidence.stored(upload, folder=f"evidence/actions/{action.pk}") as stored:
                action_update_status(
                    action=action, by=self.user(by), expected_version=action.version, evidence=stored, **common
                )
            return
        project = CommissionedProject.objects.filter(plan=self.plan_pk).order_by("position", "pk")[ord(key) - ord("A")]
        targets = list(project.output_targets.order_by("position", "pk"))
        delivered = entry.get("delivered") or []
        deliveries = {target.pk: count for target, count in zip(targets, delivered, strict=False) if count is not None}
        with evidence.stored(upload, folder=f"evidence/projects/{project.pk}") as stored:
            project_update_status(
                project=project,
                deliveries=deliveries,
                by=self.user(entry.get("by") or self.story["projects_lead"]),
                expected_version=project.version,
                evidence=stored,
                **common,
            )

    def events_in_order(self) -> list[Event]:
        story = self.story
        self.add(moment(story["begins"]), self.begin)
        self.add(moment(story["published"]), self.publish)
        for request in story.get("update_requests") or []:
            self.add(moment(request["at"]), lambda message=request["message"]: self.request(message))
        for meeting in story["meetings"]:
            decided = moment(datetime.datetime.combine(meeting["date"], DECISIONS_TIME))
            self.add(decided, lambda meeting=meeting: self.decide(meeting))
            night = moment(datetime.datetime.combine(meeting["date"] + datetime.timedelta(days=1), SEALING_TIME))
            self.add(night, lambda night=night: seal_meetings(now=night))
        for key, entries in story["updates"].items():
            for entry in entries:
                self.add(moment(entry["at"]), lambda key=str(key), entry=entry: self.update(key, entry))
        return sorted(self.events, key=lambda event: event[:2])


def load_story() -> bool:
    """Play the story once: not again on a plan it was played on (marked illustrative) or that already has Board
    meetings of its own. Returns whether it played. Past the plan's last event the real clock resumes."""
    story = read_story()
    plan = DeliveryPlan.objects.filter(council__slug=story["council"], year=story["year"]).first()
    if plan is None or plan.illustrative or BoardMeeting.objects.filter(plan=plan).exists():
        return False
    for when, _, play in Story(story, plan).events_in_order():
        with clock_at(when):
            play()
    return True
