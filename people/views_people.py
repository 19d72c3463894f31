"""Coordinators starting a plan and inviting leads; the invited lead setting their password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from actions.access import get_action_for_user
from core.edit_views import add_page
from plans.access import get_council_for_plan_create, get_invitation_for_user, get_plan_for_user
from projects.access import get_project_for_user

from . import services_people
from .forms_people import AcceptInvitationForm, InviteLeadForm, PlanCreateForm


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, slug: str) -> HttpResponse:
    council = get_council_for_plan_create(request.user, slug)
    return add_page(
        request,
        form=PlanCreateForm(request.POST or None),
        add=lambda data, **by: services_people.plan_create(
            council=council, year=data["year"], heading=data["heading"], introduction=data["introduction"], **by
        ),
        added=lambda plan: f"{plan.title} created as a draft",
        next_url=lambda plan: plan.get_absolute_url(),
        title=f"Create a plan for {council.name}",
        cancel_url=reverse("plans:home"),
    )


def _item_to_lead(request: HttpRequest, plan_pk: int):
    """The action or project named by the address (?action= or ?project=), which must be in the plan."""
    # The form posts back to its own address, query included.
    for key, get in (("action", get_action_for_user), ("project", get_project_for_user)):
        if request.GET.get(key):
            try:
                pk = int(request.GET[key])
            except ValueError:
                raise Http404("No such item") from None
            item = get(request.user, pk, write=True)
            if item.plan_id != plan_pk:
                raise Http404("No such item")
            return item
    return None


@require_http_methods(["GET", "POST"])
def lead_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a lead who has no account, for the plan's council, and make them lead of the item named, if any."""
    plan = get_plan_for_user(request.user, pk, write=True)
    item = _item_to_lead(request, plan.pk)
    form = InviteLeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services_people.invitation_send(
                council=plan.council,
                name=data["name"],
                email=data["email"],
                agency=data["agency"],
                item=item,
                by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.user.email}")
            back = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/"):
                return redirect(back)  # the update request page it came from
            return redirect(item or plan)
    cancel_url = (item or plan).get_absolute_url()
    title = f"Invite the lead of {item}" if item else "Invite a lead"
    context = {
        "form": form,
        "plan": plan,
        "item": item,
        "title": title,
        "cancel_url": cancel_url,
        "expiry_days": settings.INVITATION_EXPIRY_DAYS,
    }
    return render(request, "plans/invite.html", context)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request.user, pk)
    try:
        services_people.invitation_resend(
            invitation=invitation, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Invitation sent again to {invitation.user.email}")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts=None) and back.startswith("/")
    return redirect(back if safe else "plans:home")


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The page an invitation's link opens: set a password, then continue signed in. A used, resent, expired or
    altered link answers the same refusal, which says nothing of the account."""
    user = services_people.invited_user_from(uidb64)
    if user is None or not services_people.invitation_tokens.check_token(user, token):
        return render(request, "plans/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services_people.invitation_accept(
                invitation=user.invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "plans/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set. These are the actions you report on.")
        return redirect("plans:mine")
    context = {"form": form, "invitation": user.invitation, "title": "Set your password"}
    return render(request, "plans/invitation_accept.html", context)
