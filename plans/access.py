"""Who may see or change a plan. Every view reaches a plan through these functions.

Roles are held per council (Membership). Action and project leads hold object permissions instead, and may see
the plans they lead in. An object a user may not see is answered with 404 so its existence is not revealed; an
object they may see but not change is answered with 403.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import BoardMeeting, Council, DeliveryPlan, Membership, Role

User = AbstractBaseUser | AnonymousUser


def roles_in(user: User, council: Council | int) -> set[Role]:
    """The roles the user holds in the council (an empty set for none)."""
    if not user.is_authenticated:
        return set()
    council_id = council if isinstance(council, int) else council.pk
    cache = getattr(user, "_council_roles", None)
    if cache is None:
        cache = {}
        for member_council, role in Membership.objects.filter(user=user).values_list("council_id", "role"):
            cache.setdefault(member_council, set()).add(Role(role))
        user._council_roles = cache
    return cache.get(council_id, set())


def plans_visible_to(user: User) -> QuerySet[DeliveryPlan]:
    """Plans of the councils where the user holds a role, and plans in which they lead an action or project."""
    if not user.is_authenticated:
        return DeliveryPlan.objects.none()
    # Imported here: the actions and projects apps build on plans, not the other way round.
    from actions.access import actions_led_by
    from projects.access import projects_led_by

    member = Exists(Membership.objects.filter(user=user, council=OuterRef("council")))
    leads_action = Exists(actions_led_by(user).filter(plan=OuterRef("pk")))
    leads_project = Exists(projects_led_by(user).filter(plan=OuterRef("pk")))
    return DeliveryPlan.objects.filter(Q(member) | Q(leads_action) | Q(leads_project)).select_related("council")


def can_edit_plan(user: User, plan: DeliveryPlan) -> bool:
    return Role.COORDINATOR in roles_in(user, plan.council_id)


def get_plan_for_user(user: User, pk: int, *, write: bool = False) -> DeliveryPlan:
    """The plan, if the user may see it (else 404); with write=True, only if they may edit it (else 403)."""
    try:
        plan = plans_visible_to(user).get(pk=pk)
    except DeliveryPlan.DoesNotExist:
        raise Http404("No such plan") from None
    if write and not can_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def get_meeting_for_user(user: User, pk: int, *, write: bool = False) -> BoardMeeting:
    """The board meeting, if the user may see its plan (else 404); with write=True, if they may edit it (else 403)."""
    try:
        meeting = (
            BoardMeeting.objects.select_related("plan__council").filter(plan__in=plans_visible_to(user)).get(pk=pk)
        )
    except BoardMeeting.DoesNotExist:
        raise Http404("No such board meeting") from None
    if write and not can_edit_plan(user, meeting.plan):
        raise PermissionDenied
    return meeting
