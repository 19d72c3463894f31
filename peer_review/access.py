"""Who may see a review and its recommendations: anyone who may see a plan of the review's council.
Who may change them: the council's Prevent coordinators."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from core.security import not_found
from plans.access import plans_visible_to, roles_in
from plans.models import Role

from .models import Recommendation, Review

User = AbstractBaseUser | AnonymousUser


def reviews_visible_to(user: User) -> QuerySet[Review]:
    return Review.objects.filter(council__plans__in=plans_visible_to(user)).distinct()


def can_edit_review(user: User, review: Review) -> bool:
    return Role.COORDINATOR in roles_in(user, review.council_id)


def get_review_for_user(user: User, pk: int, *, write: bool = False) -> Review:
    """The review, if the user may see its council's plans (else 404); write needs a coordinator (403)."""
    try:
        review = reviews_visible_to(user).select_related("council").get(pk=pk)
    except Review.DoesNotExist:
        raise not_found(Review, pk, "No such review") from None
    if write and not can_edit_review(user, review):
        raise PermissionDenied
    return review


def get_recommendation_for_user(user: User, pk: int, *, write: bool = False) -> Recommendation:
    """The recommendation, if the user may see its council's plans (else 404); write needs a coordinator (403)."""
    try:
        recommendation = (
            Recommendation.objects.select_related("review__council")
            .filter(review__in=reviews_visible_to(user))
            .get(pk=pk)
        )
    except Recommendation.DoesNotExist:
        raise not_found(Recommendation, pk, "No such recommendation") from None
    if write and not can_edit_review(user, recommendation.review):
        raise PermissionDenied
    return recommendation
