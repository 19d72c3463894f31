from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
]
