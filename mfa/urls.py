from django.urls import path

from . import views

app_name = "mfa"

urlpatterns = [
    path("", views.account, name="account"),
    path("code/", views.verify, name="verify"),
    path("recovery-code/", views.recovery, name="recovery"),
    path("set-up/", views.set_up, name="set_up"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
