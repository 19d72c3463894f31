from django.urls import path

from . import views_exports, views_history

urlpatterns = [
    path("plans/<int:pk>/history/", views_history.plan_history, name="history"),
    path("plans/<int:pk>/as-at/", views_history.plan_as_at, name="as_at"),
    path("plans/<int:pk>/as-at.<str:fmt>", views_exports.export_as_at, name="export_as_at"),
    path("plans/<int:pk>/history.<str:fmt>", views_exports.export_history, name="export_history"),
    path("councils/<slug:slug>/history.<str:fmt>", views_exports.export_council_history, name="export_council_history"),
]
