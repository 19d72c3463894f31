"""The fictional Example Borough and its small plan, the demo accounts and their roles, and loading the demo
again."""

from django.contrib.auth import get_user_model
from guardian.models import UserObjectPermission

from actions.models import Action
from demo.demo import load_demo, read
from peer_review.models import Review
from plans.models import Council, DeliveryPlan, Membership, Role

from .conftest import TOWER_HAMLETS, demo_counts, tower_hamlets_plan
from .plan_2018_19 import activities_2018_19

# --- Example Borough, the demo accounts, reloading -----------------------------------------------------------


def test_example_borough_has_its_own_small_plan(demo: None) -> None:
    council = Council.objects.get(slug="example-borough")
    data = read("example-borough-2018-19.yaml")
    plan = DeliveryPlan.objects.get(council=council)
    assert plan.year == data["year"]
    assert plan.objectives.count() == len(data["objectives"]) > 0
    assert plan.actions.count() == len(data["actions"]) > 0
    assert plan.projects.count() == len(data["projects"])
    assert not Action.objects.filter(plan=plan).exclude(objective__plan=plan).exists()
    assert not Action.objects.filter(plan=plan, answers__isnull=False).exists()
    assert not Review.objects.filter(council=council).exists()


def roles(username: str) -> set[tuple[str, str]]:
    return {(m.council.slug, m.role) for m in Membership.objects.filter(user__username=username)}


def test_demo_accounts_have_their_roles(demo: None) -> None:
    assert roles("coordinator") == {(TOWER_HAMLETS, Role.COORDINATOR)}
    assert roles("board") == {(TOWER_HAMLETS, Role.BOARD)}
    assert roles("auditor") == {(TOWER_HAMLETS, Role.AUDITOR)}
    assert roles("example-coordinator") == {("example-borough", Role.COORDINATOR)}
    assert roles("education-lead") == set()
    assert roles("admin") == set()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    others = get_user_model().objects.exclude(username="admin")
    assert not others.filter(is_superuser=True).exists()
    assert not others.filter(is_staff=True).exists()


def test_education_lead_updates_only_the_education_officers_actions(demo: None) -> None:
    """The "actions.update_status" object permission on exactly the 2018-19 Objective 1 actions the seed gives to
    the Prevent Education Officer, and no other permission."""
    led = [
        row.reference
        for row in activities_2018_19()
        if row.objective == 1 and row.lead.startswith("Prevent Education Officer")
    ]
    assert led == ["1.1", "1.2", "1.3"]
    lead = get_user_model().objects.get(username="education-lead")
    granted = {
        (p.permission.content_type.app_label, p.permission.codename, p.content_type.model, p.object_pk)
        for p in UserObjectPermission.objects.filter(user=lead).select_related("permission__content_type")
    }
    actions = tower_hamlets_plan("2018-19").actions.filter(reference__in=led)
    assert granted == {("actions", "update_status", "action", str(action.pk)) for action in actions}
    assert len(granted) == 3
    assert not lead.user_permissions.exists() and not lead.groups.exists()
    assert not lead.is_staff and not lead.is_superuser
    may_update = {
        (action.plan.year, action.reference)
        for action in Action.objects.select_related("plan")
        if lead.has_perm("actions.update_status", action)
    }
    assert may_update == {("2018-19", reference) for reference in led}


def test_loading_the_demo_again_creates_nothing(demo: None) -> None:
    before = demo_counts()
    assert load_demo() == []
    assert demo_counts() == before
