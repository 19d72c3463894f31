"""Names of the rows a change record refers to (an objective by its number, a recommendation by its review), as the
history last gave them: a row deleted since keeps its name. Models are named by label (core sits below them)."""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model

from .append_only import history_model

SYSTEM = "system"


def model(label: str) -> Any:
    return apps.get_model(label)


class Names:
    """Names of related rows, as their latest history gives them (a deleted row keeps its name), read once each."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, str], Any] = {}

    def latest(self, label_: str, pk: int | None, column: str) -> Any:
        if pk is None:
            return None
        key = (label_, pk, column)
        if key not in self.cache:
            history = history_model(model(label_))
            self.cache[key] = (
                history._default_manager.filter(id=pk)
                .order_by("-history_date", "-history_id")
                .values_list(column, flat=True)
                .first()
            )
        return self.cache[key]

    def objective(self, pk: int | None) -> str | None:
        number = self.latest("objectives.objective", pk, "number")
        return None if number is None else f"Objective {number}"

    def recommendation(self, pk: int | None) -> str | None:
        number = self.latest("peer_review.recommendation", pk, "number")
        if number is None:
            return None
        review = self.latest("peer_review.recommendation", pk, "review_id")
        return f"{self.latest('peer_review.review', review, 'title') or 'Review'}, recommendation {number}"

    def carried(self, pk: int | None) -> str | None:
        """An action carried forward from last year's, by its reference and year, while that action is there."""
        if pk is None:
            return None
        found = model("actions.action")._default_manager.filter(pk=pk).values_list("reference", "plan__year").first()
        return None if found is None else f"{found[0]} ({found[1]})"

    def plan(self, pk: int | None) -> tuple[int | None, str]:
        """The council and financial year of a plan."""
        return self.latest("plans.deliveryplan", pk, "council_id"), self.latest("plans.deliveryplan", pk, "year") or ""

    def username(self, pk: int | None) -> str:
        if pk is None:
            return SYSTEM
        key = ("user", pk, "username")
        if key not in self.cache:
            users = get_user_model()._default_manager
            self.cache[key] = users.filter(pk=pk).values_list("username", flat=True).first()
        return self.cache[key] or SYSTEM
