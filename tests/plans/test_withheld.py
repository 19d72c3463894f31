"""Withheld passages, fields and items never reach the published version, wherever they are written.

The property test finds the text fields itself, from the models the published version draws on, so a field added
later is covered without touching it.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.forms import WITHHOLDABLE as ACTION_WITHHOLDABLE
from actions.models import Action
from core.withheld import REDACTED, WHOLE_ITEM, Redacted, passages, redact
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import DeliveryPlan
from projects.forms import WITHHOLDABLE as PROJECT_WITHHOLDABLE
from projects.models import CommissionedProject, OutputTarget
from publication.publication import PublishedRow
from tests import factories as f

from .test_import import import_and_confirm
from .test_publication import pdf_text, pdf_url, publish, published_url

# The models the published version draws on, each with its rows that belong to a plan. Not the council: it is the
# publisher, named on every page of the service, never something a plan withholds.
ROWS = {
    DeliveryPlan: lambda plan: DeliveryPlan.objects.filter(pk=plan.pk),
    Objective: lambda plan: Objective.objects.filter(plan=plan),
    Action: lambda plan: Action.objects.filter(plan=plan),
    CommissionedProject: lambda plan: CommissionedProject.objects.filter(plan=plan),
    OutputTarget: lambda plan: OutputTarget.objects.filter(project__plan=plan),
    Review: lambda plan: Review.objects.filter(council=plan.council_id),
    Recommendation: lambda plan: Recommendation.objects.filter(review__council=plan.council_id),
}
# Text fields that are never free text, so can hold no passage. Fields with choices (status, kind, RAG) are codes
# from a fixed list and are left out by rule.
NOT_FREE_TEXT = {
    (DeliveryPlan, "year"): "the public address; a financial year, validated as one",
    (Review, "slug"): "the review's key in its own addresses, never shown",
}
# An action's section heads a table that several actions share: withholding one action leaves its heading.
NOT_PART_OF_THE_ITEM = {(Action, "section")}
MARKERS = [
    "[[withheld: {}]]",
    "[[withheld:{}]]",
    "[[Withheld: {}]]",
    "[[ WITHHELD : {} ]]",
    "[[withheld:\n{}\n]]",
    "[[withheld: {}",  # never closed: withholds to the end
]
COMPACT = "[[withheld:{}]]"


def text_fields(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.concrete
        and not field.choices
        and (model, field.name) not in NOT_FREE_TEXT
    ]


def covered_fields() -> list[tuple[type[models.Model], str]]:
    return [(model, name) for model in ROWS for name in text_fields(model)]


@dataclass
class Written:
    secrets: list[str] = field(default_factory=list)  # must never be published
    # Words not withheld, by field: those the published version shows must be there, so absence means something.
    public: dict[str, list[str]] = field(default_factory=dict)


def write_every_field(plan: DeliveryPlan, numbers: list[int], styles: list[str], withheld: dict) -> Written:
    """A unique withheld passage in every text field of every row the published plan reads, after a unique public
    word; `withheld` gives some actions and projects whole fields or the whole item withheld."""
    written = Written()
    index = 0
    outputs_withheld: set[int] = set()
    for model, rows in ROWS.items():
        fields = text_fields(model)
        for row in rows(plan).order_by("pk"):
            whole = withheld.get((model, row.pk), [])
            row_is_out = model is OutputTarget and row.project_id in outputs_withheld
            for name in fields:
                number, style = numbers[index % len(numbers)], styles[index % len(styles)]
                secret, public = f"Q{index:03d}{number:03d}", f"P{index:03d}{number:03d}"
                limit = model._meta.get_field(name).max_length or 10_000
                value = f"{public} {style.format(secret)}"
                if len(value) > limit:
                    value = COMPACT.format(secret)
                    public = ""
                setattr(row, name, value)
                written.secrets.append(secret)
                item_out = WHOLE_ITEM in whole and (model, name) not in NOT_PART_OF_THE_ITEM
                if public and (item_out or name in whole or row_is_out):
                    written.secrets.append(public)
                elif public:
                    written.public.setdefault(f"{model.__name__}.{name}", []).append(public)
                index += 1
            if model in (Action, CommissionedProject):
                row.withheld_fields = whole
                if model is CommissionedProject and ({WHOLE_ITEM, "outputs"} & set(whole)):
                    outputs_withheld.add(row.pk)
            row.save()
    return written


SHOWN = ["DeliveryPlan.introduction", "Objective.title", "Objective.description", "Review.key_findings"]
SHOWN += ["Recommendation.text", "Recommendation.owner"]


action_withheld = st.lists(st.sampled_from([value for value, _ in ACTION_WITHHOLDABLE]), unique=True)
project_withheld = st.lists(st.sampled_from([value for value, _ in PROJECT_WITHHOLDABLE]), unique=True)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    numbers=st.lists(st.integers(0, 999), min_size=1, max_size=8),
    styles=st.lists(st.sampled_from(MARKERS), min_size=1, max_size=6),
    actions_withheld=st.lists(action_withheld, min_size=4, max_size=4),
    projects_withheld=project_withheld,
    public=st.booleans(),
)
def test_no_withheld_text_in_any_field_reaches_the_published_version(
    world, coordinator, board, signed_in, numbers, styles, actions_withheld, projects_withheld, public
):
    covered = {f"{model.__name__}.{name}" for model, name in covered_fields()}
    # A floor, not the list: the test finds the fields itself (27 today), and this says it found at least these.
    assert {
        "DeliveryPlan.introduction",
        "Objective.description",
        "Action.title",
        "Action.section",
        "CommissionedProject.outcomes",
        "OutputTarget.description",
        "Review.key_findings",
        "Recommendation.owner",
        "Recommendation.theme",
    } <= covered
    plan = world.plan
    if not Action.objects.filter(plan=plan, objective=None).exists():  # the world has none outside the objectives
        Action.objects.create(plan=plan, reference="S.1", section="Structure", title="Staffing", position=99)
    actions = list(Action.objects.filter(plan=plan).order_by("pk"))
    withheld = {(Action, action.pk): fields for action, fields in zip(actions, actions_withheld, strict=True)}
    withheld[(CommissionedProject, world.project.pk)] = projects_withheld
    written = write_every_field(plan, numbers, styles, withheld)
    publish(plan, coordinator, public=public)

    reader = signed_in(None) if public else signed_in(board)
    if not public:
        assert signed_in(None).get(published_url(plan)).status_code == 404
    html = reader.get(published_url(plan)).text
    pdf = pdf_text(reader.get(pdf_url(plan)))
    preview = signed_in(coordinator).get(reverse("plans:publish_preview", args=[plan.pk])).text
    squeezed = "".join(pdf.split())  # a word the PDF broke over two lines
    for secret in written.secrets:
        assert secret not in html, secret
        assert secret not in preview, secret
        assert secret not in pdf and secret not in squeezed, secret
    shown = [word for name in SHOWN for word in written.public.get(name, [])]
    assert len(shown) >= len(SHOWN)
    for word in shown:
        assert word in html and word in squeezed and word in preview, word
    assert REDACTED in html and REDACTED in pdf


def test_the_preview_lists_every_withheld_passage_wherever_it_is(world, coordinator, signed_in):
    world.recommendation.text = "Develop a framework [[withheld: with the named officer in the lead]] for Prevent"
    world.recommendation.save(update_fields=["text"])
    objective = world.action.objective
    objective.description = "Schools first. [[withheld: Two schools named by the police.]]"
    objective.save(update_fields=["description"])
    world.other_action.withheld_fields = [WHOLE_ITEM]
    world.other_action.save(update_fields=["withheld_fields"])
    world.project.withheld_fields = ["provider"]
    world.project.save(update_fields=["withheld_fields"])

    page = signed_in(coordinator).get(reverse("plans:publish", args=[world.plan.pk])).text
    assert "Nothing is marked as withheld" not in page
    rows = [" ".join(row.split()) for row in page.split('<tr class="govuk-table__row">')[2:]]
    assert any(
        "Recommendation 1, Review Peer Review 2018" in row
        and ">Recommendation<" in row
        and "with the named officer in the lead" in row
        for row in rows
    )
    assert any(f"Objective {objective.number}" in row and "Two schools named by the police." in row for row in rows)
    assert any("The plan" in row and ">Introduction<" in row and "A sensitive passage." in row for row in rows)
    assert any(f"Action {world.other_action.reference}" in row and "The whole action" in row for row in rows)
    assert any(f"Project {world.project.name}" in row and "A provider" in row for row in rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imported_again_keeps_everything_withheld(world, coordinator, signed_in, fmt):
    objective = world.action.objective
    objective.title = "Target support [[withheld: in the two named wards]]"
    objective.save(update_fields=["title"])
    world.action.title = "Curriculum work [[withheld: at the named school]]"
    world.action.lead = "Jo Bloggs, named officer"
    world.action.outputs = "Sessions at the named school"
    world.action.withheld_fields = ["lead", "outputs"]
    world.action.save(update_fields=["title", "lead", "outputs", "withheld_fields"])
    world.other_action.withheld_fields = [WHOLE_ITEM]
    world.other_action.save(update_fields=["withheld_fields"])
    secrets = ["in the two named wards", "at the named school", "Jo Bloggs", "Sessions at"]
    secrets += [world.other_action.title]
    client = signed_in(coordinator)
    exported = client.get(reverse("plans:export_as_at", args=[world.plan.pk, fmt]))
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT, introduction="")
    upload = SimpleUploadedFile(f"plan.{fmt}", b"".join(exported.streaming_content))
    response = import_and_confirm(client, draft, upload)
    assert response.status_code == 302, response.text[:3000]

    imported = {action.reference: action for action in draft.actions.all()}
    for action in Action.objects.filter(plan=world.plan):
        assert imported[action.reference].withheld_fields == action.withheld_fields
        assert imported[action.reference].title == action.title
    assert passages(draft.objectives.get(number=objective.number).title) == ["in the two named wards"]
    publish(draft, coordinator, public=True)
    page = signed_in(None).get(published_url(draft)).text
    for secret in secrets:
        assert secret not in page
    assert "Curriculum work [REDACTED]" in page and "Develop a Performance Management Framework" in page


def test_the_import_refuses_a_withheld_cell_it_cannot_read(world, coordinator, signed_in):
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT, introduction="")
    header = "objective,reference,action,outcomes,outputs,timescale,lead,rag_status,last_update,commentary,withheld"
    content = f"{header}\nObjective 1: Target,1.1,Train,,,March 2019,PEO,,,,lead; the budget\n".encode()
    response = signed_in(coordinator).post(
        reverse("plans:import", args=[draft.pk]), {"file": SimpleUploadedFile("plan.csv", content)}
    )
    assert response.status_code == 200
    assert "Row 2, column withheld: Withheld must be whole row, or some of action, outcomes, outputs and lead" in (
        response.text
    )
    assert not draft.actions.exists()


def test_a_published_piece_refuses_text_that_was_not_redacted():
    assert isinstance(redact("a [[withheld: b]]"), Redacted)
    PublishedRow(cells={"title": redact("a [[withheld: b]]")}, outputs=[], redacted=False)
    with pytest.raises(TypeError, match="not redacted"):
        PublishedRow(cells={"title": "a [[withheld: b]]"}, outputs=[], redacted=False)
    with pytest.raises(TypeError, match="not redacted"):
        PublishedRow(cells={}, outputs=["an output"], redacted=False)


@pytest.mark.parametrize(
    "text",
    [
        "Open [[Withheld: Secret]] words",
        "Open [[ WITHHELD : Secret ]] words",
        "Open [[withheld: Secret",
        "Open [[withheld:\nSecret\n]]",
    ],
)
def test_a_mistyped_or_unclosed_marker_still_withholds(text):
    assert "Secret" not in redact(text) and redact(text).startswith(f"Open {REDACTED}")
    assert passages(text) == ["Secret"]
