"""Where people land after signing in: a lead's items, the coordinator's "needs attention" page and the plan's
search."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from actions.access import actions_led_by
from actions.models import Action
from plans.access import can_edit_plan, get_council_for_coordinator, get_plan_for_user
from plans.models import DeliveryPlan
from projects.access import projects_led_by

from .attention import council_attention
from .landing import landing_url, role_pages
from .search import MAX_RESULTS, plan_search


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The sign-in's destination: the page of the person's most demanding role (overview.landing)."""
    return redirect(landing_url(request.user))


@require_GET
def council_attention_page(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_coordinator(request.user, slug)
    context = {
        "attention": council_attention(council),
        "other_pages": [page for page in role_pages(request.user) if page.key != "attention"],
        "nav": "attention",
    }
    return render(request, "plans/attention.html", context)


@require_GET
def plan_search_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    query = request.GET.get("q", "")[:200]
    context = {
        "plan": plan,
        "query": query,
        "results": plan_search(plan, query) if query.strip() else None,
        "max_results": MAX_RESULTS,
        "can_edit": can_edit_plan(request.user, plan),
        "plan_nav": "search",
    }
    return render(request, "plans/search.html", context)


@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """What a lead owns, overdue and stale items first. Items of draft plans are left out: a plan being prepared is
    not reported on until it is active."""
    now = timezone.now()
    today = timezone.localdate(now)
    live = {"withdrawn_at__isnull": True}
    draft = {"plan__status": DeliveryPlan.Status.DRAFT}
    actions = actions_led_by(request.user).filter(**live).exclude(**draft).select_related("plan__council")
    projects = projects_led_by(request.user).filter(**live).exclude(**draft).select_related("plan__council")
    items = [
        {
            "item": item,
            "kind": "Action" if isinstance(item, Action) else "Project",
            "update_url": reverse(
                "actions:update_status" if isinstance(item, Action) else "projects:update_status", args=[item.pk]
            ),
            "name": f"{item.reference} {item.title}" if isinstance(item, Action) else item.name,
            "overdue": item.is_overdue(today),
            "stale": item.is_stale(now),
        }
        for item in [*actions, *projects]
    ]
    items.sort(key=lambda row: (not row["overdue"], not row["stale"], row["item"].due_date or today.max))
    other_pages = [page for page in role_pages(request.user) if page.key != "mine"]
    return render(request, "actions/my_actions.html", {"items": items, "nav": "mine", "other_pages": other_pages})
