"""What the project forms post, for the tests of editing a project and of its status updates."""

from django.urls import reverse

from projects.models import CommissionedProject, OutputDelivery, ProjectStatusUpdate


def url(name: str, project: CommissionedProject) -> str:
    return reverse(f"projects:{name}", args=[project.pk])


def status_data(project: CommissionedProject, **overrides) -> dict:
    data = {
        "version": project.version,
        "rag": "amber",
        "commentary": "Two schools postponed their workshops to the spring term",
        "as_of_0": "1",
        "as_of_1": "9",
        "as_of_2": "2018",
    }
    for target in project.output_targets.all():
        data[f"delivered_{target.pk}"] = "120"
    return {**data, **overrides}


def edit_data(project: CommissionedProject, **overrides) -> dict:
    data = {
        "version": project.version,
        "name": "Schools workshops",
        "provider": "Theatre company",
        "description": "",
        "outcomes": "",
        "lead": "",
        "funding_source": "Home Office Prevent grant",
        "amount": "£12,000.50",
        "timescale": "September 2018 March 2019",
        "lead_usernames": "",
    }
    for target in project.output_targets.all():
        data[f"output_{target.pk}_description"] = target.description
        data[f"output_{target.pk}_target"] = "" if target.target is None else str(target.target)
    return {**data, **overrides}


def assert_no_status_written(project: CommissionedProject) -> None:
    project.refresh_from_db()
    assert (project.version, project.rag, project.status_updated_at) == (1, "not_started", None)
    assert not ProjectStatusUpdate.objects.exists() and not OutputDelivery.objects.exists()
    assert project.output_targets.get().delivered == 0
