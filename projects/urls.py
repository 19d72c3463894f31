from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/status/", views.project_update_status, name="update_status"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/withdraw/", views.project_withdraw, name="withdraw"),
    path("projects/<int:pk>/delete/", views.project_delete, name="delete"),
    path("projects/updates/<int:pk>/evidence/", views.status_update_evidence, name="evidence"),
    path("plans/<int:plan_pk>/projects/new/", views.project_create, name="create"),
]
