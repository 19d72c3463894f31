from django.urls import path

from . import views, views_landing

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views_landing.start, name="start"),
    path("my-actions/", views_landing.my_actions, name="mine"),
    path("councils/<slug:slug>/attention/", views_landing.council_attention_page, name="attention"),
    path("plans/<int:pk>/search/", views_landing.plan_search_page, name="search"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
]
