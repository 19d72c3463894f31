from functools import partial

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.edit_views import add_page, change_page, delete_page
from plans.access import get_plan_for_user, plans_visible_to

from . import services
from .access import can_edit_review, get_recommendation_for_user, get_review_for_user
from .forms import RecommendationForm, ReviewForm
from .models import Recommendation, Review


def _review_url(review_pk: int) -> str:
    return reverse("peer_review:review", args=[review_pk])


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk)
    context = {
        "review": review,
        "recommendations": review.recommendations.all(),
        "can_edit": can_edit_review(request.user, review),
    }
    return render(request, "peer_review/review_detail.html", context)


@require_GET
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, pk)
    # Only actions of plans this user may see: a lead sees the answers in the plans they lead in.
    answering = (
        recommendation.actions.filter(plan__in=plans_visible_to(request.user))
        .select_related("plan", "objective")
        .order_by("-plan__year", "position")
    )
    context = {
        "recommendation": recommendation,
        "review": recommendation.review,
        "actions": answering,
        "can_edit": can_edit_review(request.user, recommendation.review),
    }
    return render(request, "peer_review/recommendation_detail.html", context)


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    form = ReviewForm(request.POST or None, instance=Review(council=plan.council))
    return add_page(
        request,
        form=form,
        add=lambda data, **by: services.review_create(council=plan.council, **form.changes(), **by),
        next_url=lambda review: _review_url(review.pk),
        title="Add a review",
        cancel_url=plan.get_absolute_url(),
        context={"plan": plan},
    )


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk, write=True)
    return change_page(
        request,
        form_class=ReviewForm,
        instance=review,
        change=partial(services.review_change, review=review),
        next_url=_review_url(review.pk),
    )


@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, review_pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, review_pk, write=True)
    form = RecommendationForm(
        request.POST or None,
        instance=Recommendation(review=review),
        initial={"number": services.next_number(review)},
    )
    return add_page(
        request,
        form=form,
        add=lambda data, **by: services.recommendation_create(review=review, **form.changes(), **by),
        next_url=lambda recommendation: _review_url(review.pk),
        title=f"Add a recommendation to the {review.title}",
        cancel_url=_review_url(review.pk),
    )


@require_http_methods(["GET", "POST"])
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, pk, write=True)
    return change_page(
        request,
        form_class=RecommendationForm,
        instance=recommendation,
        change=partial(services.recommendation_change, recommendation=recommendation),
        next_url=recommendation.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def recommendation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_recommendation_for_user(request.user, pk, write=True)
    review = recommendation.review
    return delete_page(
        request,
        item=recommendation,
        delete=lambda current, **edit: services.recommendation_delete(recommendation=current, **edit),
        next_url=_review_url(review.pk),
        template="peer_review/recommendation_confirm_delete.html",
        # Every answering action is in a plan of the review's council, which its coordinator sees.
        context=lambda current: {
            "recommendation": current,
            "review": review,
            "answering": current.actions.select_related("plan").order_by("-plan__year", "position"),
        },
    )
