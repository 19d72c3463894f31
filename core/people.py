"""People as the pages name them: by their full name, their username only when no name is recorded."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model


def full_names(usernames: Iterable[str]) -> dict[str, str]:
    """Each username's full name, in one query whatever the number; names not found (the system) are left out."""
    wanted = {name for name in usernames if name}
    people = get_user_model().objects.filter(username__in=wanted).only("username", "first_name", "last_name")
    return {person.get_username(): person.get_full_name() or person.get_username() for person in people}
