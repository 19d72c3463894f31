from collections.abc import Callable

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.decorators.csp import csp_override

from core import views as core_views
from core.forms import SignInForm

# The admin signs in through the service's own sign-in page, so there is one sign-in to secure and test.
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "Prevent delivery plan tracker administration"


def _admin_view(view: Callable, cacheable: bool = False, *, wrap: Callable = admin.site.admin_view) -> Callable:
    """Every view of the admin (its models', the history's, guardian's) answers with the admin's policy."""
    return csp_override(settings.SECURE_CSP_ADMIN)(wrap(view, cacheable))


admin.site.admin_view = _admin_view

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", core_views.accessibility_statement, name="accessibility"),
    path("admin/", admin.site.urls),
    path("", include("plans.urls")),
    path("", include("actions.urls")),
    path("", include("objectives.urls")),
    path("", include("projects.urls")),
    path("", include("peer_review.urls")),
]
