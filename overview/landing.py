"""Where each person lands after signing in, and the other pages their roles give them.

Sign-in goes to one address (plans:start) that sends each person to the page of their most demanding role, so the
home page stays the overview of every plan they may see. The order is how much a role asks of its holder: a
coordinator keeps the plan going, a lead has updates to give, an auditor has a record to check, a Board member reads.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from actions.access import actions_led_by
from plans.access import roles_in
from plans.models import Council, DeliveryPlan, Role
from projects.access import projects_led_by


@dataclass(frozen=True)
class RolePage:
    key: str  # "attention", "mine", "audit", "dashboard"
    label: str
    url: str


def _council_roles(user: AbstractBaseUser) -> dict[int, set[Role]]:
    roles_in(user, 0)  # fills the per-request cache of every council's roles (one query)
    return getattr(user, "_council_roles", {})


def _leads_anything(user: AbstractBaseUser) -> bool:
    """Leads a live item in a plan that is not a draft (a draft is not reported on yet)."""
    live = {"withdrawn_at__isnull": True, "plan__status__in": [DeliveryPlan.Status.ACTIVE, DeliveryPlan.Status.CLOSED]}
    return actions_led_by(user).filter(**live).exists() or projects_led_by(user).filter(**live).exists()


def current_plan(council_ids: list[int]) -> DeliveryPlan | None:
    """The newest active plan of these councils: the one the Board is overseeing now."""
    active = DeliveryPlan.objects.filter(council__in=council_ids, status=DeliveryPlan.Status.ACTIVE)
    return active.select_related("council").order_by("-year", "council__name").first()


def role_pages(user: AbstractBaseUser) -> list[RolePage]:
    """The user's role pages, the most demanding first (a few queries whatever the number of roles)."""
    if not user.is_authenticated:
        return []
    by_council = _council_roles(user)
    holding = {role: sorted(pk for pk, roles in by_council.items() if role in roles) for role in Role}
    pages = []
    if holding[Role.COORDINATOR]:
        councils = Council.objects.filter(pk__in=holding[Role.COORDINATOR]).order_by("name")
        for council in councils:
            label = "Needs attention" + (f" in {council.name}" if len(holding[Role.COORDINATOR]) > 1 else "")
            pages.append(RolePage("attention", label, reverse("plans:attention", args=[council.slug])))
    if _leads_anything(user):
        pages.append(RolePage("mine", "My actions", reverse("plans:mine")))
    if holding[Role.AUDITOR]:
        pages.append(RolePage("audit", "The audit record", reverse("plans:audit")))
    if holding[Role.BOARD]:
        plan = current_plan(holding[Role.BOARD])
        if plan is not None:
            pages.append(
                RolePage("dashboard", f"Board dashboard, {plan.title}", reverse("plans:dashboard", args=[plan.pk]))
            )
    return pages


def landing_url(user: AbstractBaseUser) -> str:
    """The page of the user's most demanding role; the home page when they hold none yet."""
    pages = role_pages(user)
    return pages[0].url if pages else reverse("plans:home")
