from django.urls import path, register_converter

from . import views_publication


class FinancialYearConverter:
    """A financial year as plans store it ("2018-19"). Anything else in the public address (a NUL byte, which
    PostgreSQL refuses in a query) is "Page not found" before any query is made."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FinancialYearConverter, "financial_year")

urlpatterns = [
    path("plans/<int:pk>/publish/", views_publication.plan_publish, name="publish"),
    path("plans/<int:pk>/publish/preview/", views_publication.plan_publish_preview, name="publish_preview"),
    path("published/<slug:council>/<financial_year:year>/", views_publication.plan_published, name="published"),
    path(
        "published/<slug:council>/<financial_year:year>.pdf", views_publication.plan_published_pdf, name="published_pdf"
    ),
]
