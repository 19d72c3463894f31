"""The other pages a person's roles give them, for pages outside the plans app (the audit page)."""

from django import template

from overview.landing import RolePage, role_pages

register = template.Library()


@register.simple_tag
def other_role_pages(user, current: str) -> list[RolePage]:
    return [page for page in role_pages(user) if page.key != current]
