"""Every response carries the Content-Security-Policy and the Permissions-Policy; nothing a signed-in person
receives (page, export, evidence) may be stored by a cache, while public pages and static files keep theirs."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import get_resolver, reverse

from core.headers import permissions_policy
from core.models import Job
from plans.models import ActionArising, BoardMeeting, DeliveryPlan, MeetingAttendance, Role
from publication.services import plan_publish
from tests import factories as f
from tests.url_walk import concrete_path, walk
from tests.worker import run_worker

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
REFUSED_FEATURES = ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]


@pytest.fixture
def objects(world, coordinator, settings, tmp_path, signed_in):
    """Real objects behind every URL: a meeting, status updates with evidence, the plan published publicly."""
    settings.MEDIA_ROOT = tmp_path
    update, project_update = f.evidenced_updates(world.action, world.project, by=coordinator, media_root=tmp_path)
    world.plan.refresh_from_db()
    plan = plan_publish(plan=world.plan, public=True, by=coordinator, expected_version=world.plan.version)
    meeting = BoardMeeting.objects.create(plan=plan, date="2018-11-12")
    attendance = MeetingAttendance.objects.create(meeting=meeting, name="A. Chair")
    arising = ActionArising.objects.create(meeting=meeting, description="Circulate the figures", owner="Co-ordinator")
    # The coordinator's council export, prepared by a worker (the asking is a POST).
    with TestCase.captureOnCommitCallbacks(execute=True):
        signed_in(coordinator).post(reverse("plans:export_council_history", args=[plan.council.slug, "csv"]))
    run_worker()
    membership = f.make_member(f.make_user("second-board"), world.council, Role.BOARD)
    return {
        "membership": membership,
        "job": Job.objects.get(),
        "meeting": meeting,
        "update": update,
        "project_update": project_update,
        "plan": plan,
        "attendance": attendance,
        "arising": arising,
    }


# Every URL name of the service, with the arguments of a real object, for a GET by the coordinator.
def arguments(world, objects) -> dict[str, list]:
    plan, meeting = objects["plan"], objects["meeting"]
    return {
        "login": [],
        "logout": None,  # sign-out is a POST, checked on its own below
        "session_extend": None,  # "Stay signed in" is a POST, checked on its own below
        "accessibility": [],
        "health": [],
        "plans:home": [],
        "plans:detail": [plan.pk],
        "plans:edit": [plan.pk],
        "plans:rollover": [plan.pk],
        "plans:import": [plan.pk],
        "plans:import_template": ["csv"],
        "plans:meetings": [plan.pk],
        "plans:history": [plan.pk],
        "plans:as_at": [plan.pk],
        "plans:export_as_at": [plan.pk, "csv"],
        "plans:export_history": [plan.pk, "xlsx"],
        "plans:export_council_history": None,  # a POST, which queues the export: tests/plans/test_export_history.py
        "jobs:job": [objects["job"].pk],
        "jobs:job_progress": [objects["job"].pk],
        "jobs:job_download": [objects["job"].pk],
        "plans:audit": None,  # for auditors: checked on its own below
        "plans:publish": [plan.pk],
        "plans:publish_preview": [plan.pk],
        "plans:published": [plan.council.slug, plan.year],
        "plans:published_pdf": [plan.council.slug, plan.year],
        "plans:meeting_edit": [meeting.pk],
        "plans:meeting_delete": [meeting.pk],
        "plans:dashboard": [plan.pk],
        "plans:start": [],  # a redirect to the coordinator's page: the redirect carries the headers
        "plans:attention": [plan.council.slug],
        "plans:search": [plan.pk],
        "plans:update_requests": [plan.pk],
        "plans:board_pack": [meeting.pk],
        "plans:board_pack_pdf": [meeting.pk],
        "plans:programme_board": [plan.council.slug],
        "plans:programme_board_edit": [plan.council.slug],
        "plans:people": [plan.council.slug],
        "plans:membership_remove": [objects["membership"].pk],
        "plans:meeting": [meeting.pk],
        "plans:attendance_add": [meeting.pk],
        "plans:attendance_remove": [objects["attendance"].pk],
        "plans:action_arising_add": [meeting.pk],
        "plans:action_arising_done": [objects["arising"].pk],
        "password_change": [],
        "mfa:account": [],
        "mfa:set_up": [],
        # Someone with no authenticator app is sent on from these (tests/mfa); the redirect carries the headers.
        "mfa:verify": [],
        "mfa:recovery": [],
        "mfa:recovery_codes": [],
        "plans:create": [plan.council.slug],
        "plans:invite": [plan.pk],
        "plans:invitation_resend": None,  # a POST
        "plans:import_preview": None,  # a file the coordinator staged: tests/plans/test_import_preview.py
        "plans:invitation_accept": None,  # needs an invitation's token: tests/plans/test_invitations.py
        "actions:detail": [world.action.pk],
        "actions:update_status": [world.action.pk],
        "actions:edit": [world.action.pk],
        "actions:withdraw": [world.action.pk],
        "actions:delete": [world.other_action.pk],
        "actions:evidence": [objects["update"].pk],
        "actions:create": [plan.pk],
        "plans:mine": [],
        "objectives:create": [plan.pk],
        "objectives:edit": [world.action.objective_id],
        "objectives:delete": [world.action.objective_id],
        "projects:detail": [world.project.pk],
        "projects:update_status": [world.project.pk],
        "projects:edit": [world.project.pk],
        "projects:withdraw": [world.project.pk],
        "projects:delete": [world.project.pk],
        "projects:evidence": [objects["project_update"].pk],
        "projects:create": [plan.pk],
        "peer_review:review_create": [plan.pk],
        "peer_review:review": [world.recommendation.review_id],
        "peer_review:review_edit": [world.recommendation.review_id],
        "peer_review:recommendation_create": [world.recommendation.review_id],
        "peer_review:recommendation": [world.recommendation.pk],
        "peer_review:recommendation_edit": [world.recommendation.pk],
        "peer_review:recommendation_delete": [world.unanswered.pk],
    }


REDIRECTS = {"mfa:verify", "mfa:recovery", "mfa:recovery_codes", "plans:start"}
ROUTES = list(walk(get_resolver().url_patterns))
SERVICE_NAMES = sorted({name for _, name, _ in ROUTES if not name.startswith("admin:")})
ADMIN_PATHS = sorted({concrete_path(route) for route, name, _ in ROUTES if name.startswith("admin:")})


def assert_policies(response, what: str) -> None:
    assert response["Content-Security-Policy"] == POLICY, what
    for feature in REFUSED_FEATURES:
        assert feature in response["Permissions-Policy"].split(", "), what


def test_every_url_of_the_service_is_checked_here(world, objects):
    """A new view must be given real arguments above, so its headers are checked too."""
    assert set(SERVICE_NAMES) == set(arguments(world, objects))


def test_every_page_and_download_carries_the_policies_and_is_never_stored(world, objects, coordinator, signed_in):
    client = signed_in(coordinator)
    checked = 0
    for name, args in arguments(world, objects).items():
        if args is None:
            continue
        response = client.get(reverse(name, args=args))
        expected = 302 if name in REDIRECTS else 200  # a real page or download of a real object
        assert response.status_code == expected, name
        assert_policies(response, name)
        assert response["Cache-Control"] == "no-store", name
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        checked += 1
    assert checked == len(SERVICE_NAMES) - sum(args is None for args in arguments(world, objects).values())


def test_exports_and_evidence_are_never_stored_even_for_the_auditor(world, objects, auditor, signed_in):
    client = signed_in(auditor)
    for name, args in [
        ("plans:audit", []),
        ("plans:export_as_at", [objects["plan"].pk, "xlsx"]),
        ("plans:export_history", [objects["plan"].pk, "csv"]),
        ("jobs:job_download", None),
        ("plans:board_pack_pdf", [objects["meeting"].pk]),
        ("actions:evidence", [objects["update"].pk]),
        ("projects:evidence", [objects["project_update"].pk]),
    ]:
        if args is None:  # the auditor's own council export
            with TestCase.captureOnCommitCallbacks(execute=True):
                asked = client.post(
                    reverse("plans:export_council_history", args=[objects["plan"].council.slug, "xlsx"])
                )
            assert_policies(asked, "plans:export_council_history")
            run_worker()
            args = [Job.objects.get(started_by=auditor).pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_policies(response, name)
        assert response["Cache-Control"] == "no-store", name


def test_refusals_errors_and_sign_out_carry_the_policies_too(world, objects, coordinator, board, outsider, signed_in):
    responses = {
        "403": signed_in(board).post(reverse("plans:edit", args=[world.plan.pk]), {"title": "x"}),
        "404": signed_in(outsider).get(reverse("plans:detail", args=[world.plan.pk])),
        "405": signed_in(coordinator).put(reverse("plans:detail", args=[world.plan.pk])),
        "form error": signed_in(coordinator).post(reverse("objectives:create", args=[world.plan.pk]), {"title": ""}),
        "stay signed in": signed_in(coordinator).post(reverse("session_extend")),
        "sign-out": signed_in(coordinator).post(reverse("logout")),
    }
    assert [response.status_code for response in responses.values()] == [403, 404, 405, 200, 204, 302]
    for what, response in responses.items():
        assert_policies(response, what)
        assert response["Cache-Control"] == "no-store", what


def test_anonymous_visitors_get_the_policies_and_public_pages_keep_their_caching(objects, signed_in):
    client = signed_in(None)
    for name, args in [
        ("plans:published", [objects["plan"].council.slug, objects["plan"].year]),
        ("plans:published_pdf", [objects["plan"].council.slug, objects["plan"].year]),
        ("accessibility", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_policies(response, name)
        assert "no-store" not in response.get("Cache-Control", ""), name
    # A page that needs sign-in sends the visitor there, with the policies.
    assert_policies(client.get(reverse("plans:home")), "sign-in redirect")


def test_static_files_keep_their_caching_for_signed_in_people(coordinator, signed_in, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ as in development; read when the client starts
    settings.WHITENOISE_MAX_AGE = 3600
    response = signed_in(coordinator).get("/static/app/init.js")
    assert response.status_code == 200
    assert b"initAll()" in b"".join(response.streaming_content)
    assert response["Cache-Control"] == "max-age=3600, public"
    assert_policies(response, "static file")


def real_admin_path(path: str, admin) -> str:
    """The walk's admin path with real ids in place of its placeholders: the object, its history, a user, a group."""
    parts = path.strip("/").split("/")
    if parts[:2] == ["admin", "r"]:  # "view on site": a content type and an object
        plan = DeliveryPlan.objects.first()
        parts[2:4] = [str(ContentType.objects.get_for_model(plan).pk), str(plan.pk)]
    elif len(parts) > 3 and parts[3] == "x":
        instance = apps.get_model(parts[1], parts[2]).objects.order_by("pk").first()
        if instance is None:  # nothing of that kind yet (sign-in attempts, authenticator apps): the admin redirects
            return (
                "/" + "/".join([*parts[:3], "0", *parts[4:]]).replace("/x", "/0") + ("/" if path.endswith("/") else "")
            )
        parts[3] = str(instance.pk)
        if parts[4:6] == ["history", "x"]:
            parts[5] = str(instance.history.order_by("history_id").first().history_id)
        elif parts[4:6] == ["permissions", "user-manage"]:
            parts[6] = str(admin.pk)
        elif parts[4:6] == ["permissions", "group-manage"]:
            parts[6] = str(Group.objects.get_or_create(name="Partners")[0].pk)
    return "/" + "/".join(parts) + ("/" if path.endswith("/") else "")


def test_admin_pages_carry_the_policies_with_only_a_nonce_added(world, objects, signed_in):
    admin = f.make_user("admin", is_staff=True, is_superuser=True)
    Group.objects.get_or_create(name="Partners")
    client = signed_in(admin)
    for path in ADMIN_PATHS:
        response = client.get(real_admin_path(path, admin))
        # 403: adding or deleting append-only rows; 405: sign-out by GET; 404: the admin's catch-all.
        assert response.status_code in {200, 302, 403, 404, 405}, path
        policy = response["Content-Security-Policy"]
        # Django's admin marks its own <script> and <style> tags with the request's nonce, and two styles of its
        # third-party pages are allowed by their hashes; nothing else is loosened.
        policy = re.sub(r" 'nonce-[^']+'", "", policy)
        assert re.sub(r" 'unsafe-hashes'( 'sha256-[^']+')+", "", policy) == POLICY, path
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert "usb=()" in response["Permissions-Policy"]
        assert response["Cache-Control"] == "no-store", path
    assert len(ADMIN_PATHS) > 90


def test_the_permissions_policy_names_each_feature_and_its_allowed_origins():
    policy = {"camera": [], "fullscreen": ["self"], "geolocation": ["self", "https://maps.example.gov.uk"]}
    assert (
        permissions_policy(policy) == 'camera=(), fullscreen=(self), geolocation=(self "https://maps.example.gov.uk")'
    )
