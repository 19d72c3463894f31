"""The published version: redacted exactly as marked, frozen when published, public only when the council says."""

import io

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from actions.models import Action
from demo.demo import load_demo
from plans.models import DeliveryPlan
from plans.services import plan_change
from projects.models import CommissionedProject
from publication.services import plan_publish


def publish(plan: DeliveryPlan, by, *, public: bool) -> DeliveryPlan:
    plan.refresh_from_db()
    return plan_publish(plan=plan, public=public, by=by, expected_version=plan.version)


def published_url(plan: DeliveryPlan) -> str:
    return reverse("plans:published", args=[plan.council.slug, plan.year])


def pdf_url(plan: DeliveryPlan) -> str:
    return reverse("plans:published_pdf", args=[plan.council.slug, plan.year])


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_coordinator_publishes_after_seeing_what_is_withheld(world, coordinator, signed_in):
    world.action.withheld_fields = ["lead"]
    world.action.save(update_fields=["withheld_fields"])
    client = signed_in(coordinator)
    page = client.get(reverse("plans:publish", args=[world.plan.pk])).text
    assert f"Action {world.action.reference}" in page and world.action.lead in page and "[REDACTED]" in page
    response = client.post(reverse("plans:publish", args=[world.plan.pk]), {"version": 1, "public": "on"})
    assert response.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.published_at is not None and world.plan.public
    assert world.plan.history.first().history_user == coordinator


def test_anonymous_visitors_read_a_public_published_plan_and_nothing_else(world, coordinator, client):
    world.action.withheld_fields = ["title"]
    world.action.save(update_fields=["withheld_fields"])
    publish(world.plan, coordinator, public=True)
    response = client.get(published_url(world.plan))
    assert response.status_code == 200
    assert world.other_action.title in response.text
    assert world.action.title not in response.text and "[REDACTED]" in response.text
    assert "A sensitive passage." not in response.text  # the introduction's withheld passage
    assert "Sign out" not in response.text and "Update status" not in response.text  # no working-plan page
    assert client.get(pdf_url(world.plan))["Content-Type"] == "application/pdf"
    for url in (world.plan.get_absolute_url(), world.action.get_absolute_url(), reverse("plans:history", args=[1])):
        assert client.get(url).status_code == 302


def test_a_plan_that_is_not_public_is_not_found_by_anonymous_visitors(world, coordinator, board, outsider, signed_in):
    publish(world.plan, coordinator, public=False)
    assert signed_in(None).get(published_url(world.plan)).status_code == 404
    assert signed_in(None).get(pdf_url(world.plan)).status_code == 404
    assert signed_in(outsider).get(published_url(world.plan)).status_code == 404
    assert signed_in(board).get(published_url(world.plan)).status_code == 200


def test_a_plan_never_published_is_not_found(world, coordinator, signed_in):
    assert signed_in(coordinator).get(published_url(world.plan)).status_code == 404
    assert signed_in(None).get(reverse("plans:published", args=[world.council.slug, "2099-00"])).status_code == 404


def test_the_published_version_is_frozen_when_published(world, coordinator, signed_in):
    publish(world.plan, coordinator, public=True)
    world.other_action.title = "Reworded after publication"
    world.other_action.save(update_fields=["title"])
    page = signed_in(None).get(published_url(world.plan)).text
    assert "Reworded after publication" not in page
    preview = signed_in(coordinator).get(reverse("plans:publish_preview", args=[world.plan.pk])).text
    assert "Reworded after publication" in preview


def test_the_published_title_and_rag_column_are_those_published_not_the_working_plans(world, coordinator, signed_in):
    def change(**fields) -> None:
        plan = DeliveryPlan.objects.get(pk=world.plan.pk)
        kept = {"status": plan.status, "introduction": plan.introduction, "local_context": plan.local_context}
        plan_change(plan=plan, **kept, **fields, by=coordinator, expected_version=plan.version)

    change(heading="Prevent Delivery Plan, as published", rag_column=False)
    publish(world.plan, coordinator, public=True)
    change(heading="Draft heading nobody has published", rag_column=True)
    page = signed_in(None).get(published_url(world.plan)).text
    assert page.count("Prevent Delivery Plan, as published") == 2  # the page's title and its heading
    assert "Draft heading nobody has published" not in page and "RAG status" not in page
    preview = signed_in(coordinator).get(reverse("plans:publish_preview", args=[world.plan.pk])).text
    assert "Draft heading nobody has published" in preview and "RAG status" in preview


@pytest.mark.parametrize("persona", ["lead", "board", "auditor"])
def test_only_coordinators_publish(request, world, signed_in, persona):
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("plans:publish", args=[world.plan.pk])).status_code == 403
    assert (
        client.post(reverse("plans:publish", args=[world.plan.pk]), {"version": 1, "public": "on"}).status_code == 403
    )
    world.plan.refresh_from_db()
    assert world.plan.published_at is None


def test_the_demo_2018_19_plan_publishes_like_the_published_document(db, django_user_model, client):
    load_demo()
    plan = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")
    publish(plan, django_user_model.objects.get(username="coordinator"), public=True)
    page = client.get(published_url(plan)).text
    assert "Placeholder" not in page  # every demo placeholder stands for something withheld
    assert page.count("[REDACTED]") >= 5 + 7 * 3
    assert "Develop a Performance Management Framework for Prevent" in page
    assert "Develop performance management framework for Prevent" in page  # Peer Review recommendation 1


# Property: with random items and fields withheld, neither the HTML nor the PDF ever contains withheld text.
ACTION_FIELDS = ["item", "title", "outcomes", "outputs", "lead"]
PROJECT_FIELDS = ["item", "name", "provider", "description", "outcomes", "outputs"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action_withheld=st.lists(st.lists(st.sampled_from(ACTION_FIELDS), unique=True), min_size=3, max_size=3),
    project_withheld=st.lists(st.sampled_from(PROJECT_FIELDS), unique=True),
    token=st.integers(10_000, 99_999),
)
def test_withheld_text_never_reaches_the_published_html_or_pdf(
    world, coordinator, signed_in, action_withheld, project_withheld, token
):
    secrets = []
    actions = list(Action.objects.filter(plan=world.plan).order_by("pk"))
    for number, (action, withheld) in enumerate(zip(actions, action_withheld, strict=True)):
        for field in ("title", "outcomes", "outputs", "lead"):
            value = f"Zq{field}{number}x{token}"
            setattr(action, field, value)
            if "item" in withheld or field in withheld:
                secrets.append(value)
        action.withheld_fields = withheld
        action.save()
    project = CommissionedProject.objects.get(pk=world.project.pk)
    for field in ("name", "provider", "description", "outcomes"):
        value = f"Zq{field}p{token}"
        setattr(project, field, value)
        if "item" in project_withheld or field in project_withheld:
            secrets.append(value)
    project.withheld_fields = project_withheld
    project.save()
    output = project.output_targets.get()
    output.description = f"Zqoutputp{token}"
    output.save()
    if "item" in project_withheld or "outputs" in project_withheld:
        secrets.append(output.description)
    publish(world.plan, coordinator, public=True)

    html = signed_in(None).get(published_url(world.plan)).text
    pdf = pdf_text(signed_in(None).get(pdf_url(world.plan)))
    for secret in secrets:
        assert secret not in html
        assert secret not in pdf
    assert "A sensitive passage" not in html and "A sensitive passage" not in pdf
    assert "[REDACTED]" in pdf
    assert "Page 1 of " in pdf  # the stylesheet reached WeasyPrint: its @page rule numbers the pages
    assert world.other_action.objective.title in pdf  # the extraction reads the document: absence means something
