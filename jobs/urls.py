from django.urls import path

from . import views_jobs

app_name = "jobs"

urlpatterns = [
    path("jobs/<uuid:pk>/", views_jobs.job, name="job"),
    path("jobs/<uuid:pk>/progress/", views_jobs.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/download/", views_jobs.job_download, name="job_download"),
]
