"""Who may see or change a plan. Every view reaches a plan through these functions.

Roles are held per council (Membership). Action and project leads hold object permissions instead, and may see
the plans they lead in. An object a user may not see is answered with 404 so its existence is not revealed; an
object they may see but not change is answered with 403.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.access import lead_user_ids
from core.revisions import with_revisions
from core.security import hidden

from .models import (
    STAGED_IMPORT_HOURS,
    BoardMeeting,
    Council,
    DeliveryPlan,
    Invitation,
    Membership,
    Role,
    StagedImport,
)
from .models_board import ActionArising, MeetingAttendance

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class LedItems:
    """A kind of plan item that has leads (actions, projects): its model, and the items a person leads."""

    model: type[Model]
    led_by: Callable[[User], QuerySet]


# Filled by the apps that define such items, when Django starts (their AppConfig.ready): plans sit below them, so
# they tell plans how to find their leads rather than plans importing them.
LED_ITEMS: list[LedItems] = []


def register_led_items(*, model: type[Model], led_by: Callable[[User], QuerySet]) -> None:
    LED_ITEMS.append(LedItems(model=model, led_by=led_by))


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
    visible = Q(Exists(Membership.objects.filter(user=user, council=OuterRef("council"))))
    for items in LED_ITEMS:
        visible |= Q(Exists(items.led_by(user).filter(plan=OuterRef("pk"))))
    return DeliveryPlan.objects.filter(visible).select_related("council")


def people_of(council: Council) -> QuerySet:
    """The council's own people and partners: those holding a role in it, and those already leading an action or a
    project in one of its plans. Only they may be made leads in its plans, so a coordinator can neither hand a plan
    to a stranger nor learn which usernames exist in other councils."""
    members = Membership.objects.filter(council=council).values("user_id")
    # Partners invited by its coordinator belong to it from the invitation on, accepted or not.
    partners = Invitation.objects.filter(council=council).values("user_id")
    ours = Q(pk__in=members) | Q(pk__in=partners)
    for items in LED_ITEMS:
        ours |= Q(pk__in=lead_user_ids(items.model.objects.filter(plan__council=council)))
    return get_user_model().objects.filter(ours)


def can_edit_plan(user: User, plan: DeliveryPlan) -> bool:
    return Role.COORDINATOR in roles_in(user, plan.council_id)


def _leads_in(user: User, plan: DeliveryPlan) -> bool:
    return any(items.led_by(user).filter(plan=plan).exists() for items in LED_ITEMS)


def can_see_plan(user: User, plan: DeliveryPlan) -> bool:
    """The rule of plans_visible_to for one plan: a role in its council (one cached query), or leading in it."""
    return user.is_authenticated and bool(roles_in(user, plan.council_id) or _leads_in(user, plan))


def get_plan_for_user(user: User, pk: int, *, write: bool = False) -> DeliveryPlan:
    """The plan, if the user may see it (else 404); with write=True, only if they may edit it (else 403)."""
    if not user.is_authenticated:
        raise Http404("No such plan")
    try:  # get() rather than first(): no ORDER BY to build for the page every coordinator lives on
        plan = with_revisions(DeliveryPlan.objects.select_related("council")).get(pk=pk)
    except DeliveryPlan.DoesNotExist:
        raise Http404("No such plan") from None
    if not can_see_plan(user, plan):
        raise hidden(plan, "No such plan")
    if write and not can_edit_plan(user, plan):
        raise PermissionDenied
    return plan


def get_meeting_for_user(user: User, pk: int, *, write: bool = False) -> BoardMeeting:
    """The board meeting, if the user may see its plan (else 404); with write=True, if they may edit it (else 403)."""
    found = BoardMeeting.objects.select_related("plan__council").filter(pk=pk)
    meeting = found.first() if user.is_authenticated else None
    if meeting is None:
        raise Http404("No such board meeting")
    if not can_see_plan(user, meeting.plan):
        raise hidden(meeting, "No such board meeting")
    if write and not can_edit_plan(user, meeting.plan):
        raise PermissionDenied
    return meeting


def can_change_board(user: User, council: Council) -> bool:
    """Coordinators keep the Board's terms of reference."""
    return Role.COORDINATOR in roles_in(user, council)


def get_council_for_board(user: User, slug: str, *, write: bool = False) -> Council:
    """The council whose Programme Board the user reads: anyone with a role in it or leading in one of its plans
    (else 404); with write=True, only its coordinators (else 403)."""
    council = Council.objects.filter(slug=slug).first() if user.is_authenticated else None
    if council is None:
        raise Http404("No such council")
    if not (roles_in(user, council) or plans_visible_to(user).filter(council=council).exists()):
        raise hidden(council, "No such council")
    if write and not can_change_board(user, council):
        raise PermissionDenied
    return council


def get_council_for_coordinator(user: User, slug: str) -> Council:
    """The council, for its coordinators' own pages: 404 if the user sees nothing of it, else 403 unless they are
    its coordinator."""
    return get_council_for_board(user, slug, write=True)


def get_council_for_people(user: User, slug: str) -> Council:
    """The council whose people and roles the user manages: its coordinators only. Others who see the council get
    403, everyone else 404, as for the Board's terms of reference."""
    return get_council_for_board(user, slug, write=True)


def get_membership_for_user(user: User, pk: int) -> Membership:
    """A role someone holds, for its council's coordinators to take away (404 unseen, 403 to anyone else)."""
    membership = Membership.objects.select_related("user", "council").filter(pk=pk).first()
    if membership is None or not user.is_authenticated:
        raise Http404("No such role")
    get_council_for_people(user, membership.council.slug)
    return membership


def get_action_arising_for_user(user: User, pk: int, *, write: bool = False) -> ActionArising:
    """An action arising, as its meeting (get_meeting_for_user): 404 unseen, 403 to a write by a non-coordinator."""
    action = ActionArising.objects.filter(pk=pk).first() if user.is_authenticated else None
    if action is None:
        raise Http404("No such action arising")
    action.meeting = get_meeting_for_user(user, action.meeting_id, write=write)
    return action


def get_attendance_for_user(user: User, pk: int, *, write: bool = False) -> MeetingAttendance:
    """Someone recorded at a meeting, as the meeting: 404 unseen, 403 to a write by a non-coordinator."""
    found = MeetingAttendance.objects.filter(pk=pk).first() if user.is_authenticated else None
    if found is None:
        raise Http404("No such attendance")
    found.meeting = get_meeting_for_user(user, found.meeting_id, write=write)
    return found


BOARD_PACK_ROLES = frozenset({Role.COORDINATOR, Role.BOARD, Role.AUDITOR})


def can_export_board_pack(user: User, plan: DeliveryPlan) -> bool:
    """Coordinators, Board members and auditors export the Board pack; leads do not."""
    return bool(roles_in(user, plan.council_id) & BOARD_PACK_ROLES)


def get_meeting_for_board_pack(user: User, pk: int) -> BoardMeeting:
    """The meeting, if the user may export its Board pack: 404 if they may not see its plan, else 403 for leads."""
    meeting = get_meeting_for_user(user, pk)
    if not can_export_board_pack(user, meeting.plan):
        raise PermissionDenied
    return meeting


def get_published_plan(user: User, council_slug: str, year: str) -> DeliveryPlan:
    """The published version of a plan: for anyone when the plan is public, otherwise only for those who may see
    the plan. A plan never published, or not public to this visitor, answers 404 (its existence is not revealed)."""
    plan = (
        DeliveryPlan.objects.select_related("council")
        .filter(council__slug=council_slug, year=year, published_at__isnull=False)
        .first()
    )
    if plan is None:
        raise Http404("No such published plan")
    if not (plan.public or plans_visible_to(user).filter(pk=plan.pk).exists()):
        raise hidden(plan, "No such published plan")
    return plan


EXPORTERS = (Role.COORDINATOR, Role.AUDITOR)


def can_export(user: User, plan: DeliveryPlan) -> bool:
    """Coordinators and auditors of the plan's council export it; Board members and leads do not."""
    return any(role in EXPORTERS for role in roles_in(user, plan.council_id))


def get_plan_for_export(user: User, pk: int) -> DeliveryPlan:
    """The plan, if the user may export it: 404 if they may not see it, 403 if they see it but may not export."""
    plan = get_plan_for_user(user, pk)
    if not can_export(user, plan):
        raise PermissionDenied
    return plan


def get_council_for_export(user: User, slug: str) -> Council:
    """The council, if the user may export its whole record: 404 if they see none of its plans, else 403 unless
    they are its coordinator or auditor."""
    council = Council.objects.filter(slug=slug).first()
    if council is None:
        raise Http404("No such council")
    if not plans_visible_to(user).filter(council=council).exists():
        raise hidden(council, "No such council")
    if not any(role in EXPORTERS for role in roles_in(user, council)):
        raise PermissionDenied
    return council


def get_staged_import_for_user(user: User, pk: int) -> StagedImport:
    """A file the user uploaded for import and has not yet confirmed, while it lasts. Its plan must still be one
    they may edit (else 403, or 404 if they cannot see it); anyone else's file, even a fellow coordinator's, is 404."""
    found = StagedImport.objects.select_related("plan__council").filter(pk=pk)
    staged = found.first() if user.is_authenticated else None
    if staged is None:
        raise Http404("No such import")
    get_plan_for_user(user, staged.plan_id, write=True)
    expired = staged.uploaded_at < timezone.now() - datetime.timedelta(hours=STAGED_IMPORT_HOURS)
    if staged.user_id != user.pk or expired:
        raise Http404("No such import")
    return staged


def get_council_for_plan_create(user: User, slug: str) -> Council:
    """The council, if the user may start a plan in it (its coordinator): 404 if they see none of its plans and
    hold no role in it, else 403."""
    council = Council.objects.filter(slug=slug).first() if user.is_authenticated else None
    if council is None:
        raise Http404("No such council")
    if not (roles_in(user, council) or plans_visible_to(user).filter(council=council).exists()):
        raise hidden(council, "No such council")
    if Role.COORDINATOR not in roles_in(user, council):
        raise PermissionDenied
    return council


def councils_to_create_plans_in(user: User) -> QuerySet[Council]:
    """The councils where the user may start a plan: where they are a coordinator."""
    if not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(memberships__user=user, memberships__role=Role.COORDINATOR).distinct()


def get_invitation_for_user(user: User, pk: int) -> Invitation:
    """An invitation, for its council's coordinators only: 404 if the user sees nothing of the council, else 403.
    Only coordinators ever change invitations, so there is no read-only way in."""
    found = Invitation.objects.select_related("council", "user").filter(pk=pk)
    invitation = found.first() if user.is_authenticated else None
    if invitation is None:
        raise Http404("No such invitation")
    council = invitation.council
    if not (roles_in(user, council) or plans_visible_to(user).filter(council=council).exists()):
        raise hidden(invitation, "No such invitation")
    if Role.COORDINATOR not in roles_in(user, council):
        raise PermissionDenied
    return invitation


def auditor_councils(user: User) -> QuerySet[Council]:
    """The councils in which the user holds the auditor role."""
    if not user.is_authenticated:
        return Council.objects.none()
    return Council.objects.filter(memberships__user=user, memberships__role=Role.AUDITOR).distinct()
