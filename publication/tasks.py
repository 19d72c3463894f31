"""The publication's background work: rendering a published version's PDF once, so nobody waits for it."""

from django.tasks import task

from plans.models import DeliveryPlan

from .publication import published_pdf


@task()
def render_published_pdf(plan_id: int, published_at: str) -> str:
    """Render and keep the PDF of a publication, so nobody waits for it; a later publication supersedes it."""
    plan = DeliveryPlan.objects.select_related("council").filter(pk=plan_id).first()
    if plan is None or plan.published_at is None or plan.published_at.isoformat() != published_at:
        return "superseded"
    published_pdf(plan=plan)
    return "kept"
