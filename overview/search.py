"""Finding an action or a project of a plan by its reference or by words from it: two queries whatever the plan."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.db.models import Q

from actions.models import Action
from plans.models import DeliveryPlan
from projects.models import CommissionedProject

MAX_RESULTS = 50
MAX_WORDS = 10
ACTION_FIELDS = ("reference", "title", "outcomes", "outputs", "lead", "lead_agency", "timescale")
PROJECT_FIELDS = ("name", "provider", "description", "outcomes", "lead")


@dataclass
class Found:
    item: Any
    kind: str  # "Action" or "Project"

    @property
    def name(self) -> str:
        return f"{self.item.reference} {self.item.title}" if self.kind == "Action" else self.item.name


def _words(query: str) -> list[str]:
    return re.findall(r"[^\s,;]+", query)[:MAX_WORDS]


def _every_word(words: list[str], fields: tuple[str, ...]) -> Q:
    """Each word found in one of the fields (any field per word), so "education schools" finds 1.1."""
    return reduce(and_, (reduce(or_, (Q(**{f"{name}__icontains": word}) for name in fields)) for word in words))


def plan_search(plan: DeliveryPlan, query: str) -> list[Found]:
    """The plan's live actions and projects matching every word, an action whose reference is the query first."""
    words = _words(query.strip())
    if not words:
        return []
    actions = Action.objects.filter(plan=plan, withdrawn_at__isnull=True).filter(_every_word(words, ACTION_FIELDS))
    projects = CommissionedProject.objects.filter(plan=plan, withdrawn_at__isnull=True).filter(
        _every_word(words, PROJECT_FIELDS)
    )
    exact = query.strip().casefold()
    found = [Found(action, "Action") for action in actions.order_by("position", "pk")[:MAX_RESULTS]]
    found.sort(key=lambda row: row.item.reference.casefold() != exact)
    found += [Found(project, "Project") for project in projects.order_by("position", "pk")[:MAX_RESULTS]]
    return found[:MAX_RESULTS]
