"""An item's content is named once, on its model (PlanItem.content_fields): its form changes exactly that, its change
service refuses anything else, and a rollover carries all of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from actions import services as action_services
from actions.forms import ActionForm
from actions.models import Action
from imports.services_rollover import plan_rollover
from projects import services as project_services
from projects.forms import ProjectForm
from projects.models import CommissionedProject
from tests.projects.project_forms import edit_data


def test_the_content_is_what_each_form_changes(world):
    action_data = {
        "version": world.action.version,
        "objective": world.action.objective_id,
        "reference": "1.9",
        "title": "Host two Community Roundtable events",
        "timescale": "September 2018 March 2019",
        "lead": "Prevent Co-Ordinator",
    }
    action_form = ActionForm(action_data, instance=world.action, plan=world.plan)
    project_form = ProjectForm(edit_data(world.project), instance=world.project, plan=world.plan)
    for form, model in ((action_form, Action), (project_form, CommissionedProject)):
        assert form.is_valid(), form.errors
        assert set(form.changes()["fields"]) == set(model.content_fields())


@pytest.mark.parametrize("field", ["rag", "position", "status_updated_at", "withdrawn_at", "plan"])
def test_a_change_service_refuses_what_is_not_content(world, coordinator, field):
    value = {"rag": "complete", "position": 9, "plan": world.plan}.get(field, datetime.datetime.now(datetime.UTC))
    for change, item, extra in (
        (action_services.action_change, world.action, {"action": world.action, "answers": []}),
        (project_services.project_change, world.project, {"project": world.project, "objectives": [], "outputs": []}),
    ):
        before = type(item).objects.values().get(pk=item.pk)
        with pytest.raises(ValidationError, match="cannot be changed here"):
            change(**extra, fields={field: value}, leads=[], by=coordinator, expected_version=item.version)
        assert type(item).objects.values().get(pk=item.pk) == before


def test_a_rollover_carries_every_content_field(world, coordinator):
    Action.objects.filter(pk=world.action.pk).update(
        section="",
        outcomes="Fewer referrals missed",
        outputs="Twelve sessions",
        lead="Prevent Education Officer",
        lead_agency="Schools",
        withheld_fields=["lead"],
        rag="amber",
        due_date=datetime.date(2019, 9, 30),
        timescale="September 2019",
    )
    CommissionedProject.objects.filter(pk=world.project.pk).update(
        description="Workshops in schools",
        outcomes="More confident staff",
        lead="Youth Service",
        funding_source="Home Office",
        amount=Decimal("12000.50"),
        unheaded_column="Term 1",
        withheld_fields=["provider"],
        rag="green",
        due_date=datetime.date(2019, 9, 30),
    )
    new_plan = plan_rollover(plan=world.plan, year="2019-20", by=coordinator, carry_projects=True)
    for model, old in ((Action, world.action), (CommissionedProject, world.project)):
        old = model.objects.get(pk=old.pk)
        carried = model.objects.get(plan=new_plan, **{old.ref_field: old.ref})
        for name in [*model.content_fields(), "rag"]:
            if name == "objective":  # the new plan's own copy of the objective
                assert (carried.objective.number, carried.objective.title) == (
                    old.objective.number,
                    old.objective.title,
                )
                assert carried.objective.plan == new_plan
            else:
                assert getattr(carried, name) == getattr(old, name), name
