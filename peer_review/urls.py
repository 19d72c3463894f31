from django.urls import path

from . import views

app_name = "peer_review"

urlpatterns = [
    path("plans/<int:plan_pk>/reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:review_pk>/recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("reviews/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("reviews/recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("reviews/recommendations/<int:pk>/delete/", views.recommendation_delete, name="recommendation_delete"),
]
