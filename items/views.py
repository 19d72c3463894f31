"""The pages every plan item has: its own page, its status update, its add and change forms, withdrawal, deletion
and the evidence of its updates.

Each app's view gets the item (or plan) through an access function and names its own services, form and template;
these run the flow the kinds have in common, so the messages and the stale-version handling cannot drift apart.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import evidence
from core.access import leads_of
from core.conflicts import conflict_response
from core.edit_views import add_page
from core.forms import ConfirmForm
from core.pagination import queryset_page
from core.rag import RAG
from core.status_form import TIMELINE_PER_PAGE, StatusUpdateForm
from core.versioning import StaleEdit
from plans.access import can_edit_plan
from plans.models import DeliveryPlan

from .access import can_update_status
from .models import PlanItem, StatusUpdateBase, item_key

Change = Callable[..., Any]
PAGES = ("update_status", "edit", "withdraw", "delete")


def item_page(request: HttpRequest, item: PlanItem, *, template: str, **context: Any) -> HttpResponse:
    """The item's own page: what the app's template shows of it, its status updates and what the user may do."""
    namespace = item._meta.app_label
    context = {
        item.noun: item,
        "item": item,
        "plan": item.plan,
        "urls": {page: reverse(f"{namespace}:{page}", args=[item.pk]) for page in PAGES},
        "evidence_url": f"{namespace}:evidence",
        "timeline": queryset_page(item.status_updates.select_related("created_by"), request, TIMELINE_PER_PAGE),
        "can_update_status": can_update_status(request.user, item) and not item.is_withdrawn,
        "can_edit": can_edit_plan(request.user, item.plan),
        **context,
    }
    return render(request, template, context)


def _conflict(request: HttpRequest, form: forms.Form, current: PlanItem, done: str, **kwargs: Any) -> HttpResponse:
    """The conflict page: someone saved the item after the form was opened; `done` is what they did to it."""
    title = f"{current.words.called} was {done} after you opened this form"
    rows = form.conflict_rows(current)
    return conflict_response(
        request, form=form, current=current, rows=rows, title=title, cancel_url=current.get_absolute_url(), **kwargs
    )


def status_update_page(
    request: HttpRequest,
    item: PlanItem,
    *,
    update: Change,
    form_class: type[StatusUpdateForm] = StatusUpdateForm,
    **form_kwargs: Any,
) -> HttpResponse:
    """Report on the item. `update` is the app's status update service with the item given; the form's `report()`
    names what else it takes."""
    if item.is_withdrawn:
        raise PermissionDenied
    initial = {"version": item.version, "rag": item.rag, "as_of": timezone.localdate()}
    form = form_class(request.POST or None, request.FILES or None, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        folder = f"evidence/{item._meta.app_label}/{item.pk}"
        try:
            with evidence.stored(data["evidence"], folder=folder) as stored:
                update(evidence=stored, by=request.user, **form.report())
        except StaleEdit as stale:
            return _conflict(request, form, stale.current, "updated", lost_file=bool(data["evidence"]))
        except evidence.EvidenceNotSaved:
            form.add_error("evidence", evidence.NOT_SAVED)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Status of {item.words.subject} updated to {RAG(data['rag']).label}")
            return redirect(item)
    return render(request, "items/status_form.html", {"form": form, "item": item, "plan": item.plan})


def create_page(
    request: HttpRequest, plan: DeliveryPlan, *, form: forms.ModelForm, create: Change, title: str
) -> HttpResponse:
    """Add an item to the plan with the app's `create` service; the form's `changes()` names what it takes."""
    return add_page(
        request,
        form=form,
        add=lambda data, **by: create(plan=plan, **by, **form.changes()),
        next_url=lambda item: item.get_absolute_url(),
        title=title,
        cancel_url=plan.get_absolute_url(),
        context={"plan": plan, "invite_url": reverse("plans:invite", args=[plan.pk])},
    )


def edit_page(
    request: HttpRequest, item: PlanItem, *, form_class: type[forms.ModelForm], change: Change
) -> HttpResponse:
    """Change the item with the app's `change` service (the item given); a newer save shows the conflict page."""
    kwargs = {"plan": item.plan, "instance": item}
    form = form_class(request.POST or None, leads=leads_of(item), **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        try:
            change(by=request.user, expected_version=form.cleaned_data["version"] or 0, **form.changes())
        except StaleEdit as stale:
            kwargs["instance"] = stale.current
            return _conflict(request, form, stale.current, "changed")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{item.words.message} saved")
            return redirect(item)
    context = {
        "form": form,
        "plan": item.plan,
        "title": f"Change {item.words.label}",
        "cancel_url": item.get_absolute_url(),
        "invite_url": f"{reverse('plans:invite', args=[item.plan_id])}?{item.noun}={item.pk}",
    }
    return render(request, "core/form_page.html", context)


def _described(item: PlanItem) -> dict[str, str]:
    """How the confirmation pages name the item."""
    words = item.words
    return {"noun": item.noun, "label": words.label, "caption": words.caption, "name": words.heading}


def withdraw_or_reinstate(request: HttpRequest, item: PlanItem, *, withdraw: Change, reinstate: Change) -> HttpResponse:
    """Confirm, then withdraw the item (or reinstate it if it is withdrawn)."""
    label = item.words.message
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            if item.is_withdrawn:
                reinstate(by=request.user, expected_version=version)
                messages.success(request, f"{label} reinstated")
            else:
                withdraw(by=request.user, expected_version=version)
                messages.success(request, f"{label} withdrawn")
        except StaleEdit:
            messages.warning(request, f"{label} changed while you were deciding: check it again")
        return redirect(item)
    verb = "Reinstate" if item.is_withdrawn else "Withdraw"
    context = {"form": form, "item": item, "plan": item.plan, "verb": verb, **_described(item)}
    return render(request, "core/confirm_withdraw.html", context)


def confirm_delete(request: HttpRequest, item: PlanItem, *, delete: Change) -> HttpResponse:
    """Confirm, then delete an item nobody has reported on; one with status updates is offered withdrawal instead."""
    label = item.words.message
    has_updates = item.status_updates.exists()
    form = ConfirmForm(request.POST or None, initial={"version": item.version})
    if request.method == "POST" and form.is_valid() and not has_updates:
        try:
            delete(by=request.user, expected_version=form.cleaned_data["version"])
        except (StaleEdit, ValidationError):
            messages.warning(request, f"{label} changed while you were deciding: check it again")
            return redirect(item)
        messages.success(request, f"{label} deleted")
        return redirect(item.plan_url)
    context = {"form": form, "item": item, "plan": item.plan, "has_updates": has_updates, **_described(item)}
    context["withdraw_url"] = reverse(f"{item._meta.app_label}:withdraw", args=[item.pk])
    return render(request, "core/confirm_delete.html", context)


def evidence_download(
    request: HttpRequest, pk: int, *, model: type[StatusUpdateBase], get_item: Callable[..., PlanItem]
) -> FileResponse:
    """The evidence of a status update, to whoever may see its item (`get_item`, the app's access function)."""
    item_id = f"{item_key(model)}_id"
    update = get_object_or_404(model.objects.only("pk", item_id, "evidence"), pk=pk)
    get_item(request.user, getattr(update, item_id))
    return evidence.download(update.evidence)
