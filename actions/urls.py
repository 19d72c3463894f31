from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    *views.pages.urls(),
    path("my-actions/", views.my_actions, name="mine"),
]
