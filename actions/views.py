from items.pages import ItemPages

from . import services
from .access import get_action_for_user
from .forms import ActionForm
from .models import Action


def _page_context(action: Action) -> dict:
    """What an action's page shows beyond the shared page: the recommendations it answers, the action it continues."""
    recommendations = action.answers.select_related("review").order_by("review__date", "number")
    return {"recommendations": recommendations, "carried_from": action.carried_from}


pages = ItemPages(Action, get_action_for_user, ActionForm, services, context=_page_context)
