import logging
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from .forms import PasswordChangeForm
from .middleware import stay_signed_in
from .security import log_event


@require_POST
def session_extend(request: HttpRequest) -> HttpResponse:
    """The warning's button to stay signed in, before an idle session ends: the session starts its idle time again.
    A session already ended never gets here (SessionTimeoutMiddleware signs it out and the sign-in page answers)."""
    stay_signed_in(request.session)
    return HttpResponse(status=204)


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's password change (which keeps this session and ends the user's others) with the GOV.UK form."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("plans:home")
    success_message = "Your password has been changed. You have been signed out on every other device."
    http_method_names = ["get", "post"]
    extra_context = {"title": "Change your password", "cancel_url": reverse_lazy("plans:home")}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        log_event("password_changed", request=self.request, level=logging.INFO)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.extra_context["title"]  # PasswordContextMixin would put Django's own title
        return context
