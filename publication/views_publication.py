"""Publishing the redacted plan: the coordinator's preview and confirmation, and the published version itself."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import BaseForm
from core.ratelimit import anonymous_rate_limit
from core.versioning import StaleEdit
from plans.access import get_plan_for_user, get_published_plan

from . import publication, services
from .publication import published_plan, withheld_items


class PublishForm(BaseForm):
    submit_label = "Publish this version"

    version = forms.IntegerField(widget=forms.HiddenInput)
    public = forms.BooleanField(
        label="Anyone may read the published version at its public address, without signing in",
        required=False,
    )


@require_http_methods(["GET", "POST"])
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """What will be published against the working plan, side by side, before the coordinator confirms."""
    plan = get_plan_for_user(request.user, pk, write=True)
    form = PublishForm(request.POST or None, initial={"version": plan.version, "public": plan.public})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_publish(
                plan=plan,
                public=form.cleaned_data["public"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            messages.warning(request, "The plan changed while you were checking it: check the preview again")
            return redirect("plans:publish", pk=plan.pk)
        messages.success(request, f"{plan.title} published")
        return redirect("plans:publish", pk=plan.pk)
    context = {"plan": plan, "form": form, "withheld": withheld_items(plan), "can_edit": True}
    return render(request, "plans/publish.html", context)


@require_GET
def plan_publish_preview(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    return render(request, "plans/published.html", {"plan": plan, "document": published_plan(plan, None)})


@login_not_required
@anonymous_rate_limit("published")
@require_GET
def plan_published(request: HttpRequest, council: str, year: str) -> HttpResponse:
    """The published version: the only page an anonymous visitor can read, and only when the plan is public."""
    plan = get_published_plan(request.user, council, year)
    return render(request, "plans/published.html", {"plan": plan, "document": published_plan(plan, plan.published_at)})


@login_not_required
@anonymous_rate_limit("published_pdf")
@require_GET
def plan_published_pdf(request: HttpRequest, council: str, year: str) -> HttpResponse:
    plan = get_published_plan(request.user, council, year)
    response = HttpResponse(publication.published_pdf(plan=plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{plan.council.slug}-prevent-plan-{plan.year}.pdf"'
    return response
