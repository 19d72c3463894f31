"""A plan's actions and commissioned projects, each with its lead and a year of status updates.

An item's live row changes with every status update, so it is handed to the records after its last one; its history
entries go as they happen. Keys and random draws come in the same order whatever the order rows are handed over in,
which keeps the data the same for a seed.
"""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from actions.models import Action, StatusUpdate
from core.rag import RAG
from projects.models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate

from .records import Records
from .wording import COMMENTARY, MONTHS, Templates

UTC = datetime.UTC


@dataclass
class Council_:
    """What one council's generation needs to refer back to."""

    pk: int
    slug: str
    name: str
    coordinator: int
    leads: list[int]
    recommendations: list[tuple[datetime.datetime, int]] = field(default_factory=list)


class Items:
    """Makes actions and projects into the records, with status updates until the year ends or `until`."""

    def __init__(self, records: Records, templates: Templates, until: datetime.datetime) -> None:
        self.records = records
        self.templates = templates
        self.until = until
        self.action_perm = Permission.objects.get(content_type__app_label="actions", codename="update_status").pk
        self.project_perm = Permission.objects.get(content_type__app_label="projects", codename="update_status").pk
        self.action_type = ContentType.objects.get_for_model(Action).pk
        self.project_type = ContentType.objects.get_for_model(CommissionedProject).pk

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

    @staticmethod
    def _commentary(rng: random.Random, rag: str, at: datetime.datetime) -> str:
        text = rng.choice(COMMENTARY[rag])
        return text.format(n=rng.randint(2, 40), month=MONTHS[(at.month + rng.randint(0, 2)) % 12])

    def action(
        self, rng: random.Random, council: Council_, plan: int, objective: int, reference: str, position: int,
        answerable: list[int], at: datetime.datetime, year: int,
    ) -> None:  # fmt: skip
        records, ids = self.records, self.records.ids
        source = rng.choice(self.templates.actions)
        due = rng.choice([datetime.date(year + 1, 3, 31), datetime.date(year, 9, 30), datetime.date(year, 12, 31),
                          None])  # fmt: skip
        timescale = f"{MONTHS[due.month - 1]} {due.year}" if due else "Ongoing"
        lead = rng.choice(council.leads)
        pk = ids(Action)
        action = {
            "id": pk, "version": 1, "plan_id": plan, "objective_id": objective, "reference": reference,
            "position": position, "section": source.get("section") or "", "title": source["title"],
            "outcomes": (source.get("outcomes") or "").strip(), "outputs": "\n".join(source.get("outputs") or []),
            "timescale": timescale, "due_date": due, "lead": source.get("lead") or "",
            "lead_agency": source.get("lead_agency") or "", "rag": RAG.NOT_STARTED, "withheld_fields": [],
            "withdrawn_at": None, "status_updated_at": None, "carried_from_id": None, "timescale_to_review": False,
        }  # fmt: skip
        answers = []
        if answerable and rng.random() < 0.2:
            for recommendation in rng.sample(answerable, min(len(answerable), rng.randint(1, 2))):
                through = {"id": ids(Action.answers.through), "action_id": pk, "recommendation_id": recommendation}
                records.add(Action.answers.through, through)
                answers.append(through)
        records.history(Action, action, at, "+", council.coordinator, m2m=answers)
        records.grant(content_type=self.action_type, permission=self.action_perm, pk=pk, lead=lead, at=at,
                      by=council.coordinator)  # fmt: skip
        moments = list(self._updates(rng, datetime.datetime(year, 4, 1, 9, tzinfo=UTC), year))
        deadline = datetime.datetime.combine(due or datetime.date(year + 1, 3, 31), datetime.time(17), tzinfo=UTC)
        for number, moment in enumerate(moments, start=1):
            rag = self._next_rag(rng, action["rag"], number / len(moments))
            if moment > deadline and rag != RAG.COMPLETE and rng.random() < 0.5:
                rag = RAG.COMPLETE
            by = lead if rng.random() < 0.85 else council.coordinator
            update = {
                "id": ids(StatusUpdate), "action_id": pk, "rag": rag, "previous_rag": action["rag"],
                "commentary": self._commentary(rng, rag, moment), "evidence": "", "as_of": moment.date(),
                "created_by_id": by, "created_at": moment,
            }  # fmt: skip
            records.add(StatusUpdate, update, chain_at=moment)
            saved = moment + datetime.timedelta(microseconds=1500)
            action.update(version=action["version"] + 1, rag=rag, status_updated_at=moment)
            label = RAG(rag).label
            records.history(Action, action, saved, "~", by, f"Status update: {label}", m2m=answers)
            if rag == RAG.COMPLETE:
                break
        records.add(Action, action)

    def project(
        self, rng: random.Random, council: Council_, plan: int, objectives: list[int], position: int,
        at: datetime.datetime, year: int,
    ) -> None:  # fmt: skip
        records, ids = self.records, self.records.ids
        source = rng.choice(self.templates.projects)
        pk = ids(CommissionedProject)
        due = datetime.date(year + 1, 3, 31)
        project = {
            "id": pk, "version": 1, "plan_id": plan, "position": position, "name": source["name"],
            "provider": source.get("provider") or "", "description": source.get("description") or "",
            "outcomes": (source.get("outcomes") or "").strip(), "lead": source.get("lead") or "",
            "funding_source": source.get("funding_source") or "Home Office Prevent grant",
            "amount": Decimal(rng.randrange(5, 80) * 1000).quantize(Decimal("0.01")), "timescale": f"March {year + 1}",
            "due_date": due, "rag": RAG.NOT_STARTED, "withheld_fields": list(source.get("withheld") or []),
            "withdrawn_at": None, "status_updated_at": None, "unheaded_column": source.get("unheaded_column") or "",
        }  # fmt: skip
        served = []
        for objective in rng.sample(objectives, rng.randint(1, 2)):
            through = {"id": ids(CommissionedProject.objectives.through), "commissionedproject_id": pk,
                       "objective_id": objective}  # fmt: skip
            records.add(CommissionedProject.objectives.through, through)
            served.append(through)
        records.history(CommissionedProject, project, at, "+", council.coordinator, m2m=served)
        targets = []
        for number, output in enumerate(source.get("outputs") or [{"text": "Sessions delivered", "target": 20}]):
            target = output.get("target") or rng.randint(10, 300)
            row = {"id": ids(OutputTarget), "project_id": pk, "position": number, "description": output["text"],
                   "target": target, "delivered": 0}  # fmt: skip
            records.history(OutputTarget, row, at, "+", council.coordinator)
            targets.append(row)
        lead = rng.choice(council.leads)
        records.grant(content_type=self.project_type, permission=self.project_perm, pk=pk, lead=lead, at=at,
                      by=council.coordinator)  # fmt: skip
        moments = [
            m for i, m in enumerate(self._updates(rng, datetime.datetime(year, 4, 1, tzinfo=UTC), year)) if i % 2
        ]
        for number, moment in enumerate(moments, start=1):
            rag = self._next_rag(rng, project["rag"], number / len(moments))
            by = lead if rng.random() < 0.85 else council.coordinator
            update = {
                "id": ids(ProjectStatusUpdate), "project_id": pk, "rag": rag, "previous_rag": project["rag"],
                "commentary": self._commentary(rng, rag, moment), "evidence": "", "as_of": moment.date(),
                "created_by_id": by, "created_at": moment,
            }  # fmt: skip
            records.add(ProjectStatusUpdate, update, chain_at=moment)
            saved = moment + datetime.timedelta(microseconds=1500)
            for target in targets:
                share = 1.0 if rag == RAG.COMPLETE else number / (len(moments) + 1)
                delivered = max(target["delivered"], round(target["target"] * share * rng.uniform(0.8, 1.0)))
                delivery = {"id": ids(OutputDelivery), "status_update_id": update["id"],
                            "output_target_id": target["id"], "previous_delivered": target["delivered"],
                            "delivered": delivered}  # fmt: skip
                records.add(OutputDelivery, delivery, chain_at=moment)
                if delivered != target["delivered"]:
                    target["delivered"] = delivered
                    records.history(OutputTarget, target, saved, "~", by)
            project.update(version=project["version"] + 1, rag=rag, status_updated_at=moment)
            label = RAG(rag).label
            records.history(CommissionedProject, project, saved, "~", by, f"Status update: {label}", m2m=served)
            if rag == RAG.COMPLETE:
                break
        records.add(CommissionedProject, project)
        for target in targets:
            records.add(OutputTarget, target)
