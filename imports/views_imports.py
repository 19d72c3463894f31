"""The coordinator's import of objectives and actions from a spreadsheet into a draft plan: upload, preview, confirm."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import BaseForm
from plans.access import get_plan_for_user, get_staged_import_for_user
from plans.models import DeliveryPlan
from records.exports import XLSX_TYPE, export_response
from snapshots.plan_columns import EXPORT_COLUMNS, PLAN_COLUMNS

from . import import_changes, imports
from .import_template import template_xlsx


class ImportForm(BaseForm):
    submit_label = "Upload and preview"

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8 or Windows-1252) or Excel (.xlsx) file with the plan's columns, smaller than 5MB",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> UploadedFile:
        # Known from the upload itself, before a byte of the file is read into memory.
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        return upload


class ConfirmForm(forms.Form):
    # The plan as the preview saw it: confirming writes only if the plan is still the same.
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _problems_context(problems: list[imports.ImportProblem]) -> dict:
    return {
        "problems": problems[: imports.SHOWN_ERRORS],
        "more_problems": max(0, len(problems) - imports.SHOWN_ERRORS),
    }


@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[imports.ImportProblem] = []
    if plan.status != DeliveryPlan.Status.DRAFT:
        form = None
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = imports.read_rows(upload, upload.name)
        if import_changes.checked(plan=plan, result=result) is None:
            problems = result.problems
            form.add_error("file", "The selected file has problems, listed above: nothing has been imported")
        else:
            staged = import_changes.staged_import_create(plan=plan, user=request.user, upload=upload)
            return redirect("plans:import_preview", staged.pk)
    context = {"form": form, "plan": plan, "columns": PLAN_COLUMNS, **_problems_context(problems)}
    return render(request, "plans/import.html", context)


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the uploaded file would create and change; confirming writes it all, or nothing if the plan changed."""
    staged = get_staged_import_for_user(request.user, pk)
    plan = staged.plan
    if request.method == "POST" and "cancel" in request.POST:
        staged.delete()
        messages.info(request, "The import was cancelled: nothing has been imported")
        return redirect(plan)
    context: dict = {"plan": plan, "staged": staged, "draft": plan.status == DeliveryPlan.Status.DRAFT}
    if not context["draft"]:
        return render(request, "plans/import_preview.html", context)
    result = import_changes.staged_rows(staged)
    finder = import_changes.checked(plan=plan, result=result)
    if finder is None:  # the plan changed since the upload in a way the file no longer fits
        return render(request, "plans/import_preview.html", {**context, **_problems_context(result.problems)})
    form = ConfirmForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise import_changes.StalePreview
            done = import_changes.import_confirm(
                plan=plan, result=result, finder=finder, fingerprint=form.cleaned_data["fingerprint"], by=request.user
            )
        except import_changes.StalePreview:
            context["stale"] = True
        except ValidationError as error:
            context["failure"] = " ".join(error.messages)
        else:
            staged.delete()
            created, changed = len(done.created), len(done.changed)
            messages.success(
                request,
                f"Imported into {plan.title}: {created} action{'s' if created != 1 else ''} created, {changed} changed",
            )
            return redirect(plan)
    preview = import_changes.preview_import(plan=plan, result=result, finder=finder)
    context.update(preview=preview, form=ConfirmForm(initial={"fingerprint": preview.fingerprint}))
    return render(request, "plans/import_preview.html", context)


@require_GET
def import_template(request: HttpRequest, extension: str) -> HttpResponse:
    """What an import expects: the plan export's columns; in Excel with an example row and a guidance sheet too."""
    name = f"prevent-plan-import-template.{extension}"
    if extension == "csv":
        return export_response(extension, name, "Plan", EXPORT_COLUMNS, [])
    response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
