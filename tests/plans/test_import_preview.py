"""Import in two steps: a preview of every creation and change that writes nothing, then a confirmation that writes
all of it or nothing, refused when the plan changed in between; rows matched to a rolled-over plan's actions by
reference; and an export imported into an empty draft plan gives back the same plan."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions import services as action_services
from actions.models import Action
from core.cells import neutralise
from core.models import AuditEntry
from imports import import_changes, services_rollover
from imports.imports import read_rows
from peer_review.models import Review
from plans.models import DeliveryPlan, Role, StagedImport
from records.exports import plan_rows
from snapshots.plan_columns import EXPORT_COLUMNS, WITHHELD_AS_COLUMN
from snapshots.snapshot import plan_snapshot
from tests import factories as f

from .test_import import csv_file, import_url, xlsx_file


def row(**values: str) -> list[str]:
    return [values.get(column, "") for column in EXPORT_COLUMNS]


@pytest.fixture
def rolled_over(world, coordinator):
    """2019-20, rolled over from the world's plan: the three actions carried, references kept."""
    return services_rollover.plan_rollover(plan=world.plan, year="2019-20", by=coordinator)


def the_file(carried: Action):
    return csv_file(
        [
            EXPORT_COLUMNS,
            row(
                objective="Objective 1: Target support",
                reference="1.1",
                action="Curriculum work in every school",
                outcomes=carried.outcomes,
                outputs=carried.outputs,
                timescale="Ongoing",
                lead=carried.lead,
                rag_status="Amber",
                commentary="Two schools left",
                withheld="lead",
                recommendations="Peer Review Rec 2",
                lead_agency="Tower Hamlets Council",
                last_update_as_of="2019-05-01",
            ),
            row(
                objective="Objective 3: Safeguarding",
                reference="3.1",
                action="Train designated safeguarding leads",
                timescale="March 2020",
                lead="Safeguarding lead",
                rag_status="Green",
                commentary="Booked",
            ),
        ]
    )


def upload(client, plan, upload_file) -> str:
    response = client.post(import_url(plan), {"file": upload_file})
    assert response.status_code == 302, response.text[:3000]
    return response.url


def test_the_preview_shows_creations_and_changes_field_by_field_and_writes_nothing(rolled_over, coordinator, signed_in):
    client = signed_in(coordinator)
    carried = rolled_over.actions.get(reference="1.1")
    before = (AuditEntry.objects.count(), Action.objects.count(), carried.version)
    url = upload(client, rolled_over, the_file(carried))
    response = client.get(url)
    page = response.text
    assert response.status_code == 200
    assert (AuditEntry.objects.count(), Action.objects.count(), carried.version) == before
    preview = response.context["preview"]
    assert preview.new_objectives == ["Objective 3: Safeguarding"]
    assert [action["reference"] for action in preview.created] == ["3.1"]
    [change] = preview.changed
    assert change.reference == "1.1"
    assert {c.label: (c.old, c.new) for c in change.changes} == {
        "Action": ("Prevent Education Officer to continue curriculum work", "Curriculum work in every school"),
        "Timescale": ("March 2019", "Ongoing"),
        "Due date": ("2019-03-31", "None"),
        "Lead agency": ("Test Borough Council", "Tower Hamlets Council"),
        "Withheld": ("Nothing", "lead"),
        "Recommendations answered": ("Peer Review Rec 1", "Peer Review Rec 2"),
        "RAG status": ("Not started", "Amber"),
        "Commentary": ("None", "Two schools left"),
        "Date the update speaks for": ("None", "2019-05-01"),
    }
    assert "No due date could be read for these actions: they will never show as overdue" in page
    assert "1.1 (timescale “Ongoing”)" in page
    assert "These actions of the plan are not in the file" in page and "2.2" in page
    assert "Confirm import" in page and "Cancel" in page


def test_confirming_writes_through_the_services_matched_by_reference(rolled_over, world, coordinator, signed_in):
    client = signed_in(coordinator)
    carried = rolled_over.actions.get(reference="1.1")
    untouched = rolled_over.actions.get(reference="2.1")
    url = upload(client, rolled_over, the_file(carried))
    fingerprint = client.get(url).context["preview"].fingerprint
    response = client.post(url, {"fingerprint": fingerprint})
    assert response.status_code == 302
    carried.refresh_from_db()
    assert carried.carried_from == world.action  # the same action, changed, not a new one
    assert (carried.title, carried.due_date, carried.withheld_fields, carried.lead_agency, carried.rag) == (
        "Curriculum work in every school",
        None,
        ["lead"],
        "Tower Hamlets Council",
        "amber",
    )
    assert list(carried.answers.all()) == [world.unanswered]
    assert carried.history.first().history_user == coordinator  # recorded as any edit
    update = carried.status_updates.get()
    assert (update.commentary, update.as_of, update.created_by) == (
        "Two schools left",
        datetime.date(2019, 5, 1),
        coordinator,
    )
    created = rolled_over.actions.get(reference="3.1")
    assert (created.objective.number, created.objective.title, created.rag) == (3, "Safeguarding", "green")
    assert untouched.version == Action.objects.get(pk=untouched.pk).version
    assert not StagedImport.objects.exists()


def test_a_failure_in_the_middle_writes_nothing(rolled_over, coordinator, signed_in, monkeypatch):
    client = signed_in(coordinator)
    carried = rolled_over.actions.get(reference="1.1")
    url = upload(client, rolled_over, the_file(carried))
    fingerprint = client.get(url).context["preview"].fingerprint
    before = (AuditEntry.objects.count(), Action.objects.count(), rolled_over.objectives.count())
    calls = []

    def fails_second_time(**kwargs):
        calls.append(kwargs["action"].reference)
        if len(calls) == 2:  # after 1.1 is changed and reported on, and 3.1 created
            raise ValidationError("The database refused the update")
        return real(**kwargs)

    real = action_services.action_update_status
    monkeypatch.setattr(action_services, "action_update_status", fails_second_time)
    response = client.post(url, {"fingerprint": fingerprint})
    assert response.status_code == 200
    assert "The database refused the update" in response.text
    assert calls == ["1.1", "3.1"]
    assert (AuditEntry.objects.count(), Action.objects.count(), rolled_over.objectives.count()) == before
    carried.refresh_from_db()
    assert carried.title == "Prevent Education Officer to continue curriculum work"
    assert StagedImport.objects.exists()  # the file is kept: confirming again can succeed


def test_a_stale_preview_is_refused(rolled_over, coordinator, signed_in):
    client = signed_in(coordinator)
    carried = rolled_over.actions.get(reference="1.1")
    url = upload(client, rolled_over, the_file(carried))
    fingerprint = client.get(url).context["preview"].fingerprint
    other = rolled_over.actions.get(reference="2.1")
    action_services.action_update_status(
        action=other,
        rag="red",
        commentary="Someone else reported meanwhile",
        as_of=datetime.date(2019, 5, 2),
        evidence=None,
        by=coordinator,
        expected_version=other.version,
    )
    before = (AuditEntry.objects.count(), Action.objects.count())
    response = client.post(url, {"fingerprint": fingerprint})
    assert response.status_code == 200
    assert "The plan has changed since this preview: nothing has been imported" in response.text
    assert (AuditEntry.objects.count(), Action.objects.count()) == before
    # The page now shows what the import would do to the plan as it is; confirming that works.
    response = client.post(url, {"fingerprint": response.context["preview"].fingerprint})
    assert response.status_code == 302
    assert rolled_over.actions.filter(reference="3.1").exists()


def test_cancel_discards_the_file(rolled_over, coordinator, signed_in):
    client = signed_in(coordinator)
    url = upload(client, rolled_over, the_file(rolled_over.actions.get(reference="1.1")))
    response = client.post(url, {"cancel": "1"})
    assert response.status_code == 302
    assert not StagedImport.objects.exists() and not rolled_over.actions.filter(reference="3.1").exists()
    assert client.get(url).status_code == 404


def test_a_staged_file_is_only_its_uploaders_and_expires(rolled_over, world, coordinator, signed_in):
    url = upload(signed_in(coordinator), rolled_over, the_file(rolled_over.actions.get(reference="1.1")))
    colleague = f.make_user("second-coordinator")
    f.make_member(colleague, world.council, Role.COORDINATOR)
    assert signed_in(colleague).get(url).status_code == 404
    StagedImport.objects.update(uploaded_at=timezone.now() - datetime.timedelta(hours=25))
    assert signed_in(coordinator).get(url).status_code == 404


def test_a_recommendation_no_review_has_is_a_problem(rolled_over, coordinator, signed_in):
    upload_file = csv_file(
        [
            EXPORT_COLUMNS,
            row(
                objective="Objective 1: Target support",
                reference="1.9",
                action="x",
                timescale="Ongoing",
                recommendations="Peer Review Rec 1; Peer Review Rec 9",
            ),
        ]
    )
    response = signed_in(coordinator).post(import_url(rolled_over), {"file": upload_file})
    assert response.status_code == 200
    assert (
        "Row 2, column recommendations: ‘Peer Review Rec 9’ names no recommendation of this council&#x27;s reviews"
        in response.text
    )


# Texts as plans hold them: lines, formula-like starts, typographic quotes and withheld passages.
words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")) | st.sampled_from("\n=+-@“”"),
    max_size=25,
) | st.sampled_from(["=SUM(A1)", "@lead", "Before [[withheld: names]] after", "First\nSecond"])
stripped = words.map(str.strip).filter(bool).filter(lambda text: "\n" not in text)
action_specs = st.fixed_dictionaries(
    {
        "objective": st.integers(0, 3),  # 0: outside the objectives
        "title": words.filter(str.strip),
        "outcomes": words,
        "outputs": words,
        "timescale": st.sampled_from(["March 2019", "Ongoing", "September 2018 - March 2019", "Q4 2018/19"]),
        "lead": stripped | st.just(""),
        "lead_agency": stripped | st.just(""),
        "withheld": st.lists(st.sampled_from(list(WITHHELD_AS_COLUMN)), unique=True),
        "answers": st.lists(st.integers(0, 4), unique=True),
        "update": st.none()
        | st.tuples(
            st.sampled_from(["not_started", "green", "amber", "red", "complete"]),
            words.filter(str.strip),
            st.dates(datetime.date(2018, 4, 1), datetime.date(2020, 3, 31)),
        ),
    }
)
plans = st.tuples(st.lists(action_specs, min_size=1, max_size=6), st.lists(stripped, min_size=3, max_size=3))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(generated=plans, extension=st.sampled_from(["csv", "xlsx"]))
def test_an_export_imported_into_an_empty_draft_is_the_same_plan(coordinator, generated, extension):
    specs, titles = generated
    council = f.make_council()
    source = f.make_plan(council)
    peer = f.make_review(council, kind=Review.Kind.PEER_REVIEW)
    scrutiny = f.make_review(council, kind=Review.Kind.SCRUTINY_REVIEW, date="2016-06-01")
    recommendations = [f.make_recommendation(review) for review in (peer, peer, peer, scrutiny, scrutiny)]
    objectives = [f.make_objective(source, number=n, title=title[:200]) for n, title in enumerate(titles, start=1)]
    for position, spec in enumerate(specs, start=1):
        action = Action.objects.create(
            plan=source,
            objective=objectives[spec["objective"] - 1] if spec["objective"] else None,
            section="" if spec["objective"] else "Structure / staffing",
            reference=f"{spec['objective']}.{position}",
            position=position,
            title=spec["title"],
            outcomes=spec["outcomes"],
            outputs=spec["outputs"],
            timescale=spec["timescale"],
            lead=spec["lead"],
            lead_agency=spec["lead_agency"],
            withheld_fields=spec["withheld"],
        )
        action.answers.set([recommendations[i] for i in spec["answers"]])
        if spec["update"]:
            rag, commentary, as_of = spec["update"]
            action_services.action_update_status(
                action=action,
                rag=rag,
                commentary=commentary,
                as_of=as_of,
                evidence=None,
                by=coordinator,
                expected_version=action.version,
            )
    exported = list(plan_rows(plan_snapshot(source)))
    draft = DeliveryPlan.objects.create(council=council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    table = [EXPORT_COLUMNS, *[[neutralise(value) for value in line] for line in exported]]
    upload_file = xlsx_file(table) if extension == "xlsx" else csv_file(table)
    result = read_rows(upload_file, upload_file.name)
    finder = import_changes.checked(plan=draft, result=result)
    assert finder is not None, [str(problem) for problem in result.problems]
    preview = import_changes.preview_import(plan=draft, result=result, finder=finder)
    import_changes.import_confirm(
        plan=draft, result=result, finder=finder, fingerprint=preview.fingerprint, by=coordinator
    )
    assert list(plan_rows(plan_snapshot(draft))) == exported
