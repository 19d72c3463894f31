"""Dashboards sealed at version 5, the last shape numbered by hand, as the read model gives them today.

Version 5 wrote each action and project in one dashboard-only shape ("Item"). The read model holds all that version
5 held, so a version 5 row is verified by writing what the history gives in that old shape and comparing: rows
sealed before the read model keep being checked at their own version, and the nightly run seals every meeting
again at the current one, which is what dashboards read.
"""

import json
from typing import Any

from snapshots.shapes import PROJECT, Item, json_ready

from .contents import Contents, sorted_items_text

VERSION = 5
KEYS = {"objectives", "items", "recommendations", "then", "rag_changes", "named", "board"}


def _item(item: Item) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "pk": item.pk,
        "reference": item.reference,
        "title": item.title,
        "lead": item.lead_name,
        "lead_agency": item.lead_agency,
        "rag": item.rag,
        "timescale": item.timescale,
        "due_date": json_ready(item.due_date),
        "objective_ids": sorted(item.objective_ids),
        "updated_at": json_ready(item.updated_at),
        "commentary": item.commentary,
        "answers": sorted(item.answers),
        "outputs": json_ready(item.outputs) if item.kind == PROJECT else [],
        "timescale_to_review": item.timescale_to_review,
        "as_of": json_ready(item.as_of),
    }


def version_5_text(contents: Contents) -> str:
    """The contents as version 5 wrote them, items in any order (as Contents.to_json(any_order=True) does)."""
    data = contents.to_data()
    for name in ("items", "then", "named"):
        items = getattr(contents, name)
        data[name] = None if items is None else [_item(item) for item in items]
    return sorted_items_text(data)


def sealed_text(content: str) -> str:
    """A version 5 row's content, items in any order; ValueError when it does not hold version 5 contents."""
    data = json.loads(content)
    if not isinstance(data, dict) or set(data) != KEYS:
        raise ValueError("not version 5 contents")
    return sorted_items_text(data)
