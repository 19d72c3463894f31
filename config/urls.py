from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csp import csp_override

import auditing.urls
import board.urls
import imports.urls
import overview.urls
import people.urls
import plans.urls
import publication.urls
import records.urls
from core import health
from core import views as core_views
from core.forms import SignInForm
from core.ratelimit import anonymous_rate_limit
from mfa.middleware import mfa_exempt

# The admin signs in through the service's own sign-in page, so there is one sign-in to secure and test.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Prevent delivery plan tracker administration"


def _superusers_only(request: HttpRequest) -> bool:
    # Daily work (people, roles, leads) has the service's own pages; the admin is the superusers' tool only, so a
    # staff flag given by mistake opens nothing.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only


def _admin_view(view: Callable, cacheable: bool = False, *, wrap: Callable = admin.site.admin_view) -> Callable:
    """Every view of the admin (its models', the history's, guardian's) answers with the admin's policy, and
    refuses anyone signed in who is not a superuser (rather than offering them the admin's sign-in again)."""
    wrapped = csp_override(settings.SECURE_CSP_ADMIN)(wrap(view, cacheable))

    @wraps(wrapped)
    def refuse_others(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not _superusers_only(request):
            raise PermissionDenied
        return wrapped(request, *args, **kwargs)

    return refuse_others


admin.site.admin_view = _admin_view

# The pages of a plan and its council, whichever app makes them, keep one namespace: their names ("plans:dashboard")
# are in every template and link, and say what a page is, not which app holds its code.
PLAN_PAGES = [
    *overview.urls.urlpatterns,
    *plans.urls.urlpatterns,
    *people.urls.urlpatterns,
    *imports.urls.urlpatterns,
    *records.urls.urlpatterns,
    *auditing.urls.urlpatterns,
    *publication.urls.urlpatterns,
    *board.urls.urlpatterns,
]

urlpatterns = [
    path(
        "accounts/login/",
        anonymous_rate_limit("sign_in")(
            auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm)
        ),
        name="login",
    ),
    # Signing out works before the second factor: someone who cannot give it can still leave.
    path("accounts/logout/", mfa_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/two-factor/", include("mfa.urls")),
    path("accounts/password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/session/extend/", core_views.session_extend, name="session_extend"),
    path("accessibility/", core_views.accessibility_statement, name="accessibility"),
    # For load balancers and monitoring (core/health.py); on the anonymous allow-list.
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include("jobs.urls")),
    path("", include((PLAN_PAGES, "plans"))),
    path("", include("actions.urls")),
    path("", include("objectives.urls")),
    path("", include("projects.urls")),
    path("", include("peer_review.urls")),
]
