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
from core.status_form import TIMELINE_PER_PAGE
from core.versioning import StaleEdit
from plans.access import can_edit_plan, get_plan_for_user

from . import services
from .access import can_update_status, get_project_for_status_update, get_project_for_user
from .forms import ProjectForm, ProjectStatusForm
from .models import CommissionedProject, OutputTarget, ProjectStatusUpdate


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk)
    context = {
        "project": project,
        "plan": project.plan,
        "objectives": project.objectives.order_by("number"),
        "output_targets": project.output_targets.all(),
        "timeline": queryset_page(project.status_updates.select_related("created_by"), request, TIMELINE_PER_PAGE),
        "can_update_status": can_update_status(request.user, project) and not project.is_withdrawn,
        "can_edit": can_edit_plan(request.user, project.plan),
    }
    return render(request, "projects/project_detail.html", context)


def _leads(project: CommissionedProject) -> list:
    return leads_of(project)


def _so_far(target: OutputTarget) -> str:
    return f"{target.delivered:,} of {target.target:,}" if target.target else f"{target.delivered:,}"


@require_http_methods(["GET", "POST"])
def project_update_status(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_status_update(request.user, pk)
    if project.is_withdrawn:
        raise PermissionDenied
    initial = {"version": project.version, "rag": project.rag, "as_of": timezone.localdate()}
    kwargs = {"targets": list(project.output_targets.all())}
    form = ProjectStatusForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    form.rebind_kwargs = {**kwargs, "submit_button": True}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with evidence.stored(data["evidence"], folder=f"evidence/projects/{project.pk}") as stored:
                services.project_update_status(
                    project=project,
                    rag=data["rag"],
                    commentary=data["commentary"],
                    as_of=data["as_of"],
                    evidence=stored,
                    deliveries=form.deliveries(),
                    by=request.user,
                    expected_version=data["version"],
                )
        except StaleEdit as stale:
            current = stale.current
            form.rebind_kwargs["targets"] = targets = list(current.output_targets.all())
            # An output added since the form opened starts at its current count rather than as a blank error.
            form.data = form.data.copy()
            for target in targets:
                form.data.setdefault(ProjectStatusForm.field_name(target), str(target.delivered))
            rows = status_rows(current) + [
                (f"Delivered so far: {target.description}", _so_far(target)) for target in targets
            ]
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title=f"{current.name} was updated after you opened this form",
                cancel_url=current.get_absolute_url(),
                lost_file=bool(data["evidence"]),
            )
        except evidence.EvidenceNotSaved:
            form.add_error("evidence", evidence.NOT_SAVED)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Status of {project.name} updated to {RAG(data['rag']).label}")
            return redirect(project)
    context = {"form": form, "project": project, "plan": project.plan}
    return render(request, "projects/status_form.html", context)


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_pk, write=True)
    form = ProjectForm(request.POST or None, plan=plan, instance=CommissionedProject(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                plan=plan,
                fields=form.project_fields(),
                objectives=list(form.cleaned_data["objectives"]),
                outputs=form.outputs,
                leads=form.cleaned_data["lead_usernames"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Project {project.name} added")
            return redirect(project)
    context = {
        "form": form,
        "plan": plan,
        "title": "Add a project",
        "cancel_url": plan.get_absolute_url(),
        "invite_url": reverse("plans:invite", args=[plan.pk]),
    }
    return render(request, "core/form_page.html", context)


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    kwargs = {"plan": project.plan, "instance": project}
    form = ProjectForm(request.POST or None, leads=_leads(project), **kwargs)
    form.rebind_kwargs = kwargs
    if request.method == "POST" and form.is_valid():
        try:
            services.project_change(
                project=project,
                fields=form.project_fields(),
                objectives=list(form.cleaned_data["objectives"]),
                outputs=form.outputs,
                leads=form.cleaned_data["lead_usernames"],
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except StaleEdit as stale:
            current = stale.current
            kwargs["instance"] = current
            rows = [
                (form.fields[name].label, str(getattr(current, name) or ""))
                for name in ("name", "provider", "description", "outcomes", "lead", "timescale")
            ]
            outputs = "\n".join(f"{target.description} ({_so_far(target)})" for target in current.output_targets.all())
            rows.append(("Outputs (delivered so far)", outputs or "None"))
            return conflict_response(
                request,
                form=form,
                current=current,
                rows=rows,
                title=f"{current.name} was changed after you opened this form",
                cancel_url=current.get_absolute_url(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Project {project.name} saved")
            return redirect(project)
    context = {
        "form": form,
        "plan": project.plan,
        "title": f"Change project: {project.name}",
        "cancel_url": project.get_absolute_url(),
        "invite_url": f"{reverse('plans:invite', args=[project.plan_id])}?project={project.pk}",
    }
    return render(request, "core/form_page.html", context)


def _described(project: CommissionedProject) -> dict[str, str]:
    """How the confirmation pages name the project."""
    return {
        "noun": "project",
        "label": f"project: {project.name}",
        "caption": "Commissioned project",
        "name": project.name,
    }


@require_http_methods(["GET", "POST"])
def project_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    return withdraw_or_reinstate(
        request,
        project,
        withdraw=partial(services.project_withdraw, project=project),
        reinstate=partial(services.project_reinstate, project=project),
        label=f"Project {project.name}",
        described=_described(project),
    )


@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, write=True)
    return confirm_delete(
        request,
        project,
        delete=partial(services.project_delete, project=project),
        label=f"Project {project.name}",
        described=_described(project),
        deleted_url=f"{project.plan.get_absolute_url()}#projects",
        withdraw_url=reverse("projects:withdraw", args=[project.pk]),
    )


@require_GET
def status_update_evidence(request: HttpRequest, pk: int) -> FileResponse:
    update = get_object_or_404(ProjectStatusUpdate.objects.only("pk", "project_id", "evidence"), pk=pk)
    # The same check as the project page: whoever may see the project may read its evidence; nobody else.
    get_project_for_user(request.user, update.project_id)
    return evidence.download(update.evidence)
