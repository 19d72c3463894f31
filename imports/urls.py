from django.urls import path, re_path

from . import views_imports, views_rollover

urlpatterns = [
    path("plans/<int:pk>/rollover/", views_rollover.plan_rollover, name="rollover"),
    path("plans/<int:pk>/import/", views_imports.plan_import, name="import"),
    path("imports/<int:pk>/", views_imports.import_preview, name="import_preview"),
    re_path(r"^plans/import-template\.(?P<extension>csv|xlsx)$", views_imports.import_template, name="import_template"),
]
