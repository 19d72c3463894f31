"""A national dataset for measuring the service at scale: every council, years of plans and their whole history.

Rows are written in bulk (COPY on PostgreSQL, bulk_create elsewhere) instead of through the services, yet what
lands is what the services would have written: every change has its history entry, every status update moves its
item's RAG and version, every append-only row is linked into the audit chain in the order it happened within its
council, and every live row equals its latest history entry, so `verify_audit` holds on the result.

The wording comes from the Tower Hamlets demo plans (actions, projects, objectives, review recommendations), reused
as templates; councils, people and commentary are fictional. The same seed and end date give the same data.
"""

import datetime
import functools
import io
import itertools
import json
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.text import slugify
from guardian.models import UserObjectPermission

from actions.models import Action, StatusUpdate
from core import audit, checkpoints
from core.append_only import history_model, m2m_history_model
from core.models import AuditChainHead, AuditEntry, HistoricalUserObjectPermission
from core.rag import RAG
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import BoardMeeting, Council, DeliveryPlan, Membership, Role
from projects.models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo" / "demo_data"
UTC = datetime.UTC
LEADS_PER_COUNCIL = 12

PLACE_STARTS = [
    "Ash", "Bar", "Beck", "Bram", "Brad", "Burn", "Calder", "Chal", "Cran", "Dun", "Elm", "Fair", "Fen", "Glen",
    "Hal", "Hart", "Hol", "Kings", "Lang", "Lea", "Marl", "Mill", "Nor", "Oak", "Pen", "Red", "Rother", "Sal",
    "Sand", "Shel", "Stan", "Stour", "Thorn", "Wal", "Wes", "Whit", "Wick", "Wood", "Wyn", "Yel",
]  # fmt: skip
PLACE_ENDS = [
    "bridge", "bury", "by", "caster", "combe", "field", "ford", "gate", "ham", "hurst", "ley", "mouth", "stead",
    "stow", "thorpe", "ton", "wich", "worth",
]  # fmt: skip
COUNCIL_KINDS = ["Borough Council", "District Council", "City Council", "Metropolitan Borough Council", "Council"]
PARTNERS = [
    "the council",
    "Police",
    "Fire and Rescue Service",
    "NHS Foundation Trust",
    "Probation Service",
    "Clinical Commissioning Group",
    "Further Education College",
    "Youth Offending Service",
]
COMMENTARY = {
    RAG.GREEN: [
        "{n} sessions delivered since the last update; feedback from participants is positive.",
        "On track. Materials agreed with partners and the next round is booked for {month}.",
        "Delivery continues as planned: {n} referrals discussed at the panel this period.",
        "Training delivered to {n} staff; evaluation forms returned and reviewed.",
        "Working group met in {month} and agreed the next steps; no risks to delivery.",
    ],
    RAG.AMBER: [
        "Staff absence has delayed {n} planned sessions; catch-up dates are being arranged.",
        "Take-up lower than expected ({n} so far); the lead is reviewing promotion with partners.",
        "Awaiting sign-off from the partnership before the next phase can start in {month}.",
        "Provider capacity reduced this period; the Board may need to agree a revised timescale.",
    ],
    RAG.RED: [
        "Funding for this work is not yet confirmed; delivery is on hold pending the Board's decision.",
        "The provider has withdrawn; a new provider is needed before {month}.",
        "No progress this period: the lead post is vacant and cover has not been found.",
    ],
    RAG.COMPLETE: [
        "Delivered in full: {n} outputs achieved against the plan. Closing this action.",
        "Complete. Final report presented to the Programme Board in {month}.",
    ],
}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]  # fmt: skip


@dataclass
class Templates:
    """Wording to build plans from, taken from the demo plans and reviews."""

    actions: list[dict]
    projects: list[dict]
    objectives: list[str]
    recommendations: list[str]

    @classmethod
    def load(cls) -> "Templates":
        plans = [yaml.safe_load(path.read_text()) for path in sorted(DEMO_DATA.glob("tower-hamlets-*.yaml"))]
        reviews = [yaml.safe_load(path.read_text()) for path in sorted(DEMO_DATA.glob("*review*.yaml"))]
        return cls(
            actions=[a for plan in plans for a in plan["actions"] if a.get("title")],
            projects=[p for plan in plans for p in plan.get("projects", [])],
            objectives=[o["title"] for plan in plans for o in plan["objectives"]],
            recommendations=[r["text"] for review in reviews for r in review["recommendations"]],
        )


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    kind = type(value)
    if kind is str:
        if "\\" in value or "\n" in value or "\r" in value or "\t" in value:
            return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return value
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is datetime.datetime or kind is datetime.date:
        return value.isoformat()
    if kind is list or kind is dict:
        return _copy_text(json.dumps(value))
    return str(value)


class Ids:
    """The next primary key of each table, starting after what the database held when generation began."""

    def __init__(self, tables: list[type[models.Model]]) -> None:
        self._next: dict[type[models.Model], Iterator[int]] = {}
        for model in tables:
            highest = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[model] = itertools.count(highest + 1)

    def __call__(self, model: type[models.Model]) -> int:
        return next(self._next[model])


@dataclass
class Batch:
    """One council's rows, table by table, and the append-only rows to link into the chain once time-ordered."""

    rows: dict[type[models.Model], list[dict]] = field(default_factory=dict)
    chained: list[tuple[datetime.datetime, str, int, str]] = field(default_factory=list)

    def add(self, model: type[models.Model], row: dict, *, chain_at: datetime.datetime | None = None) -> dict:
        self.rows.setdefault(model, []).append(row)
        if chain_at is not None:
            content = audit.sha256(audit.canonical(row))
            self.chained.append((chain_at, audit.label(model), row[model._meta.pk.attname], content))
        return row

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class Writer:
    """Writes a batch in one transaction and extends the audit chain from its head."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.columns = {}
        self.written: dict[str, int] = {}

    def _columns(self, model: type[models.Model]) -> list[str]:
        if model not in self.columns:
            self.columns[model] = [f.attname for f in model._meta.concrete_fields]
        return self.columns[model]

    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            if self.postgres:
                # Generated data can be generated again: no need to wait for each commit to reach the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"last_hash": audit.GENESIS}
            )
            seq, previous = head.last_seq, head.last_hash
            for at, source, pk, content in sorted(batch.chained):
                seq += 1
                entry_hash = audit.link_hash(previous, source, pk, content)
                batch.rows.setdefault(AuditEntry, []).append(
                    {
                        "seq": seq,
                        "recorded_at": at,
                        "source": source,
                        "source_pk": pk,
                        "content_hash": content,
                        "previous_hash": previous,
                        "entry_hash": entry_hash,
                    }
                )
                previous = entry_hash
            for model, rows in batch.rows.items():
                self._insert(model, rows)
                self.written[model._meta.label] = self.written.get(model._meta.label, 0) + len(rows)
            head.last_seq, head.last_hash = seq, previous
            head.save(update_fields=["last_seq", "last_hash"])
            # Written behind the services' back, so checkpointed here: verify_audit then holds on the dataset.
            checkpoints.after_commit(seq=seq, entry_hash=previous)

    def _insert(self, model: type[models.Model], rows: list[dict]) -> None:
        columns = self._columns(model)
        if not self.postgres:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=500)
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join([_copy_text(row[name]) for name in columns]))
            buffer.write("\n")
        buffer.seek(0)
        names = ", ".join(connection.ops.quote_name(name) for name in columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN", buffer)

    def finish(self) -> None:
        """Move each table's sequence past the rows written with explicit keys, and refresh the planner's figures."""
        written = [apps.get_model(name) for name in self.written]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(statement)
            if self.postgres:
                for model in written:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@functools.cache
def _tracked(model: type[models.Model]) -> list[str]:
    meta = audit.HISTORY_META
    return [f.attname for f in history_model(model)._meta.concrete_fields if f.attname not in meta]


@dataclass
class Council_:
    """What one council's generation needs to refer back to."""

    pk: int
    slug: str
    name: str
    coordinator: int
    leads: list[int]
    recommendations: list[tuple[datetime.datetime, int]] = field(default_factory=list)


@dataclass
class Options:
    councils: int = 350
    years: int = 8
    seed: int = 1
    until: datetime.date = field(default_factory=datetime.date.today)
    actions: int = 60
    projects: int = 8
    password: str = ""


class Generator:
    """Builds one council at a time; each council is one transaction and one stretch of the audit chain."""

    def __init__(self, options: Options, log: Callable[[str], None] = print) -> None:
        self.options = options
        self.log = log
        self.templates = Templates.load()
        self.ids = Ids(written_models())
        self.writer = Writer()
        self.until = datetime.datetime.combine(options.until, datetime.time(18), tzinfo=UTC)
        self.password = make_password(options.password) if options.password else make_password(None)
        self.action_perm = Permission.objects.get(content_type__app_label="actions", codename="update_status")
        self.project_perm = Permission.objects.get(content_type__app_label="projects", codename="update_status")
        self.action_type = ContentType.objects.get_for_model(Action).pk
        self.project_type = ContentType.objects.get_for_model(CommissionedProject).pk
        self.names: set[str] = set(Council.objects.values_list("name", flat=True))

    # The plumbing every record shares.

    def _history(
        self, batch: Batch, model: type[models.Model], live: dict, at: datetime.datetime, kind: str,
        user: int | None, reason: str | None = None, m2m: list[dict] | None = None,
    ) -> None:  # fmt: skip
        history = history_model(model)
        row = {name: live[name] for name in _tracked(model)}
        row.update(
            history_id=self.ids(history),
            history_date=at,
            history_change_reason=reason,
            history_type=kind,
            history_user_id=user,
        )
        batch.add(history, row)
        content = dict(row)
        if m2m is not None:
            m2m_model = m2m_history_model(history)
            for through in m2m:
                batch.add(
                    m2m_model, {"m2m_history_id": self.ids(m2m_model), "history_id": row["history_id"], **through}
                )
            content[f"m2m:{m2m_model._meta.model_name}"] = sorted(audit.canonical(through) for through in m2m)
        batch.chained.append((at, audit.label(history), row["history_id"], audit.sha256(audit.canonical(content))))

    def _created(self, batch: Batch, model: type[models.Model], live: dict, at: datetime.datetime, user: int | None):
        batch.add(model, live)
        self._history(batch, model, live, at, "+", user)
        return live

    # Councils and people.

    def _council_name(self, index: int) -> str:
        """A fictional name, unique in the database; drawn apart from the council's data, which it leaves unchanged."""
        rng = random.Random(f"name:{self.options.seed}:{index}")  # noqa: S311 - repeatable test data, not secrets
        for _ in range(1000):
            name = f"{rng.choice(PLACE_STARTS)}{rng.choice(PLACE_ENDS)} {rng.choice(COUNCIL_KINDS)}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("Ran out of council names")

    def _user(self, batch: Batch, username: str, first: str, last: str, joined: datetime.datetime) -> int:
        user_model = get_user_model()
        pk = self.ids(user_model)
        batch.add(
            user_model,
            {
                "id": pk,
                "password": self.password,
                "last_login": None,
                "is_superuser": False,
                "username": username,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.invalid",
                "is_staff": False,
                "is_active": True,
                "date_joined": joined,
            },
        )
        return pk

    def council(self, index: int) -> Batch:
        rng = random.Random(f"{self.options.seed}:{index}")  # noqa: S311 - repeatable test data, not secrets
        batch = Batch()
        first_year = self.until.year - (self.until.month < 4) - self.options.years + 1
        joined = datetime.datetime(first_year, 2, 1, 9, tzinfo=UTC) + datetime.timedelta(minutes=rng.randrange(9000))
        name = self._council_name(index)
        slug = slugify(name)
        pk = self.ids(Council)
        self._created(batch, Council, {"id": pk, "slug": slug, "name": name}, joined, None)
        people = {role: self._user(batch, f"{slug}-{role}", role.title(), name, joined) for role in Role.values}
        for role, user in people.items():
            membership = {"id": self.ids(Membership), "user_id": user, "council_id": pk, "role": role}
            self._created(batch, Membership, membership, joined, None)
        leads = [
            self._user(batch, f"{slug}-lead-{n:02d}", "Lead", f"{n:02d} {rng.choice(PARTNERS)}", joined)
            for n in range(1, LEADS_PER_COUNCIL + 1)
        ]
        council = Council_(pk, slug, name, people[Role.COORDINATOR], leads)
        for offset, kind in (
            (1, Review.Kind.SCRUTINY_REVIEW),
            (min(4, self.options.years - 1), Review.Kind.PEER_REVIEW),
        ):
            self._review(batch, rng, council, first_year + offset, kind)
        for year in range(first_year, first_year + self.options.years):
            if datetime.datetime(year, 3, 1, tzinfo=UTC) < self.until:
                self._plan(batch, rng, council, year)
        return batch

    def _review(self, batch: Batch, rng: random.Random, council: Council_, year: int, kind: str) -> None:
        at = datetime.datetime(year - 1, 11, rng.randint(1, 28), 10, tzinfo=UTC)
        if at > self.until:
            return
        title = f"{council.name} {'Peer Review' if kind == Review.Kind.PEER_REVIEW else 'Scrutiny Review'} {year - 1}"
        review = {
            "id": self.ids(Review), "version": 1, "council_id": council.pk, "slug": slugify(title)[:50],
            "kind": kind, "title": title, "date": at.date(), "summary": "", "areas": "Community engagement",
            "key_findings": "", "date_precision": Review.DatePrecision.DAY, }  # fmt: skip
        self._created(batch, Review, review, at, council.coordinator)
        texts = rng.sample(self.templates.recommendations, rng.randint(5, 9))
        for number, text in enumerate(texts, start=1):
            pk = self.ids(Recommendation)
            recommendation = {
                "id": pk, "version": 1, "review_id": review["id"], "number": number, "theme": "", "text": text,
                "owner": "", }  # fmt: skip
            self._created(batch, Recommendation, recommendation, at, council.coordinator)
            council.recommendations.append((at, pk))

    # A year's plan.

    def _plan(self, batch: Batch, rng: random.Random, council: Council_, year: int) -> None:
        start = datetime.datetime(year, 3, rng.randint(1, 25), 9, tzinfo=UTC) + datetime.timedelta(
            minutes=rng.randrange(480)
        )
        end = datetime.datetime(year + 1, 3, 31, 17, tzinfo=UTC)
        closed = end < self.until
        plan = {
            "id": self.ids(DeliveryPlan), "version": 1, "council_id": council.pk,
            "year": f"{year}-{(year + 1) % 100:02d}",
            "status": DeliveryPlan.Status.ACTIVE, "introduction": f"The {council.name} Prevent Delivery Plan.",
            "local_context": "", "published_at": None, "public": False, "heading": "", "rag_column": True,
            "illustrative": False,
        }  # fmt: skip
        self._created(batch, DeliveryPlan, plan, start, council.coordinator)
        user = council.coordinator
        tick = itertools.count(1)

        def soon() -> datetime.datetime:
            return start + datetime.timedelta(seconds=next(tick))

        objectives = []
        for number, title in enumerate(rng.sample(self.templates.objectives, rng.randint(4, 5)), start=1):
            objective = {"id": self.ids(Objective), "version": 1, "plan_id": plan["id"], "number": number,
                         "title": title, "description": ""}  # fmt: skip
            objectives.append(self._created(batch, Objective, objective, soon(), user)["id"])
        answerable = [pk for at, pk in council.recommendations if at < start]
        count = max(1, round(rng.gauss(self.options.actions, self.options.actions / 8)))
        per_objective = [0] * len(objectives)
        for position in range(count):
            which = position * len(objectives) // count
            per_objective[which] += 1
            self._action(batch, rng, council, plan, objectives[which], f"{which + 1}.{per_objective[which]}",
                         position, answerable, soon(), year)  # fmt: skip
        for position in range(max(1, round(rng.gauss(self.options.projects, 1.5)))):
            self._project(batch, rng, council, plan, objectives, position, soon(), year)
        for month in (5, 7, 9, 11, 13, 15):
            date = datetime.date(year + (month > 12), (month - 1) % 12 + 1, rng.randint(8, 24))
            meeting = {"id": self.ids(BoardMeeting), "version": 1, "plan_id": plan["id"], "date": date,
                       "decisions": ""}  # fmt: skip
            self._created(batch, BoardMeeting, meeting, soon(), user)
            minuted = datetime.datetime.combine(date + datetime.timedelta(days=3), datetime.time(11), tzinfo=UTC)
            if minuted < self.until:
                meeting.update(version=2, decisions="The Board noted the progress report and the exceptions raised.")
                self._history(batch, BoardMeeting, meeting, minuted, "~", user)
        if closed:
            plan.update(version=2, status=DeliveryPlan.Status.CLOSED)
            self._history(batch, DeliveryPlan, plan, end + datetime.timedelta(days=20), "~", user)

    def _grant(self, batch: Batch, content_type: int, permission: int, pk: int, lead: int, at, by: int) -> None:
        grant = {"id": self.ids(UserObjectPermission), "permission_id": permission, "content_type_id": content_type,
                 "object_pk": str(pk), "user_id": lead}  # fmt: skip
        batch.add(UserObjectPermission, grant)
        history = {**grant, "history_id": self.ids(HistoricalUserObjectPermission), "history_date": at,
                   "history_change_reason": None, "history_type": "+", "history_user_id": by}  # fmt: skip
        batch.add(HistoricalUserObjectPermission, history, chain_at=at)

    def _updates(self, rng: random.Random, begin: datetime.datetime, year: int) -> Iterator[datetime.datetime]:
        """When an item is reported on: every two to four and a half weeks from its start until the year ends."""
        last = min(datetime.datetime(year + 1, 3, 31, 17, tzinfo=UTC), self.until)
        at = begin + datetime.timedelta(days=rng.randint(10, 60), minutes=rng.randrange(600))
        cadence = rng.randint(14, 31)
        while at < last:
            yield at
            at += datetime.timedelta(days=cadence + rng.randint(-3, 3), minutes=rng.randrange(-300, 300))

    @staticmethod
    def _next_rag(rng: random.Random, rag: str, progress: float) -> str:
        roll = rng.random()
        if rag == RAG.NOT_STARTED:
            return RAG.GREEN if roll < 0.8 else RAG.AMBER
        if rag == RAG.GREEN:
            return RAG.COMPLETE if roll < progress * 0.25 else RAG.AMBER if roll > 0.92 else RAG.GREEN
        if rag == RAG.AMBER:
            return RAG.GREEN if roll < 0.45 else RAG.RED if roll > 0.85 else RAG.AMBER
        return RAG.AMBER if roll < 0.5 else RAG.RED

    def _commentary(self, rng: random.Random, rag: str, at: datetime.datetime) -> str:
        text = rng.choice(COMMENTARY[rag])
        return text.format(n=rng.randint(2, 40), month=MONTHS[(at.month + rng.randint(0, 2)) % 12])

    def _action(
        self, batch: Batch, rng: random.Random, council: Council_, plan: dict, objective: int, reference: str,
        position: int, answerable: list[int], at: datetime.datetime, year: int,
    ) -> None:  # fmt: skip
        source = rng.choice(self.templates.actions)
        due = rng.choice([datetime.date(year + 1, 3, 31), datetime.date(year, 9, 30), datetime.date(year, 12, 31),
                          None])  # fmt: skip
        timescale = f"{MONTHS[due.month - 1]} {due.year}" if due else "Ongoing"
        lead = rng.choice(council.leads)
        pk = self.ids(Action)
        action = {
            "id": pk, "version": 1, "plan_id": plan["id"], "objective_id": objective, "reference": reference,
            "position": position, "section": source.get("section") or "", "title": source["title"],
            "outcomes": (source.get("outcomes") or "").strip(), "outputs": "\n".join(source.get("outputs") or []),
            "timescale": timescale, "due_date": due, "lead": source.get("lead") or "",
            "lead_agency": source.get("lead_agency") or "", "rag": RAG.NOT_STARTED, "withheld_fields": [],
            "withdrawn_at": None, "status_updated_at": None, "carried_from_id": None, "timescale_to_review": False,
        }  # fmt: skip
        batch.add(Action, action)
        answers = []
        if answerable and rng.random() < 0.2:
            for recommendation in rng.sample(answerable, min(len(answerable), rng.randint(1, 2))):
                through = {"id": self.ids(Action.answers.through), "action_id": pk, "recommendation_id": recommendation}
                batch.add(Action.answers.through, through)
                answers.append(through)
        self._history(batch, Action, action, at, "+", council.coordinator, m2m=answers)
        self._grant(batch, self.action_type, self.action_perm.pk, pk, lead, at, council.coordinator)
        moments = list(self._updates(rng, datetime.datetime(year, 4, 1, 9, tzinfo=UTC), year))
        deadline = datetime.datetime.combine(due or datetime.date(year + 1, 3, 31), datetime.time(17), tzinfo=UTC)
        for number, moment in enumerate(moments, start=1):
            rag = self._next_rag(rng, action["rag"], number / len(moments))
            if moment > deadline and rag != RAG.COMPLETE and rng.random() < 0.5:
                rag = RAG.COMPLETE
            by = lead if rng.random() < 0.85 else council.coordinator
            update = {
                "id": self.ids(StatusUpdate), "action_id": pk, "rag": rag, "previous_rag": action["rag"],
                "commentary": self._commentary(rng, rag, moment), "evidence": "", "as_of": moment.date(),
                "created_by_id": by, "created_at": moment,
            }  # fmt: skip
            batch.add(StatusUpdate, update, chain_at=moment)
            saved = moment + datetime.timedelta(microseconds=1500)
            action.update(version=action["version"] + 1, rag=rag, status_updated_at=moment)
            label = RAG(rag).label
            self._history(batch, Action, action, saved, "~", by, f"Status update: {label}", m2m=answers)
            if rag == RAG.COMPLETE:
                break

    def _project(
        self, batch: Batch, rng: random.Random, council: Council_, plan: dict, objectives: list[int],
        position: int, at: datetime.datetime, year: int,
    ) -> None:  # fmt: skip
        source = rng.choice(self.templates.projects)
        pk = self.ids(CommissionedProject)
        due = datetime.date(year + 1, 3, 31)
        project = {
            "id": pk, "version": 1, "plan_id": plan["id"], "position": position, "name": source["name"],
            "provider": source.get("provider") or "", "description": source.get("description") or "",
            "outcomes": (source.get("outcomes") or "").strip(), "lead": source.get("lead") or "",
            "funding_source": source.get("funding_source") or "Home Office Prevent grant",
            "amount": Decimal(rng.randrange(5, 80) * 1000).quantize(Decimal("0.01")), "timescale": f"March {year + 1}",
            "due_date": due, "rag": RAG.NOT_STARTED, "withheld_fields": list(source.get("withheld") or []),
            "withdrawn_at": None, "status_updated_at": None, "unheaded_column": source.get("unheaded_column") or "",
        }  # fmt: skip
        batch.add(CommissionedProject, project)
        served = []
        for objective in rng.sample(objectives, rng.randint(1, 2)):
            through = {"id": self.ids(CommissionedProject.objectives.through), "commissionedproject_id": pk,
                       "objective_id": objective}  # fmt: skip
            batch.add(CommissionedProject.objectives.through, through)
            served.append(through)
        self._history(batch, CommissionedProject, project, at, "+", council.coordinator, m2m=served)
        targets = []
        for number, output in enumerate(source.get("outputs") or [{"text": "Sessions delivered", "target": 20}]):
            target = output.get("target") or rng.randint(10, 300)
            row = {"id": self.ids(OutputTarget), "project_id": pk, "position": number, "description": output["text"],
                   "target": target, "delivered": 0}  # fmt: skip
            targets.append(self._created(batch, OutputTarget, row, at, council.coordinator))
        lead = rng.choice(council.leads)
        self._grant(batch, self.project_type, self.project_perm.pk, pk, lead, at, council.coordinator)
        moments = [
            m for i, m in enumerate(self._updates(rng, datetime.datetime(year, 4, 1, tzinfo=UTC), year)) if i % 2
        ]
        for number, moment in enumerate(moments, start=1):
            rag = self._next_rag(rng, project["rag"], number / len(moments))
            by = lead if rng.random() < 0.85 else council.coordinator
            update = {
                "id": self.ids(ProjectStatusUpdate), "project_id": pk, "rag": rag, "previous_rag": project["rag"],
                "commentary": self._commentary(rng, rag, moment), "evidence": "", "as_of": moment.date(),
                "created_by_id": by, "created_at": moment,
            }  # fmt: skip
            batch.add(ProjectStatusUpdate, update, chain_at=moment)
            saved = moment + datetime.timedelta(microseconds=1500)
            for target in targets:
                share = 1.0 if rag == RAG.COMPLETE else number / (len(moments) + 1)
                delivered = max(target["delivered"], round(target["target"] * share * rng.uniform(0.8, 1.0)))
                delivery = {"id": self.ids(OutputDelivery), "status_update_id": update["id"],
                            "output_target_id": target["id"], "previous_delivered": target["delivered"],
                            "delivered": delivered}  # fmt: skip
                batch.add(OutputDelivery, delivery, chain_at=moment)
                if delivered != target["delivered"]:
                    target["delivered"] = delivered
                    self._history(batch, OutputTarget, target, saved, "~", by)
            project.update(version=project["version"] + 1, rag=rag, status_updated_at=moment)
            label = RAG(rag).label
            self._history(batch, CommissionedProject, project, saved, "~", by, f"Status update: {label}", m2m=served)
            if rag == RAG.COMPLETE:
                break

    def run(self) -> dict[str, int]:
        """Generate council after council while a second thread writes the previous one (PostgreSQL works meanwhile)."""
        started = time.monotonic()
        total = 0
        batches: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        failure: list[BaseException] = []

        def write() -> None:
            try:
                while (batch := batches.get()) is not None:
                    if not failure:
                        self.writer.write(batch)
            except BaseException as error:  # re-raised by the generating thread
                failure.append(error)
                while batches.get() is not None:
                    pass
            finally:
                connection.close()

        writer = threading.Thread(target=write, name="bench.generate writer")
        writer.start()
        try:
            for index in range(self.options.councils):
                if failure:
                    break
                batch = self.council(index)
                total += batch.count()
                batches.put(batch)
                if (index + 1) % 25 == 0 or index + 1 == self.options.councils:
                    elapsed = time.monotonic() - started
                    self.log(f"{index + 1} councils generated, {total:,} rows in {elapsed:.0f} s")
        finally:
            batches.put(None)
            writer.join()
        if failure:
            raise failure[0]
        self.writer.finish()
        return dict(sorted(self.writer.written.items()))


def written_models() -> list[type[models.Model]]:
    """Every table the generator writes to (its keys are allocated here, not by the database)."""
    history = [history_model(model) for model in (Council, Membership, DeliveryPlan, BoardMeeting, Objective, Action,
                                             CommissionedProject, OutputTarget, Review, Recommendation)]  # fmt: skip
    live = [Council, Membership, DeliveryPlan, BoardMeeting, Objective, Action, CommissionedProject, OutputTarget,
            Review, Recommendation, StatusUpdate, ProjectStatusUpdate, OutputDelivery, UserObjectPermission,
            HistoricalUserObjectPermission, Action.answers.through, CommissionedProject.objectives.through,
            get_user_model()]  # fmt: skip
    m2m = [m2m_history_model(history_model(Action)), m2m_history_model(history_model(CommissionedProject))]
    return history + live + m2m
