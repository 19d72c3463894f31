from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from items.pages import ItemPages
from plans.landing import role_pages
from plans.models import DeliveryPlan

from . import services
from .access import actions_led_by, get_action_for_user
from .forms import ActionForm
from .models import Action


def _page_context(action: Action) -> dict:
    """What an action's page shows beyond the shared page: the recommendations it answers, the action it continues."""
    recommendations = action.answers.select_related("review").order_by("review__date", "number")
    return {"recommendations": recommendations, "carried_from": action.carried_from}


pages = ItemPages(Action, get_action_for_user, ActionForm, services, context=_page_context)


@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    """What a lead owns, overdue and stale items first. Items of draft plans are left out: a plan being prepared is
    not reported on until it is active."""
    from projects.access import projects_led_by

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
