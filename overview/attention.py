"""What needs the coordinator's attention in a council: overdue and stale items of its active plans, leads who have
not answered the latest update request, and plans still in draft. Seven queries whatever the number of plans,
items, requests or leads."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from actions.models import Action, StatusUpdate
from plans.models import Council, DeliveryPlan, UpdateRequest, UpdateRequestRecipient
from projects.models import CommissionedProject, ProjectStatusUpdate


@dataclass
class Flagged:
    item: Any  # Action or CommissionedProject
    overdue: bool
    stale: bool

    @property
    def name(self) -> str:
        item = self.item
        return f"{item.reference} {item.title}" if isinstance(item, Action) else f"{item.name} (project)"


@dataclass
class AwaitingReply:
    request: UpdateRequest
    leads: list[Any]  # users asked who have not reported on any item of the plan since


@dataclass
class PlanAttention:
    plan: DeliveryPlan
    flagged: list[Flagged] = field(default_factory=list)
    awaiting: AwaitingReply | None = None


@dataclass
class Attention:
    council: Council
    plans: list[PlanAttention]
    drafts: list[DeliveryPlan]

    @property
    def empty(self) -> bool:
        return not (self.drafts or any(p.flagged or (p.awaiting and p.awaiting.leads) for p in self.plans))


def _flagged(items: list[Any], today: datetime.date, now: datetime.datetime) -> list[Flagged]:
    found = [Flagged(item, item.is_overdue(today), item.is_stale(now)) for item in items]
    found = [flag for flag in found if flag.overdue or flag.stale]
    return sorted(found, key=lambda flag: (not flag.overdue, flag.item.due_date or datetime.date.max))


def _latest_requests(plan_ids: list[int]) -> dict[int, UpdateRequest]:
    latest: dict[int, UpdateRequest] = {}
    for request in UpdateRequest.objects.filter(plan__in=plan_ids).order_by("-requested_at", "-pk"):
        latest.setdefault(request.plan_id, request)
    return latest


def _awaiting(requests: dict[int, UpdateRequest]) -> dict[int, AwaitingReply]:
    """Per plan, the leads of its latest request who have reported on none of its items since (3 queries)."""
    if not requests:
        return {}
    recipients = UpdateRequestRecipient.objects.filter(request__in=requests.values()).select_related("user")
    asked: dict[int, list[Any]] = {}
    for recipient in recipients.order_by("user__username"):
        asked.setdefault(recipient.request_id, []).append(recipient.user)
    answered: set[tuple[int, int]] = set()
    for updates, plan_field in ((StatusUpdate, "action__plan"), (ProjectStatusUpdate, "project__plan")):
        since = Q()
        for plan_id, request in requests.items():
            since |= Q(**{plan_field: plan_id, "created_at__gte": request.requested_at})
        answered |= set(updates.objects.filter(since).values_list(plan_field, "created_by"))
    return {
        plan_id: AwaitingReply(
            request, [user for user in asked.get(request.pk, []) if (plan_id, user.pk) not in answered]
        )
        for plan_id, request in requests.items()
    }


def council_attention(council: Council, *, now: datetime.datetime | None = None) -> Attention:
    now = now or timezone.now()
    today = timezone.localdate(now)
    plans = list(DeliveryPlan.objects.filter(council=council).order_by("-year"))
    active = [plan for plan in plans if plan.status == DeliveryPlan.Status.ACTIVE]
    ids = [plan.pk for plan in active]
    live = {"plan__in": ids, "withdrawn_at__isnull": True}
    actions = list(Action.objects.filter(**live).order_by("position", "pk"))
    projects = list(CommissionedProject.objects.filter(**live).order_by("position", "pk"))
    awaiting = _awaiting(_latest_requests(ids))
    return Attention(
        council=council,
        plans=[
            PlanAttention(
                plan,
                _flagged([i for i in [*actions, *projects] if i.plan_id == plan.pk], today, now),
                awaiting.get(plan.pk),
            )
            for plan in active
        ],
        drafts=[plan for plan in plans if plan.status == DeliveryPlan.Status.DRAFT],
    )
