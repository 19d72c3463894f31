from django.urls import path

from . import views

app_name = "objectives"

urlpatterns = [
    path("plans/<int:plan_pk>/objectives/new/", views.objective_create, name="create"),
    path("objectives/<int:pk>/edit/", views.objective_edit, name="edit"),
    path("objectives/<int:pk>/delete/", views.objective_delete, name="delete"),
]
