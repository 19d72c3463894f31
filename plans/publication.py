"""The published version of a plan: the plan as it stood when published, with withheld content as [REDACTED].

Nothing here reads a live row's text: everything comes from the snapshot (and the texts beside it), and every text
goes through one redaction step, `_Redactor`, before it lands in a published dataclass. The dataclasses refuse any
text that did not come through it, so no template can print a withheld passage, field or item by mistake: a
template only ever sees the published dataclasses. The same step lists what it withheld for the coordinator's
preview, so the preview and the published version cannot disagree.
"""

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.withheld import WHOLE_ITEM, Redacted, passages, plain, redact

from .models import DeliveryPlan, PublishedPdf
from .pdf import html_to_pdf
from .snapshot import ActionState, ProjectState, RecommendationState, ReviewState, plan_snapshot, plan_texts

# What the stored PDFs were made with (templates/plans/published_pdf.html and the redaction step above): change it
# when either changes, so every stored PDF is rendered again on its next request and none keeps an older redaction.
PDF_VERSION = 1


def _only_redacted(value: Any, where: str) -> None:
    if isinstance(value, str):
        if not isinstance(value, Redacted):
            raise TypeError(f"{where} holds text that was not redacted")
    elif isinstance(value, dict):
        _only_redacted(list(value.values()), where)
    elif isinstance(value, list | tuple):
        for part in value:
            _only_redacted(part, where)


class _Published:
    """Checks, as each published piece is made, that every text it holds came through the redaction step."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            _only_redacted(getattr(self, field.name), f"{type(self).__name__}.{field.name}")


@dataclass(frozen=True)
class PublishedRow(_Published):
    cells: dict[str, Redacted]
    outputs: list[Redacted]
    redacted: bool  # the whole item is withheld


@dataclass(frozen=True)
class PublishedObjective(_Published):
    number: int
    title: Redacted
    description: Redacted
    actions: list[PublishedRow]


@dataclass(frozen=True)
class PublishedRecommendation(_Published):
    number: int
    theme: Redacted
    text: Redacted
    owner: Redacted


@dataclass(frozen=True)
class PublishedReview(_Published):
    title: Redacted
    summary: Redacted
    areas: list[Redacted]
    key_findings: list[Redacted]
    recommendations: list[PublishedRecommendation]


@dataclass(frozen=True)
class PublishedPlan(_Published):
    council: Redacted
    title: Redacted
    year: Redacted
    at: datetime.datetime | None
    introduction: Redacted
    local_context: Redacted
    objectives: list[PublishedObjective]
    other_actions: list[tuple[Redacted, list[PublishedRow]]]
    projects: list[PublishedRow]
    reviews: list[PublishedReview]


@dataclass(frozen=True)
class Withheld:
    """For the preview: something the published version redacts, as the working plan holds it."""

    item: str
    field: str
    text: str


class _Redactor:
    """The one redaction step every published text goes through; it notes what it withholds, once each."""

    def __init__(self) -> None:
        self.noted: dict[Withheld, None] = {}  # a set that keeps the page's order

    @property
    def withheld(self) -> list[Withheld]:
        return list(self.noted)

    def _note(self, item: str, field: str, text: str) -> None:
        self.noted.setdefault(Withheld(item, field, text))

    def item(self, item: str, description: str) -> None:
        self._note(item, "Item", description)

    def text(
        self, value: str | None, *, item: str, field: str, whole_field: bool = False, whole_item: bool = False
    ) -> Redacted:
        """`whole_item`: the item was noted once as a whole, so its fields are not listed again."""
        value = value or ""
        if whole_item:
            return redact(value, whole=True)
        if whole_field:
            self._note(item, field, value)
            return redact(value, whole=True)
        for passage in passages(value):
            self._note(item, field, passage)
        return redact(value)

    def lines(self, value: str | None, **where: Any) -> list[Redacted]:
        """A text held one entry per line, redacted as a whole first so a passage may span lines."""
        text = self.text(value, **where)
        return [Redacted(line.strip()) for line in text.splitlines() if line.strip()]


def _action(action: ActionState, r: _Redactor) -> PublishedRow:
    withheld = action.withheld_fields
    whole = WHOLE_ITEM in withheld
    item = f"Action {plain(action.reference)}"
    if whole:
        r.item(item, "The whole action")

    def text(name: str, label: str) -> Redacted:
        return r.text(getattr(action, name), item=item, field=label, whole_field=name in withheld, whole_item=whole)

    def lines(name: str, label: str) -> list[Redacted]:
        return r.lines(getattr(action, name), item=item, field=label, whole_field=name in withheld, whole_item=whole)

    cells = {
        "reference": text("reference", "Reference"),
        "title": text("title", "Title"),
        "outcomes": Redacted("\n".join(lines("outcomes", "Outcomes"))),
        "timescale": text("timescale", "Timescale"),
        "lead": text("lead", "Lead"),
    }
    return PublishedRow(cells=cells, outputs=lines("outputs", "Outputs"), redacted=whole)


def _project(project: ProjectState, objective_numbers: dict[int, int], r: _Redactor) -> PublishedRow:
    withheld = project.withheld_fields
    whole = WHOLE_ITEM in withheld
    item = f"Project {plain(project.name)}"
    if whole:
        r.item(item, "The whole project")

    def text(name: str, label: str) -> Redacted:
        return r.text(getattr(project, name), item=item, field=label, whole_field=name in withheld, whole_item=whole)

    def lines(name: str, label: str) -> list[Redacted]:
        return r.lines(getattr(project, name), item=item, field=label, whole_field=name in withheld, whole_item=whole)

    numbers = sorted(objective_numbers[pk] for pk in project.objective_ids if pk in objective_numbers)
    cells = {
        "objectives": redact(", ".join(f"Objective {number}" for number in numbers), whole=whole),
        "name": text("name", "Name"),
        "description": text("description", "Description"),
        "outcomes": Redacted("\n".join(lines("outcomes", "Outcomes"))),
        "timescale": text("timescale", "Timescale"),
        "provider": text("provider", "Provider"),
        "unheaded_column": text("unheaded_column", "Unheaded column"),
    }
    if whole or "outputs" in withheld:
        everything = "\n".join(output.description for output in project.outputs)
        outputs = [r.text(everything, item=item, field="Outputs", whole_field=True, whole_item=whole)]
    else:
        outputs = [r.text(output.description, item=item, field="Outputs") for output in project.outputs]
    return PublishedRow(cells=cells, outputs=outputs, redacted=whole)


def _review(review: ReviewState, recommendations: list[RecommendationState], r: _Redactor) -> PublishedReview:
    item = f"Review {plain(review.title)}"
    return PublishedReview(
        title=r.text(review.title, item=item, field="Title"),
        summary=r.text(review.summary, item=item, field="Summary"),
        areas=r.lines(review.areas, item=item, field="Areas reviewed"),
        key_findings=r.lines(review.key_findings, item=item, field="Key findings"),
        recommendations=[
            PublishedRecommendation(
                number=rec.number,
                theme=r.text(rec.theme, item=f"Recommendation {rec.number}, {item}", field="Theme"),
                text=r.text(rec.text, item=f"Recommendation {rec.number}, {item}", field="Recommendation"),
                owner=r.text(rec.owner, item=f"Recommendation {rec.number}, {item}", field="Owner"),
            )
            for rec in recommendations
            if rec.review_id == review.pk
        ],
    )


def _build(plan: DeliveryPlan, at: datetime.datetime | None) -> tuple[PublishedPlan, list[Withheld]]:
    snapshot = plan_snapshot(plan, at)
    descriptions, reviews = plan_texts(plan, at)
    r = _Redactor()
    the_plan = "The plan"
    introduction = r.text(snapshot.introduction, item=the_plan, field="Introduction")
    local_context = r.text(snapshot.local_context, item=the_plan, field="Local context")
    objectives = [
        PublishedObjective(
            number=objective.number,
            title=r.text(objective.title, item=f"Objective {objective.number}", field="Title"),
            description=r.text(
                descriptions.get(objective.pk, ""), item=f"Objective {objective.number}", field="Description"
            ),
            actions=[_action(action, r) for action in objective.actions],
        )
        for objective in snapshot.objectives
    ]
    others: dict[Redacted, list[PublishedRow]] = {}
    for action in snapshot.unassigned_actions:
        section = r.text(action.section or "Other actions", item=f"Section {plain(action.section)}", field="Heading")
        others.setdefault(section, []).append(_action(action, r))
    objective_numbers = {objective.pk: objective.number for objective in snapshot.objectives}
    document = PublishedPlan(
        council=r.text(plan.council.name, item=the_plan, field="Council"),
        title=r.text(plan.title, item=the_plan, field="Title"),
        year=r.text(plan.year, item=the_plan, field="Year"),
        at=at,
        introduction=introduction,
        local_context=local_context,
        objectives=objectives,
        other_actions=list(others.items()),
        projects=[_project(project, objective_numbers, r) for project in snapshot.projects],
        reviews=[_review(review, snapshot.recommendations, r) for review in reviews],
    )
    return document, r.withheld


def published_plan(plan: DeliveryPlan, at: datetime.datetime | None) -> PublishedPlan:
    """The plan as published at `at` (None: as it would be published now, for the coordinator's preview)."""
    return _build(plan, at)[0]


def withheld_items(plan: DeliveryPlan) -> list[Withheld]:
    """For the preview: everything the published version would redact now, passage by passage, field by field and
    item by item, in the order the published version shows them."""
    return _build(plan, None)[1]


def published_pdf(*, plan: DeliveryPlan) -> bytes:
    """The PDF of the plan's published version: rendered on its first request and stored, read from its row after.

    Two first requests at once may both render; the first stored wins and both answer with it, so every visitor
    gets the same bytes. Earlier publications' PDFs are deleted as the new one is stored."""
    stored = PublishedPdf.objects.filter(plan=plan, published_at=plan.published_at, version=PDF_VERSION)
    pdf = stored.values_list("pdf", flat=True).first()
    if pdf is not None:
        return bytes(pdf)
    pdf = render_published_pdf(published_plan(plan, plan.published_at))
    try:
        with transaction.atomic():
            PublishedPdf.objects.filter(plan=plan).exclude(published_at=plan.published_at, version=PDF_VERSION).delete()
            PublishedPdf.objects.create(
                plan=plan, published_at=plan.published_at, version=PDF_VERSION, pdf=pdf, rendered_at=timezone.now()
            )
    except IntegrityError:
        return bytes(stored.values_list("pdf", flat=True).get())
    return pdf


def render_published_pdf(document: PublishedPlan) -> bytes:
    return html_to_pdf(render_to_string("plans/published_pdf.html", {"document": document}))
