"""The actions that answer a review's recommendations, across a council's plans."""

from django.db.models import F

from core.rag import RAG
from plans.models import DeliveryPlan

from .models import Action


def answered_in_earlier_plans(plan: DeliveryPlan, recommendation_ids: list[int]) -> dict[int, list[Action]]:
    """For each recommendation, the actions of the council's earlier plans that answered it and were completed
    there: a rollover leaves completed actions behind, and the recommendation stays answered by them (one query)."""
    done = (
        Action.objects.filter(
            plan__council_id=plan.council_id,
            plan__year__lt=plan.year,
            rag=RAG.COMPLETE,
            withdrawn_at__isnull=True,
            answers__in=recommendation_ids,
        )
        .select_related("plan")
        .annotate(recommendation_id=F("answers"))
        .order_by("-plan__year", "position", "pk")
    )
    found: dict[int, list[Action]] = {}
    for action in done:
        found.setdefault(action.recommendation_id, []).append(action)
    return found
