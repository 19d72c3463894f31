from django.urls import path

from . import views

app_name = "peer_review"

urlpatterns = [
    path("reviews/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
]
