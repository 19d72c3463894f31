"""A council's coordinator giving and taking away roles in it. Accounts are never deleted here: the record keeps
who did what, so taking away a person's last role leaves their account, and their part of the history, as it was.
Memberships are recorded by django-simple-history, attributed to the coordinator who made the change."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from plans.access import people_of
from plans.models import Council, Membership, Role


@transaction.atomic
def membership_add(*, council: Council, user: AbstractBaseUser, role: Role, by: AbstractBaseUser) -> Membership:
    """Give the person the role in the council; they must already belong to it (a member or a partner)."""
    if not people_of(council).filter(pk=user.pk).exists():
        raise ValidationError({"person": "Select one of the people listed"})
    if Membership.objects.filter(council=council, user=user, role=role).exists():
        name = user.get_full_name() or user.get_username()
        raise ValidationError({"role": f"{name} is already {Role(role).label.lower()} for {council.name}"})
    membership = Membership(council=council, user=user, role=role)
    membership._history_user = by
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: AbstractBaseUser) -> None:
    """Take the role away. A council keeps at least one coordinator, so nobody locks everyone out of it."""
    locked = Membership.objects.select_for_update().filter(council_id=membership.council_id, role=Role.COORDINATOR)
    if membership.role == Role.COORDINATOR and len(locked) <= 1:
        raise ValidationError(f"{membership.council.name} must keep at least one Prevent coordinator")
    membership._history_user = by
    membership.delete()
