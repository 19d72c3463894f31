"""The coordinator's import of objectives and actions from a spreadsheet into a draft plan."""

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import BaseForm

from . import imports
from .access import get_plan_for_user
from .exports import EXPORT_COLUMNS, PLAN_COLUMNS, export_response
from .models import DeliveryPlan


class ImportForm(BaseForm):
    submit_label = "Import"

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
        if not result.problems:
            imports.check(plan, result)
        if result.problems:
            problems = result.problems
            form.add_error("file", "The selected file has problems, listed above: nothing has been imported")
        else:
            count = imports.import_rows(plan=plan, result=result, by=request.user)
            messages.success(request, f"{count} action{'s' if count != 1 else ''} imported into {plan.title}")
            return redirect(plan)
    context = {
        "form": form,
        "plan": plan,
        "problems": problems[: imports.SHOWN_ERRORS],
        "more_problems": max(0, len(problems) - imports.SHOWN_ERRORS),
        "columns": PLAN_COLUMNS,
    }
    return render(request, "plans/import.html", context, status=200)


@require_GET
def import_template(request: HttpRequest, extension: str) -> HttpResponse:
    """The columns of the plan export, with no rows: what an import expects."""
    return export_response(extension, f"prevent-plan-import-template.{extension}", "Plan", EXPORT_COLUMNS, [])
