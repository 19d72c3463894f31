from django.urls import path

from . import views_board, views_dashboard, views_meetings

urlpatterns = [
    path("councils/<slug:slug>/board/", views_meetings.programme_board, name="programme_board"),
    path("councils/<slug:slug>/board/edit/", views_meetings.programme_board_edit, name="programme_board_edit"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views_meetings.attendance_add, name="attendance_add"),
    path("attendance/<int:pk>/remove/", views_meetings.attendance_remove, name="attendance_remove"),
    path("meetings/<int:pk>/actions-arising/", views_meetings.action_arising_add, name="action_arising_add"),
    path("actions-arising/<int:pk>/done/", views_meetings.action_arising_done, name="action_arising_done"),
    path("plans/<int:pk>/dashboard/", views_dashboard.plan_dashboard, name="dashboard"),
    path("plans/<int:pk>/update-requests/", views_board.update_requests, name="update_requests"),
    path("meetings/<int:pk>/pack/", views_board.board_pack, name="board_pack"),
    path("meetings/<int:pk>/pack.pdf", views_board.board_pack_pdf, name="board_pack_pdf"),
]
