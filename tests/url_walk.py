"""Every URL pattern of the site, and a path to each that names real objects of the test world.

With made-up ids a view left open by mistake still passes an anonymous walk: it answers 404 for the object that
does not exist. With real ones it answers what it would answer an intruder.
"""

import re
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse


def walk(patterns: list | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    """(route, "namespace:name", pattern) of every pattern, the admin's included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), child_namespace.strip(":"))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":"), pattern


def url_names() -> set[str]:
    return {name for _, name, _ in walk()}


def _admin_model(name: str) -> type[models.Model] | None:
    """The model an admin URL name is about ("admin:peer_review_recommendation_change"), if any."""
    for model in admin.site._registry:
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _first_pk(model: type[models.Model] | None, fallback: Any) -> Any:
    row = model._default_manager.order_by("pk").values_list("pk", flat=True).first() if model else None
    return fallback if row is None else row


def admin_path(name: str, pattern: URLPattern, user_pk: int) -> str:
    """The admin URL filled with rows that exist: the model's first row, a real user, group, content type."""
    model = _admin_model(name)
    ct_model = model or ContentType
    values = {
        "object_id": _first_pk(model, 1),
        "object_pk": _first_pk(model, 1),
        "pk": _first_pk(model, 1),
        "id": _first_pk(model, 1),
        "user_id": user_pk,
        "group_id": Group.objects.get_or_create(name="URL walkers")[0].pk,
        "content_type_id": ContentType.objects.get_for_model(ct_model).pk,
        "app_label": "plans",
        "url": "plans/",
    }
    if name == "admin:view_on_site":
        values["object_id"] = _first_pk(ct_model, 1)
    kwargs = {key: values[key] for key in pattern.pattern.regex.groupindex}
    if pattern.pattern.regex.groups and not kwargs:  # django-simple-history's: (object id, history id)
        history_id = model.history.filter(pk=values["object_id"]).values_list("history_id", flat=True).first()
        return reverse(name, args=[values["object_id"], history_id or 1])
    if pattern.name is None:  # the admin's catch-all, which has no name to reverse
        return "/admin/" + kwargs.get("url", "")
    return reverse(name, kwargs=kwargs)


PLACEHOLDERS = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000001"}


def concrete_path(route: str) -> str:
    """A path for a route with placeholder arguments, where no database is at hand ("plans/<int:pk>/", the admin's
    regular expressions): for what every path answers alike, such as the admin's headers."""
    path = route
    for converter, value in PLACEHOLDERS.items():
        while f"<{converter}:" in path:
            start = path.index(f"<{converter}:")
            path = path[:start] + value + path[path.index(">", start) + 1 :]
    while "<" in path:  # untyped converters default to str
        start = path.index("<")
        path = path[:start] + "x" + path[path.index(">", start) + 1 :]
    for token in ("^", "$", "\\Z", "\\A"):
        path = path.replace(token, "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"\([^)]*\)", "x", path)
    return "/" + path
