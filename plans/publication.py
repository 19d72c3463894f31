"""The published version of a plan: the plan as it stood when published, with withheld content as [REDACTED].

Nothing here reads a live row's text: everything comes from the snapshot, and every field an item withholds is
replaced before the template sees it, so no template can leak it by mistake.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.withheld import REDACTED, WHOLE_ITEM, published

from .models import DeliveryPlan, PublishedPdf
from .snapshot import ActionState, PlanSnapshot, ProjectState, plan_snapshot

# The layout of the published PDF (templates/plans/published_pdf.html): change it when the template changes, so the
# PDFs stored with the old layout are rendered again on their next request.
PDF_VERSION = 1


@dataclass
class PublishedRow:
    cells: dict[str, str]
    outputs: list[str]
    redacted: bool  # the whole item is withheld


@dataclass
class PublishedObjective:
    number: int
    title: str
    actions: list[PublishedRow]


@dataclass
class PublishedPlan:
    plan: DeliveryPlan
    at: datetime.datetime | None
    introduction: str
    local_context: str
    objectives: list[PublishedObjective]
    other_actions: list[tuple[str, list[PublishedRow]]]
    projects: list[PublishedRow]
    snapshot: PlanSnapshot


def _cell(value: str, field: str, withheld: list[str]) -> str:
    return REDACTED if WHOLE_ITEM in withheld or field in withheld else published(value or "")


def _lines(value: str, field: str, withheld: list[str]) -> list[str]:
    if WHOLE_ITEM in withheld or field in withheld:
        return [REDACTED]
    return [line.strip() for line in published(value or "").splitlines() if line.strip()]


def published_action(action: ActionState) -> PublishedRow:
    withheld = action.withheld_fields
    cells = {
        "reference": action.reference,
        "title": _cell(action.title, "title", withheld),
        "outcomes": "\n".join(_lines(action.outcomes, "outcomes", withheld)),
        "timescale": _cell(action.timescale, "timescale", withheld),
        "lead": _cell(action.lead, "lead", withheld),
    }
    return PublishedRow(
        cells=cells, outputs=_lines(action.outputs, "outputs", withheld), redacted=WHOLE_ITEM in withheld
    )


def published_project(project: ProjectState, objective_numbers: dict[int, int]) -> PublishedRow:
    withheld = project.withheld_fields
    whole = WHOLE_ITEM in withheld
    numbers = sorted(objective_numbers[pk] for pk in project.objective_ids if pk in objective_numbers)
    cells = {
        "objectives": REDACTED if whole else ", ".join(f"Objective {number}" for number in numbers),
        "name": _cell(project.name, "name", withheld),
        "description": _cell(project.description, "description", withheld),
        "outcomes": "\n".join(_lines(project.outcomes, "outcomes", withheld)),
        "timescale": _cell(project.timescale, "timescale", withheld),
        "provider": _cell(project.provider, "provider", withheld),
    }
    outputs = [REDACTED] if whole or "outputs" in withheld else [output.description for output in project.outputs]
    return PublishedRow(cells=cells, outputs=outputs, redacted=whole)


def published_plan(plan: DeliveryPlan, at: datetime.datetime | None) -> PublishedPlan:
    """The plan as published at `at` (None: as it would be published now, for the coordinator's preview)."""
    snapshot = plan_snapshot(plan, at)
    objective_numbers = {objective.pk: objective.number for objective in snapshot.objectives}
    others: dict[str, list[PublishedRow]] = {}
    for action in snapshot.unassigned_actions:
        others.setdefault(action.section or "Other actions", []).append(published_action(action))
    return PublishedPlan(
        plan=plan,
        at=at,
        introduction=snapshot.introduction,
        local_context=snapshot.local_context,
        objectives=[
            PublishedObjective(o.number, o.title, [published_action(a) for a in o.actions]) for o in snapshot.objectives
        ],
        other_actions=list(others.items()),
        projects=[published_project(p, objective_numbers) for p in snapshot.projects],
        snapshot=snapshot,
    )


def withheld_items(snapshot: PlanSnapshot) -> list[tuple[str, str, str]]:
    """For the preview: (item, field, working text) of everything the published version will redact."""
    rows = []
    for action in snapshot.actions:
        for field in action.withheld_fields:
            value = "The whole action" if field == WHOLE_ITEM else getattr(action, field, "")
            rows.append((f"Action {action.reference}", field, value))
    for project in snapshot.projects:
        for field in project.withheld_fields:
            if field == WHOLE_ITEM:
                value = "The whole project"
            elif field == "outputs":
                value = "\n".join(output.description for output in project.outputs)
            else:
                value = getattr(project, field, "")
            rows.append((f"Project {project.name}", field, value))
    return rows


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
    from weasyprint import HTML, URLFetcher  # imported here: it loads Pango, which only the PDFs need

    html = render_to_string("plans/published_pdf.html", {"document": document})
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
