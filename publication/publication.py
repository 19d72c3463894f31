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

from core.pdf import html_to_pdf
from core.rag import RAG
from core.withheld import WHOLE_ITEM, Redacted, passages, plain, redact
from peer_review.models import Review
from peer_review.recommendation_refs import review_names
from plans.models import DeliveryPlan, PublishedPdf
from snapshots.shapes import ActionState, ProjectState, RecommendationState, ReviewState
from snapshots.snapshot import plan_snapshot, plan_texts

# What the stored PDFs were made with (templates/plans/published_pdf.html and the redaction step above): change it
# when either changes, so every stored PDF is rendered again on its next request and none keeps an older redaction.
# 2: tagged PDF/UA; 3: laid out like the council's document (citations, RAG column, sections, cited reviews only)
PDF_VERSION = 3
# The sections of a plan whose actions sit under their objectives' headings, one table per objective (as the
# 2018-19 plan's "Activities"); actions of any other section have a table of their own, with an objective column
# (as the 2017-18 plan's "Statutory duties" and "Structure / staffing").
BY_OBJECTIVE = {"", "Activities"}


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
    summary: Redacted  # before the areas: all of it, or its first paragraph when that introduces them
    areas: list[Redacted]
    key_findings: list[Redacted]
    recommendations: list[PublishedRecommendation]
    recommendations_heading: Redacted
    closing: Redacted  # the rest of the summary, after the recommendations


@dataclass(frozen=True)
class PublishedSection(_Published):
    """A table of actions of one section ("Statutory duties"), each row naming its objective."""

    heading: Redacted
    rows: list[PublishedRow]


@dataclass(frozen=True)
class PublishedPlan(_Published):
    council: Redacted
    title: Redacted
    year: Redacted
    at: datetime.datetime | None
    introduction: Redacted
    local_context: Redacted
    objectives: list[PublishedObjective]  # each with its actions of the sections in BY_OBJECTIVE
    sections: list[PublishedSection]  # the other sections' actions, in plan order
    projects: list[PublishedRow]
    reviews: list[PublishedReview]  # those the plan's actions answer
    rag_column: bool
    project_columns: frozenset[str]  # the optional columns some project fills: provider, lead, unheaded_column

    @property
    def activities(self) -> list[PublishedObjective]:
        return [objective for objective in self.objectives if objective.actions]


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


def citations(action: ActionState, recommendations: dict[int, RecommendationState], names: dict[int, str]) -> str:
    """The recommendations an action answers, cited as the plan does after its text: "(Peer Review Rec 1 & 4)"."""
    numbers: dict[int, list[int]] = {}
    for pk in action.answers:
        if pk in recommendations and recommendations[pk].review_id in names:
            numbers.setdefault(recommendations[pk].review_id, []).append(recommendations[pk].number)
    return " ".join(
        f"({names[review]} Rec {' & '.join(str(number) for number in sorted(cited))})"
        for review, cited in sorted(numbers.items())
    )


def _action(action: ActionState, r: _Redactor, *, cited: str = "", objective: str = "") -> PublishedRow:
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
        # Citations, objective numbers and status are the plan's own words, never withheld passages.
        "citations": redact("" if whole else cited),  # a withheld row cites nothing that would tell of it
        "objective": redact(objective, whole=whole),
        # "No status recorded" is the plan saying nothing: its cell is empty, as in the council's document.
        "rag": redact("" if action.rag == RAG.NO_STATUS else RAG(action.rag).label, whole=whole),
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
        "lead": text("lead", "Lead agency or service"),
        "funding_source": text("funding_source", "Funding source"),
        "unheaded_column": text("unheaded_column", "Unheaded column"),
    }
    if whole or "outputs" in withheld:
        everything = "\n".join(output.description for output in project.outputs)
        outputs = [r.text(everything, item=item, field="Outputs", whole_field=True, whole_item=whole)]
    else:
        outputs = [r.text(output.description, item=item, field="Outputs") for output in project.outputs]
    return PublishedRow(cells=cells, outputs=outputs, redacted=whole)


def _project_columns(projects: list[PublishedRow]) -> frozenset[str]:
    """The optional columns of the projects table, as the plans have them: "Lead agency / service" naming the lead,
    then the provider and the funding (2017-18), or else "Project Provider" (2018-19); and an unheaded column."""
    filled = {name for name in ("provider", "lead", "unheaded_column") for row in projects if row.cells[name]}
    if "lead" in filled:
        filled.discard("provider")  # the lead's cell names it
    return frozenset(filled)


def _review(
    review: ReviewState, kind: str, recommendations: list[RecommendationState], r: _Redactor
) -> PublishedReview:
    item = f"Review {plain(review.title)}"
    summary = r.text(review.summary, item=item, field="Summary")
    # A first paragraph that ends introducing a list ("The three key areas reviewed included:") stands before the
    # areas, and the rest of the summary after the recommendations, where the council's plan has it.
    first, _, rest = summary.partition("\n\n")
    if not (review.areas.strip() and first.rstrip().endswith(":")):
        first, rest = summary, ""
    return PublishedReview(
        title=r.text(review.title, item=item, field="Title"),
        summary=Redacted(first),
        closing=Redacted(rest),
        recommendations_heading=Redacted(
            "Key Recommendations" if kind == Review.Kind.PEER_REVIEW else "Recommendations"
        ),
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
    recommendations = {rec.pk: rec for rec in snapshot.recommendations}
    names = review_names(plan.council_id)
    objective_numbers = {objective.pk: objective.number for objective in snapshot.objectives}

    def row(action: ActionState) -> PublishedRow:
        number = objective_numbers.get(action.objective_id or 0)
        objective = f"Objective {number}" if number else ""
        return _action(action, r, cited=citations(action, recommendations, names), objective=objective)

    objectives = [
        PublishedObjective(
            number=objective.number,
            title=r.text(objective.title, item=f"Objective {objective.number}", field="Title"),
            description=r.text(
                descriptions.get(objective.pk, ""), item=f"Objective {objective.number}", field="Description"
            ),
            actions=[row(action) for action in objective.actions if action.section in BY_OBJECTIVE],
        )
        for objective in snapshot.objectives
    ]
    sections: dict[str, list[PublishedRow]] = {}
    for action in sorted(snapshot.actions, key=lambda action: action.position):
        if action.objective_id is None or action.section not in BY_OBJECTIVE:
            sections.setdefault(action.section or "Other actions", []).append(row(action))
    answered = {pk for action in snapshot.actions for pk in action.answers}
    cited_reviews = {rec.review_id for rec in snapshot.recommendations if rec.pk in answered}
    kinds = dict(Review.objects.filter(pk__in=cited_reviews).values_list("pk", "kind"))
    projects = [_project(project, objective_numbers, r) for project in snapshot.projects]
    document = PublishedPlan(
        council=r.text(plan.council.name, item=the_plan, field="Council"),
        title=r.text(snapshot.title, item=the_plan, field="Title"),
        year=r.text(plan.year, item=the_plan, field="Year"),
        at=at,
        introduction=introduction,
        local_context=local_context,
        objectives=objectives,
        sections=[
            PublishedSection(heading=r.text(heading, item=f"Section {plain(heading)}", field="Heading"), rows=rows)
            for heading, rows in sections.items()
        ],
        projects=projects,
        reviews=[
            _review(review, kinds[review.pk], snapshot.recommendations, r)
            for review in reviews
            if review.pk in cited_reviews
        ],
        rag_column=snapshot.rag_column,
        project_columns=_project_columns(projects),
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
