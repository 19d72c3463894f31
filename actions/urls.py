from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/status/", views.action_update_status, name="update_status"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path("actions/<int:pk>/withdraw/", views.action_withdraw, name="withdraw"),
    path("actions/<int:pk>/delete/", views.action_delete, name="delete"),
    path("actions/updates/<int:pk>/evidence/", views.status_update_evidence, name="evidence"),
    path("plans/<int:plan_pk>/actions/new/", views.action_create, name="create"),
]
