"""Who may see a review's recommendations: anyone who may see a plan of the review's council."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from plans.access import plans_visible_to, roles_in
from plans.models import Role

from .models import Recommendation, Review

User = AbstractBaseUser | AnonymousUser


def reviews_visible_to(user: User) -> QuerySet[Review]:
    return Review.objects.filter(council__plans__in=plans_visible_to(user)).distinct()


def get_recommendation_for_user(user: User, pk: int, *, write: bool = False) -> Recommendation:
    """The recommendation, if the user may see its council's plans (else 404); write needs a coordinator (403)."""
    try:
        recommendation = (
            Recommendation.objects.select_related("review__council")
            .filter(review__in=reviews_visible_to(user))
            .get(pk=pk)
        )
    except Recommendation.DoesNotExist:
        raise Http404("No such recommendation") from None
    if write and Role.COORDINATOR not in roles_in(user, recommendation.review.council_id):
        raise PermissionDenied
    return recommendation
