from django.urls import path

from . import views_members, views_people

urlpatterns = [
    path("councils/<slug:slug>/plans/new/", views_people.plan_create, name="create"),
    path("plans/<int:pk>/invite/", views_people.lead_invite, name="invite"),
    path("invitations/<int:pk>/resend/", views_people.invitation_resend, name="invitation_resend"),
    path("invitations/<str:uidb64>/<str:token>/", views_people.invitation_accept, name="invitation_accept"),
    path("councils/<slug:slug>/people/", views_members.council_people, name="people"),
    path("roles/<int:pk>/remove/", views_members.membership_remove, name="membership_remove"),
]
