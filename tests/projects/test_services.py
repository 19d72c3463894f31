import datetime

import pytest
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_users_with_perms

from core.versioning import StaleEdit
from projects import services
from projects.models import CommissionedProject, OutputDelivery, OutputTarget, ProjectStatusUpdate
from projects.services import OutputSpec
from tests import factories as f

AS_OF = datetime.date(2018, 9, 1)


def update_status(project: CommissionedProject, by, **overrides):
    arguments = {
        "project": project,
        "rag": "amber",
        "commentary": "Two schools postponed their workshops",
        "as_of": AS_OF,
        "evidence": None,
        "deliveries": {target.pk: 120 for target in project.output_targets.all()},
        "by": by,
        "expected_version": project.version,
    }
    return services.project_update_status(**{**arguments, **overrides})


def nothing_written(project: CommissionedProject, target: OutputTarget) -> None:
    project.refresh_from_db()
    target.refresh_from_db()
    assert project.version == 1 and project.rag == "not_started" and project.status_updated_at is None
    assert target.delivered == 0
    assert not ProjectStatusUpdate.objects.exists() and not OutputDelivery.objects.exists()


def test_status_update_saves_the_update_the_deliveries_and_the_project_rag_together(world, coordinator):
    project = world.project
    target = project.output_targets.get()
    update = update_status(project, coordinator)

    project.refresh_from_db()
    target.refresh_from_db()
    assert (project.rag, project.version) == ("amber", 2)
    assert project.status_updated_at == update.created_at
    assert (update.rag, update.previous_rag, update.created_by) == ("amber", "not_started", coordinator)
    assert target.delivered == 120
    delivery = OutputDelivery.objects.get()
    assert (delivery.status_update, delivery.output_target) == (update, target)
    assert (delivery.previous_delivered, delivery.delivered) == (0, 120)
    # simple-history records who changed the count.
    assert target.history.latest().history_user == coordinator
    assert project.history.latest().history_change_reason == "Status update: Amber"


def test_the_next_status_update_records_the_previous_count(world, coordinator):
    project = world.project
    update_status(project, coordinator)
    project.refresh_from_db()
    target = project.output_targets.get()
    update_status(project, coordinator, rag="green", deliveries={target.pk: 180})
    latest = OutputDelivery.objects.get(delivered=180)
    assert (latest.previous_delivered, latest.status_update.previous_rag) == (120, "amber")


def test_status_update_of_a_withdrawn_project_is_refused(world, coordinator):
    project = world.project
    services.project_withdraw(project=project, by=coordinator, expected_version=1)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="withdrawn"):
        update_status(project, coordinator)
    assert not ProjectStatusUpdate.objects.exists()
    assert project.output_targets.get().delivered == 0


def test_status_update_at_a_stale_version_writes_nothing(world, coordinator):
    project = world.project
    with pytest.raises(StaleEdit) as raised:
        update_status(project, coordinator, expected_version=0)
    assert raised.value.current.version == 1
    nothing_written(project, project.output_targets.get())


@pytest.mark.parametrize("delivered", [-1, 1_000_001, "12", True])
def test_status_update_with_a_bad_count_writes_nothing(world, coordinator, delivered):
    project = world.project
    target = project.output_targets.get()
    with pytest.raises(ValidationError, match="300 Workshops"):
        update_status(project, coordinator, deliveries={target.pk: delivered})
    nothing_written(project, target)


def test_status_update_cannot_report_on_another_projects_output(world, coordinator):
    project = world.project
    elsewhere = world.elsewhere_project.output_targets.get()
    with pytest.raises(ValidationError, match="not one of this project's outputs"):
        update_status(project, coordinator, deliveries={elsewhere.pk: 5})
    nothing_written(project, project.output_targets.get())
    assert elsewhere.delivered == 0


def fields(**overrides):
    values = {
        "name": "Schools workshops",
        "provider": "Theatre company",
        "description": "Workshops on extremism for year 9",
        "outcomes": "Pupils recognise grooming",
        "lead": "Prevent team",
        "funding_source": "Home Office Prevent grant",
        "amount": 12000,
        "timescale": "September 2018 March 2019",
        "due_date": datetime.date(2019, 3, 31),
        "withheld_fields": ["provider"],
    }
    return {**values, **overrides}


def test_project_create_adds_the_project_with_objectives_outputs_and_leads(world, coordinator, lead):
    objective = world.plan.objectives.get(number=2)
    project = services.project_create(
        plan=world.plan,
        fields=fields(),
        objectives=[objective],
        outputs=[OutputSpec("300 Workshops", 300), OutputSpec("A teachers' guide")],
        leads=[lead],
        by=coordinator,
    )
    project.refresh_from_db()
    assert (project.name, project.plan, project.version) == ("Schools workshops", world.plan, 1)
    assert project.position > world.project.position  # after the plan's existing projects
    assert list(project.objectives.all()) == [objective]
    assert list(project.output_targets.values_list("description", "target", "position")) == [
        ("300 Workshops", 300, 1),
        ("A teachers' guide", None, 2),
    ]
    assert set(get_users_with_perms(project, only_with_perms_in=["update_status"])) == {lead}
    assert project.history.latest().history_user == coordinator


def test_project_create_refuses_an_objective_of_another_plan(world, coordinator):
    elsewhere = world.elsewhere_plan.objectives.get()
    with pytest.raises(ValidationError):
        services.project_create(
            plan=world.plan, fields=fields(), objectives=[elsewhere], outputs=[], leads=[], by=coordinator
        )
    assert world.plan.projects.count() == 1


def test_project_change_adds_changes_and_removes_outputs(world, coordinator):
    project = world.project
    workshops = project.output_targets.get()
    leaflets = OutputTarget.objects.create(project=project, description="500 Leaflets", target=500)
    services.project_change(
        project=project,
        fields=fields(),
        objectives=[],
        outputs=[OutputSpec("350 Workshops", 350, pk=workshops.pk), OutputSpec("20 Assemblies", 20)],
        leads=[],
        by=coordinator,
        expected_version=1,
    )
    project.refresh_from_db()
    workshops.refresh_from_db()
    assert (project.name, project.version, project.amount) == ("Schools workshops", 2, 12000)
    assert not project.objectives.exists()
    assert (workshops.description, workshops.target) == ("350 Workshops", 350)
    assert list(project.output_targets.values_list("description", flat=True)) == ["350 Workshops", "20 Assemblies"]
    assert not OutputTarget.objects.filter(pk=leaflets.pk).exists()
    assert OutputTarget.history.filter(id=leaflets.pk, history_type="-").get().history_user == coordinator


def test_an_output_with_deliveries_cannot_be_removed(world, coordinator):
    project = world.project
    name = project.name
    update_status(project, coordinator)
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="300 Workshops has deliveries reported against it"):
        services.project_change(
            project=project,
            fields=fields(),
            objectives=[],
            outputs=[OutputSpec("20 Assemblies", 20)],
            leads=[],
            by=coordinator,
            expected_version=project.version,
        )
    project.refresh_from_db()
    assert (project.name, project.version) == (name, 2)
    assert list(project.output_targets.values_list("description", flat=True)) == ["300 Workshops"]


def test_project_change_at_a_stale_version_writes_nothing(world, coordinator):
    project = world.project
    with pytest.raises(StaleEdit):
        services.project_change(
            project=project, fields=fields(), objectives=[], outputs=[], leads=[], by=coordinator, expected_version=0
        )
    project.refresh_from_db()
    assert project.name != "Schools workshops" and project.output_targets.count() == 1


def test_project_change_refuses_another_projects_output(world, coordinator):
    elsewhere = world.elsewhere_project.output_targets.get()
    with pytest.raises(ValidationError):
        services.project_change(
            project=world.project,
            fields=fields(),
            objectives=[],
            outputs=[OutputSpec("Taken over", 1, pk=elsewhere.pk)],
            leads=[],
            by=coordinator,
            expected_version=1,
        )
    elsewhere.refresh_from_db()
    assert elsewhere.description == "300 Workshops"


def test_set_leads_grants_and_revokes_the_object_permission(world, lead):
    newcomer = f.make_user()
    services.set_leads(world.project, [newcomer])
    assert set(get_users_with_perms(world.project, only_with_perms_in=["update_status"])) == {newcomer}


def test_withdraw_and_reinstate(world, coordinator):
    project = services.project_withdraw(project=world.project, by=coordinator, expected_version=1)
    assert project.is_withdrawn and project.version == 2
    project = services.project_reinstate(project=project, by=coordinator, expected_version=2)
    project.refresh_from_db()
    assert not project.is_withdrawn and project.version == 3


def test_delete_removes_a_project_nobody_reported_on(world, coordinator, lead):
    project = world.project
    target = project.output_targets.get()
    services.project_delete(project=project, by=coordinator, expected_version=1)
    assert not CommissionedProject.objects.filter(pk=project.pk).exists()
    assert not OutputTarget.objects.filter(pk=target.pk).exists()
    assert CommissionedProject.history.filter(id=project.pk, history_type="-").get().history_user == coordinator


def test_delete_refuses_a_project_with_status_updates(world, coordinator):
    update_status(world.project, coordinator)
    with pytest.raises(ValidationError, match="Withdraw it instead"):
        services.project_delete(project=world.project, by=coordinator, expected_version=2)
    assert CommissionedProject.objects.filter(pk=world.project.pk).exists()
