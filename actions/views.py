from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import evidence
from core.access import leads_of
from core.conflicts import conflict_response, status_rows
from core.item_views import confirm_delete, withdraw_or_reinstate
from core.pagination import queryset_page
from core.rag import RAG
from core.status_form import TIMELINE_PER_PAGE, StatusUpdateForm
from core.versioning import StaleEdit
from plans.access import can_edit_plan, get_plan_for_user

from . import services
from .access import (
    can_update_status,
    get_action_for_status_update,
    get_action_for_user,
)
from .forms import ActionForm
from .models import Action, StatusUpdate


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    context = {
        "action": action,
        "plan": action.plan,
        "recommendations": action.answers.select_related("review").order_by("review__date", "number"),
        "timeline": queryset_page(action.status_updates.select_related("created_by"), request, TIMELINE_PER_PAGE),
        "carried_from": action.carried_from,
        "can_update_status": can_update_status(request.user, action) and not action.is_withdrawn,
        "can_edit": can_edit_plan(request.user, action.plan),
    }
    return render(request, "actions/action_detail.html", context)


def _leads(action: Action) -> list:
    return leads_of(action)


@require_http_methods(["GET", "POST"])
def action_update_status(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_status_update(request.user, pk)
    if action.is_withdrawn:
        raise PermissionDenied
    initial = {"version": action.version, "rag": action.rag, "as_of": timezone.localdate()}
    form = StatusUpdateForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with evidence.stored(data["evidence"], folder=f"evidence/actions/{action.pk}") as stored:
                services.action_update_status(
                    action=action,
                    rag=data["rag"],
                    commentary=data["commentary"],
                    as_of=data["as_of"],
                    evidence=stored,
                    by=request.user,
                    expected_version=data["version"],
                )
        except StaleEdit as stale:
            current = stale.current
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=status_rows(current),
                title=f"Action {current.reference} was updated after you opened this form",
                cancel_url=current.get_absolute_url(),
                lost_file=bool(data["evidence"]),
            )
        except evidence.EvidenceNotSaved:
            form.add_error("evidence", evidence.NOT_SAVED)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Status of action {action.reference} updated to {RAG(data['rag']).label}")
            return redirect(action)
    context = {"form": form, "action": action, "plan": action.plan}
    return render(request, "actions/status_form.html", context)


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    form = ActionForm(request.POST or None, plan=plan, instance=Action(plan=plan))
    if request.method == "POST" and form.is_valid():
        action = services.action_create(
            plan=plan,
            fields=form.action_fields(),
            answers=list(form.cleaned_data["answers"]),
            leads=form.cleaned_data["lead_usernames"],
            by=request.user,
        )
        messages.success(request, f"Action {action.reference} added")
        return redirect(action)
    context = {
        "form": form,
        "plan": plan,
        "title": "Add an action",
        "cancel_url": plan.get_absolute_url(),
        "invite_url": reverse("plans:invite", args=[plan.pk]),
    }
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, write=True)
    kwargs = {"plan": action.plan, "instance": action}
    form = ActionForm(request.POST or None, leads=_leads(action), **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        try:
            services.action_change(
                action=action,
                fields=form.action_fields(),
                answers=list(form.cleaned_data["answers"]),
                leads=form.cleaned_data["lead_usernames"],
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except StaleEdit as stale:
            current = stale.current
            kwargs["instance"] = current
            rows = [
                (form.fields[name].label, str(getattr(current, name) or ""))
                for name in ("reference", "title", "outcomes", "outputs", "timescale", "lead")
            ]
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title=f"Action {current.reference} was changed after you opened this form",
                cancel_url=current.get_absolute_url(),
            )
        messages.success(request, f"Action {action.reference} saved")
        return redirect(action)
    context = {
        "form": form,
        "plan": action.plan,
        "title": f"Change action {action.reference}",
        "cancel_url": action.get_absolute_url(),
        "invite_url": f"{reverse('plans:invite', args=[action.plan_id])}?action={action.pk}",
    }
    return render(request, "core/form_page.html", context)


def _described(action: Action) -> dict[str, str]:
    """How the confirmation pages name the action."""
    return {
        "noun": "action",
        "label": f"action {action.reference}",
        "caption": f"Action {action.reference}",
        "name": action.title,
    }


@require_http_methods(["GET", "POST"])
def action_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, write=True)
    return withdraw_or_reinstate(
        request,
        action,
        withdraw=partial(services.action_withdraw, action=action),
        reinstate=partial(services.action_reinstate, action=action),
        label=f"Action {action.reference}",
        described=_described(action),
    )


@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk, write=True)
    return confirm_delete(
        request,
        action,
        delete=partial(services.action_delete, action=action),
        label=f"Action {action.reference}",
        described=_described(action),
        deleted_url=action.plan.get_absolute_url(),
        withdraw_url=reverse("actions:withdraw", args=[action.pk]),
    )


@require_GET
def status_update_evidence(request: HttpRequest, pk: int) -> FileResponse:
    update = get_object_or_404(StatusUpdate.objects.only("pk", "action_id", "evidence"), pk=pk)
    # The same check as the action page: whoever may see the action may read its evidence; nobody else.
    get_action_for_user(request.user, update.action_id)
    return evidence.download(update.evidence)
