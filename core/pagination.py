"""Pages of a long list, newest first, as the GOV.UK pagination component shows them (templates/includes/
pagination.html): the history of changes, an item's status updates."""

import sys
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode


def page_number(value: str | None, per_page: int) -> int:
    """The page asked for, at least 1; a number too large to count rows up to is taken as the furthest it could be
    (the caller shows the last page for any number past the end)."""
    try:
        return min(max(1, int(value or 1)), sys.maxsize // per_page)
    except ValueError:
        return 1


def pagination(number: int, pages: int, query: dict[str, str]) -> dict[str, Any] | None:
    """The component's links: first, last, and the pages either side of the current one; None for one page."""
    if pages <= 1:
        return None

    def link(page: int) -> str:
        return "?" + urlencode({**query, "page": page})

    items: list[dict[str, Any]] = []
    for page in range(1, pages + 1):
        if page in (1, pages) or abs(page - number) <= 1:
            items.append({"number": page, "href": link(page), "current": page == number})
        elif items and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
    return {
        "items": items,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < pages else None,
    }


def queryset_page(rows: QuerySet, request: HttpRequest, per_page: int) -> dict[str, Any]:
    """One page of an ordered queryset, in two queries (the count and the page) whatever its length."""
    total = rows.count()
    pages = max(1, -(-total // per_page))
    number = min(page_number(request.GET.get("page"), per_page), pages)
    query = {key: value for key, value in request.GET.items() if key != "page"}
    return {
        "rows": list(rows[(number - 1) * per_page : number * per_page]),
        "total": total,
        "first_shown": (number - 1) * per_page + 1,
        "pagination": pagination(number, pages, query),
    }
