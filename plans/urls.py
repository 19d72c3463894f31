"""The plan's own pages: editing it and its Board meetings. config/urls.py puts these and the whole-plan features'
pages (board, records, publication, imports, overview, people) under one namespace, "plans"."""

from django.urls import path

from . import views_editing

urlpatterns = [
    path("plans/<int:pk>/edit/", views_editing.plan_edit, name="edit"),
    path("plans/<int:pk>/meetings/", views_editing.meeting_list, name="meetings"),
    path("meetings/<int:pk>/edit/", views_editing.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views_editing.meeting_delete, name="meeting_delete"),
]
