"""Where people land after signing in, the coordinator's "needs attention" page and the plan's search."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .access import can_edit_plan, get_council_for_coordinator, get_plan_for_user
from .attention import council_attention
from .landing import landing_url, role_pages
from .search import MAX_RESULTS, plan_search


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The sign-in's destination: the page of the person's most demanding role (plans.landing)."""
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
