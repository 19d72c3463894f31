"""The published PDF is rendered once per publication and then served as stored, the same bytes every time."""

from plans.models import PublishedPdf
from publication import publication

from .test_publication import pdf_text, pdf_url, publish


def test_the_second_request_serves_the_stored_pdf_without_rendering(world, coordinator, board, signed_in, renders):
    publish(world.plan, coordinator, public=True)
    first = signed_in(None).get(pdf_url(world.plan))
    second = signed_in(None).get(pdf_url(world.plan))
    signed_in_copy = signed_in(board).get(pdf_url(world.plan))
    assert (first.status_code, second.status_code, signed_in_copy.status_code) == (200, 200, 200)
    assert second["Content-Type"] == "application/pdf"
    assert second.content == first.content == signed_in_copy.content
    assert first.content.startswith(b"%PDF")
    assert len(renders) == 1


def test_publishing_again_renders_the_new_version_once_and_drops_the_old(world, coordinator, signed_in, renders):
    publish(world.plan, coordinator, public=True)
    before = signed_in(None).get(pdf_url(world.plan)).content
    world.action.title = "Workshops for every secondary school"
    world.action.save(update_fields=["title"])
    publish(world.plan, coordinator, public=True)
    after = signed_in(None).get(pdf_url(world.plan))
    again = signed_in(None).get(pdf_url(world.plan)).content
    assert len(renders) == 2
    assert after.content == again != before
    assert "Workshops for every secondary school" in pdf_text(after)
    world.plan.refresh_from_db()
    assert list(PublishedPdf.objects.values_list("plan", "published_at")) == [(world.plan.pk, world.plan.published_at)]


def test_when_another_request_stored_its_pdf_first_that_one_is_served(world, coordinator, signed_in, monkeypatch):
    plan = publish(world.plan, coordinator, public=True)
    render = publication.render_published_pdf

    def raced(document):
        pdf = render(document)
        # Another worker finished rendering the same version while this one was at it.
        PublishedPdf.objects.create(
            plan=plan,
            published_at=plan.published_at,
            version=publication.PDF_VERSION,
            pdf=b"%PDF stored by the other worker",
            rendered_at=plan.published_at,
        )
        return pdf

    monkeypatch.setattr(publication, "render_published_pdf", raced)
    response = signed_in(None).get(pdf_url(plan))
    assert response.content == b"%PDF stored by the other worker"
    assert PublishedPdf.objects.count() == 1
