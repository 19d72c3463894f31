from django.urls import path, re_path, register_converter

from core import views_audit

from . import (
    views,
    views_board,
    views_dashboard,
    views_editing,
    views_exports,
    views_history,
    views_imports,
    views_landing,
    views_meetings,
    views_members,
    views_people,
    views_publication,
)


class FinancialYearConverter:
    """A financial year as plans store it ("2018-19"). Anything else in the public address (a NUL byte, which
    PostgreSQL refuses in a query) is "Page not found" before any query is made."""

    regex = "[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FinancialYearConverter, "financial_year")

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views_landing.start, name="start"),
    path("councils/<slug:slug>/attention/", views_landing.council_attention_page, name="attention"),
    path("plans/<int:pk>/search/", views_landing.plan_search_page, name="search"),
    path("plans/<int:pk>/", views.plan_detail, name="detail"),
    path("councils/<slug:slug>/plans/new/", views_people.plan_create, name="create"),
    path("plans/<int:pk>/invite/", views_people.lead_invite, name="invite"),
    path("invitations/<int:pk>/resend/", views_people.invitation_resend, name="invitation_resend"),
    path("invitations/<str:uidb64>/<str:token>/", views_people.invitation_accept, name="invitation_accept"),
    path("plans/<int:pk>/edit/", views_editing.plan_edit, name="edit"),
    path("plans/<int:pk>/rollover/", views_editing.plan_rollover, name="rollover"),
    path("plans/<int:pk>/import/", views_imports.plan_import, name="import"),
    path("imports/<int:pk>/", views_imports.import_preview, name="import_preview"),
    re_path(r"^plans/import-template\.(?P<extension>csv|xlsx)$", views_imports.import_template, name="import_template"),
    path("plans/<int:pk>/meetings/", views_editing.meeting_list, name="meetings"),
    path("plans/<int:pk>/history/", views_history.plan_history, name="history"),
    path("plans/<int:pk>/as-at/", views_history.plan_as_at, name="as_at"),
    path("plans/<int:pk>/as-at.<str:fmt>", views_exports.export_as_at, name="export_as_at"),
    path("plans/<int:pk>/history.<str:fmt>", views_exports.export_history, name="export_history"),
    path("councils/<slug:slug>/history.<str:fmt>", views_exports.export_council_history, name="export_council_history"),
    path("audit/", views_audit.audit, name="audit"),
    path("plans/<int:pk>/publish/", views_publication.plan_publish, name="publish"),
    path("plans/<int:pk>/publish/preview/", views_publication.plan_publish_preview, name="publish_preview"),
    path("published/<slug:council>/<financial_year:year>/", views_publication.plan_published, name="published"),
    path(
        "published/<slug:council>/<financial_year:year>.pdf", views_publication.plan_published_pdf, name="published_pdf"
    ),
    path("meetings/<int:pk>/edit/", views_editing.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views_editing.meeting_delete, name="meeting_delete"),
    path("councils/<slug:slug>/board/", views_meetings.programme_board, name="programme_board"),
    path("councils/<slug:slug>/people/", views_members.council_people, name="people"),
    path("roles/<int:pk>/remove/", views_members.membership_remove, name="membership_remove"),
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
