from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from actions.models import Action
from plans.access import plans_visible_to

from .access import get_recommendation_for_user


@require_GET
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, pk)
    # Only actions of plans this user may see: a lead sees the answers in the plans they lead in.
    answering = (
        Action.objects.filter(answers=recommendation, plan__in=plans_visible_to(request.user))
        .select_related("plan", "objective")
        .order_by("-plan__year", "position")
    )
    context = {"recommendation": recommendation, "review": recommendation.review, "actions": answering}
    return render(request, "peer_review/recommendation_detail.html", context)
