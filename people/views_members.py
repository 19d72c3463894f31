"""A council's people and their roles, kept by its coordinators on the service's own pages (not the admin)."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plans.access import get_council_for_people, get_membership_for_user, people_of
from plans.models import Council, DeliveryPlan, Invitation, Membership, Role

from . import services_members
from .forms_people import MembershipAddForm


@dataclass
class Person:
    user: AbstractBaseUser
    memberships: list[Membership] = field(default_factory=list)
    agency: str = ""
    invited: bool = False

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


def _people(council: Council) -> list[Person]:
    """Everyone who belongs to the council, with their roles: 3 queries however many there are."""
    people: dict[int, Person] = {}
    for membership in Membership.objects.filter(council=council).select_related("user").order_by("role"):
        people.setdefault(membership.user_id, Person(membership.user)).memberships.append(membership)
    for user in people_of(council).exclude(pk__in=list(people)):
        people[user.pk] = Person(user)
    for invitation in Invitation.objects.filter(council=council, user_id__in=list(people)):
        person = people[invitation.user_id]
        person.agency, person.invited = invitation.agency, not invitation.is_accepted
    return sorted(people.values(), key=lambda person: person.name.lower())


def _people_url(council: Council) -> str:
    return reverse("plans:people", args=[council.slug])


@require_http_methods(["GET", "POST"])
def council_people(request: HttpRequest, slug: str) -> HttpResponse:
    """The council's people with their roles, and the form giving one of them a role."""
    council = get_council_for_people(request.user, slug)
    form = MembershipAddForm(request.POST if request.method == "POST" else None, people=people_of(council))
    if request.method == "POST" and form.is_valid():
        person, role = form.cleaned_data["person"], Role(form.cleaned_data["role"])
        try:
            services_members.membership_add(council=council, user=person, role=role, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = person.get_full_name() or person.get_username()
            messages.success(request, f"{name} is now {role.label.lower()} for {council.name}")
            return redirect(_people_url(council))
    latest = DeliveryPlan.objects.filter(council=council).order_by("-year").first()
    context = {
        "council": council,
        "people": _people(council),
        "form": form,
        "invite_url": reverse("plans:invite", args=[latest.pk]) if latest else "",
    }
    return render(request, "plans/people.html", context)


@require_http_methods(["GET", "POST"])
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a role away, after confirming. The account stays: only the role goes."""
    membership = get_membership_for_user(request.user, pk)
    council = membership.council
    error = ""
    if request.method == "POST":
        try:
            services_members.membership_remove(membership=membership, by=request.user)
        except ValidationError as refusal:
            error = refusal.messages[0]
        else:
            name = membership.user.get_full_name() or membership.user.get_username()
            messages.success(request, f"{name} is no longer {membership.get_role_display().lower()}")
            return redirect(_people_url(council))
    context = {"membership": membership, "council": council, "error": error, "people_url": _people_url(council)}
    return render(request, "plans/membership_confirm_remove.html", context, status=400 if error else 200)
