"""A national dataset for measuring the service at scale: every council, years of plans and their whole history.

Rows are written in bulk (COPY on PostgreSQL, bulk_create elsewhere) instead of through the services, yet what
lands is what the services would have written: every change has its history entry, every status update moves its
item's RAG and version, every append-only row is linked into the audit chain in the order it happened within its
council, and every live row equals its latest history entry, so `verify_audit` holds on the result.

Generation streams: rows go to a writing thread in chunks as they are made (`records`), and a council's audit links
and change record rows wait on disk for its end (`chain`), so memory grows with the objects of a council (the latest
record of each), not with the length of their history or the size of the dataset.

The wording comes from the Tower Hamlets demo plans (actions, projects, objectives, review recommendations), reused
as templates (`wording`); councils, people and commentary are fictional. The same seed and end date give the same
data.
"""

import datetime
import itertools
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils.text import slugify

from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import BoardMeeting, Council, DeliveryPlan, Membership, Role

from .chain import PendingLinks
from .items import Council_, Items
from .records import Ids, Records, written_models
from .wording import COUNCIL_KINDS, PARTNERS, PLACE_ENDS, PLACE_STARTS, Templates
from .writer import Rows, Writer

UTC = datetime.UTC
LEADS_PER_COUNCIL = 12
IN_FLIGHT = 2  # chunks waiting for the writing thread: enough to keep it busy, few enough to keep memory flat


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
        self.writer = Writer()
        self.outbox: queue.Queue[Rows | PendingLinks | None] = queue.Queue(maxsize=IN_FLIGHT)
        self.failure: list[BaseException] = []
        self.records = Records(Ids(written_models()), self._send)
        self.ids = self.records.ids
        self.until = datetime.datetime.combine(options.until, datetime.time(18), tzinfo=UTC)
        self.items = Items(self.records, self.templates, self.until)
        self.password = make_password(options.password) if options.password else make_password(None)
        self.names: set[str] = set(Council.objects.values_list("name", flat=True))

    def _send(self, message: Rows | PendingLinks) -> None:
        if self.failure:
            raise RuntimeError("The writing thread stopped") from self.failure[0]
        self.outbox.put(message)

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

    def _user(self, username: str, first: str, last: str, joined: datetime.datetime) -> int:
        user_model = get_user_model()
        pk = self.ids(user_model)
        self.records.add(
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

    def council(self, index: int) -> None:
        """Make one council and send it to the writer, ending with its audit links."""
        rng = random.Random(f"{self.options.seed}:{index}")  # noqa: S311 - repeatable test data, not secrets
        records = self.records
        first_year = self.until.year - (self.until.month < 4) - self.options.years + 1
        joined = datetime.datetime(first_year, 2, 1, 9, tzinfo=UTC) + datetime.timedelta(minutes=rng.randrange(9000))
        name = self._council_name(index)
        slug = slugify(name)
        pk = self.ids(Council)
        records.created(Council, {"id": pk, "slug": slug, "name": name}, joined, None)
        people = {role: self._user(f"{slug}-{role}", role.title(), name, joined) for role in Role.values}
        for role, user in people.items():
            membership = {"id": self.ids(Membership), "user_id": user, "council_id": pk, "role": role}
            records.created(Membership, membership, joined, None)
        leads = [
            self._user(f"{slug}-lead-{n:02d}", "Lead", f"{n:02d} {rng.choice(PARTNERS)}", joined)
            for n in range(1, LEADS_PER_COUNCIL + 1)
        ]
        council = Council_(pk, slug, name, people[Role.COORDINATOR], leads)
        for offset, kind in (
            (1, Review.Kind.SCRUTINY_REVIEW),
            (min(4, self.options.years - 1), Review.Kind.PEER_REVIEW),
        ):
            self._review(rng, council, first_year + offset, kind)
        for year in range(first_year, first_year + self.options.years):
            if datetime.datetime(year, 3, 1, tzinfo=UTC) < self.until:
                self._plan(rng, council, year)
        records.end_council()

    def _review(self, rng: random.Random, council: Council_, year: int, kind: str) -> None:
        at = datetime.datetime(year - 1, 11, rng.randint(1, 28), 10, tzinfo=UTC)
        if at > self.until:
            return
        title = f"{council.name} {'Peer Review' if kind == Review.Kind.PEER_REVIEW else 'Scrutiny Review'} {year - 1}"
        review = {
            "id": self.ids(Review), "version": 1, "council_id": council.pk, "slug": slugify(title)[:50],
            "kind": kind, "title": title, "date": at.date(), "summary": "", "areas": "Community engagement",
            "key_findings": "", "date_precision": Review.DatePrecision.DAY, }  # fmt: skip
        self.records.created(Review, review, at, council.coordinator)
        texts = rng.sample(self.templates.recommendations, rng.randint(5, 9))
        for number, text in enumerate(texts, start=1):
            pk = self.ids(Recommendation)
            recommendation = {
                "id": pk, "version": 1, "review_id": review["id"], "number": number, "theme": "", "text": text,
                "owner": "", }  # fmt: skip
            self.records.created(Recommendation, recommendation, at, council.coordinator)
            council.recommendations.append((at, pk))

    # A year's plan.

    def _plan(self, rng: random.Random, council: Council_, year: int) -> None:
        records = self.records
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
        # The plan's live row goes in once the year is closed or not (below); its history as it happens.
        records.history(DeliveryPlan, plan, start, "+", council.coordinator)
        user = council.coordinator
        tick = itertools.count(1)

        def soon() -> datetime.datetime:
            return start + datetime.timedelta(seconds=next(tick))

        objectives = []
        for number, title in enumerate(rng.sample(self.templates.objectives, rng.randint(4, 5)), start=1):
            objective = {"id": self.ids(Objective), "version": 1, "plan_id": plan["id"], "number": number,
                         "title": title, "description": ""}  # fmt: skip
            objectives.append(records.created(Objective, objective, soon(), user)["id"])
        answerable = [pk for at, pk in council.recommendations if at < start]
        count = max(1, round(rng.gauss(self.options.actions, self.options.actions / 8)))
        per_objective = [0] * len(objectives)
        for position in range(count):
            which = position * len(objectives) // count
            per_objective[which] += 1
            self.items.action(rng, council, plan["id"], objectives[which], f"{which + 1}.{per_objective[which]}",
                              position, answerable, soon(), year)  # fmt: skip
        for position in range(max(1, round(rng.gauss(self.options.projects, 1.5)))):
            self.items.project(rng, council, plan["id"], objectives, position, soon(), year)
        for month in (5, 7, 9, 11, 13, 15):
            date = datetime.date(year + (month > 12), (month - 1) % 12 + 1, rng.randint(8, 24))
            meeting = {"id": self.ids(BoardMeeting), "version": 1, "plan_id": plan["id"], "date": date,
                       "decisions": ""}  # fmt: skip
            records.history(BoardMeeting, meeting, soon(), "+", user)
            minuted = datetime.datetime.combine(date + datetime.timedelta(days=3), datetime.time(11), tzinfo=UTC)
            if minuted < self.until:
                meeting.update(version=2, decisions="The Board noted the progress report and the exceptions raised.")
                records.history(BoardMeeting, meeting, minuted, "~", user)
            records.add(BoardMeeting, meeting)
        if closed:
            plan.update(version=2, status=DeliveryPlan.Status.CLOSED)
            records.history(DeliveryPlan, plan, end + datetime.timedelta(days=20), "~", user)
        records.add(DeliveryPlan, plan)

    def run(self) -> dict[str, int]:
        """Generate council after council while a second thread writes what is made (PostgreSQL works meanwhile)."""
        started = time.monotonic()

        ended = threading.Event()

        def messages() -> Iterator[Rows | PendingLinks]:
            while (message := self.outbox.get()) is not None:
                yield message
            ended.set()

        def write() -> None:
            try:
                self.writer.write(messages())
            except BaseException as error:  # re-raised by the generating thread
                self.failure.append(error)
                # Take what the generating thread still sends until it stops, so that it never waits on a full queue.
                while not ended.is_set() and self.outbox.get() is not None:
                    pass
            finally:
                connection.close()

        writer = threading.Thread(target=write, name="bench.generate writer")
        writer.start()
        try:
            for index in range(self.options.councils):
                self.council(index)
                if (index + 1) % 25 == 0 or index + 1 == self.options.councils:
                    elapsed = time.monotonic() - started
                    self.log(f"{index + 1} councils generated, {self.records.count:,} rows in {elapsed:.0f} s")
        except RuntimeError:
            if not self.failure:
                raise
        finally:
            self.outbox.put(None)
            writer.join()
        if self.failure:
            raise self.failure[0]
        self.writer.finish()
        return dict(sorted(self.writer.written.items()))
