"""What the home page offers each person besides their plans: something to do or read for every role.

Leads see how many of their items need an update; Board members, auditors and coordinators the latest Board meeting
of each active plan (its dashboard and pack) and the next; coordinators the update requests; administrators the
admin. A fixed number of queries whatever the number of plans, items or meetings.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from actions.access import actions_led_by
from plans.access import BOARD_PACK_ROLES, roles_in
from plans.models import BoardMeeting, DeliveryPlan, Role
from projects.access import projects_led_by


@dataclass
class BoardLinks:
    """A plan's latest past meeting and next meeting, for someone who may read its Board pack."""

    plan: DeliveryPlan
    latest: BoardMeeting | None = None
    upcoming: BoardMeeting | None = None
    ask_leads: bool = False  # a coordinator: the update requests page is theirs


@dataclass
class HomeTasks:
    items_led: int = 0
    items_to_update: int = 0
    boards: list[BoardLinks] = field(default_factory=list)


def home_tasks(user: AbstractBaseUser, plans: list[DeliveryPlan]) -> HomeTasks:
    now = timezone.now()
    today = timezone.localdate(now)
    tasks = HomeTasks()
    led = [
        *actions_led_by(user).filter(withdrawn_at__isnull=True),
        *projects_led_by(user).filter(withdrawn_at__isnull=True),
    ]
    tasks.items_led = len(led)
    tasks.items_to_update = sum(1 for item in led if item.is_overdue(today) or item.is_stale(now))
    board_plans = {
        plan.pk: BoardLinks(plan, ask_leads=Role.COORDINATOR in roles_in(user, plan.council_id))
        for plan in plans
        if roles_in(user, plan.council_id) & BOARD_PACK_ROLES and plan.status == DeliveryPlan.Status.ACTIVE
    }
    for meeting in BoardMeeting.objects.filter(plan__in=list(board_plans)).order_by("date"):
        links = board_plans[meeting.plan_id]
        if meeting.date < today:
            links.latest = meeting
        elif links.upcoming is None:
            links.upcoming = meeting
    tasks.boards = [links for links in board_plans.values() if links.latest or links.upcoming or links.ask_leads]
    return tasks
