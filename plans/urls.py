from django.urls import path

from . import views, views_editing

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", views_editing.plan_edit, name="edit"),
    path("plans/<int:pk>/rollover/", views_editing.plan_rollover, name="rollover"),
    path("plans/<int:pk>/meetings/", views_editing.meeting_list, name="meetings"),
    path("meetings/<int:pk>/edit/", views_editing.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views_editing.meeting_delete, name="meeting_delete"),
]
