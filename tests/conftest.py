"""Personas matching the demo roles, and a small plan world for them to act on.

World: council "here" with a plan (two objectives, three actions, a project, a review with two
recommendations, one answered); council "elsewhere" with its own plan and coordinator.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connections
from django.test import Client, TransactionTestCase
from django.utils import timezone

from actions.models import Action
from core import append_only
from core.models import Job
from peer_review.models import Recommendation
from plans.models import (
    ActionArising,
    BoardMeeting,
    Council,
    DeliveryPlan,
    Invitation,
    MeetingAttendance,
    Role,
    StagedImport,
)
from projects.models import CommissionedProject

from . import factories as f
from .worker import job_files, worker, worker_thread  # noqa: F401 - background workers, their files per test

_flush_between_tests = TransactionTestCase._fixture_teardown


def _flush_past_the_append_only_triggers(self: TransactionTestCase) -> None:
    """Tests that commit (browser, concurrency) empty the database afterwards: the only deletes the record allows."""
    for alias in self._databases_names(include_mirrors=False):
        append_only.remove(connections[alias])
    try:
        _flush_between_tests(self)
    finally:
        for alias in self._databases_names(include_mirrors=False):
            append_only.install(connections[alias])


TransactionTestCase._fixture_teardown = _flush_past_the_append_only_triggers


# The browser tests' Content-Security-Policy counts from each xdist worker, added up here in the controller.
WORKERS_CSP: dict = {"pages": 0, "paths": set(), "refused": 0}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    counts = getattr(node, "workeroutput", {}).get("csp")
    if counts:
        WORKERS_CSP["pages"] += counts["pages"]
        WORKERS_CSP["paths"].update(counts["paths"])
        WORKERS_CSP["refused"] += counts["refused"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if WORKERS_CSP["pages"]:
        terminalreporter.write_line(csp_summary(**WORKERS_CSP))


def csp_summary(pages: int, paths: set[str], refused: int) -> str:
    return f"Content-Security-Policy: {pages} pages loaded ({len(paths)} distinct paths), {refused} refusals"


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    # Rendered dashboards are cached by plan revision; a rolled-back test may leave the same keys to the next one.
    cache.clear()


@pytest.fixture(autouse=True)
def audit_checkpoints(settings, tmp_path) -> None:
    # Each test its own checkpoint file: never the developer's, and none left by an earlier test's chain.
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "audit-checkpoints.log")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> None:
    # Evidence files land in the test's own folder: never the developer's var/media, and never a file another test
    # (or another xdist worker, whose database hands out the same primary keys) wrote under the same name.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The demo and test accounts need real hashing semantics, not its cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    council: Council
    plan: DeliveryPlan
    action: Action  # led by `lead`
    other_action: Action  # led by `other_lead`
    project: CommissionedProject  # led by `lead`
    recommendation: Recommendation  # answered by `action`
    unanswered: Recommendation
    elsewhere: Council
    elsewhere_plan: DeliveryPlan
    elsewhere_action: Action
    elsewhere_project: CommissionedProject
    elsewhere_recommendation: Recommendation


@pytest.fixture
def world(db) -> World:
    council = f.make_council(name="Tower Hamlets test council")
    plan = f.make_plan(council)
    first = f.make_objective(plan, title="Target support")
    second = f.make_objective(plan, title="Mainstream Prevent")
    action = f.make_action(first, title="Prevent Education Officer to continue curriculum work")
    other_action = f.make_action(second, title="Develop a comprehensive Prevent Communication Strategy")
    f.make_action(second, title="Develop a Performance Management Framework", timescale="September 2018")
    project = f.make_project(plan)
    project.objectives.set([first])
    review = f.make_review(council)
    recommendation = f.make_recommendation(review, text="Develop performance management framework for Prevent")
    unanswered = f.make_recommendation(review, text="Establish Community Reference Group")
    action.answers.add(recommendation)

    elsewhere = f.make_council(name="Example Borough test council")
    elsewhere_plan = f.make_plan(elsewhere)
    elsewhere_objective = f.make_objective(elsewhere_plan)
    elsewhere_review = f.make_review(elsewhere)
    return World(
        council=council,
        plan=plan,
        action=action,
        other_action=other_action,
        project=project,
        recommendation=recommendation,
        unanswered=unanswered,
        elsewhere=elsewhere,
        elsewhere_plan=elsewhere_plan,
        elsewhere_action=f.make_action(elsewhere_objective),
        elsewhere_project=f.make_project(elsewhere_plan),
        elsewhere_recommendation=f.make_recommendation(elsewhere_review),
    )


@pytest.fixture
def coordinator(world: World) -> AbstractBaseUser:
    user = f.make_user("coordinator")
    f.make_member(user, world.council, Role.COORDINATOR)
    return user


@pytest.fixture
def lead(world: World) -> AbstractBaseUser:
    """Lead of world.action and world.project; no council role."""
    user = f.make_user("education-lead")
    f.make_lead(user, world.action)
    f.make_lead(user, world.project)
    return user


@pytest.fixture
def other_lead(world: World) -> AbstractBaseUser:
    user = f.make_user("communications-lead")
    f.make_lead(user, world.other_action)
    return user


@pytest.fixture
def board(world: World) -> AbstractBaseUser:
    user = f.make_user("board")
    f.make_member(user, world.council, Role.BOARD)
    return user


@pytest.fixture
def auditor(world: World) -> AbstractBaseUser:
    user = f.make_user("auditor")
    f.make_member(user, world.council, Role.AUDITOR)
    return user


@pytest.fixture
def outsider(world: World) -> AbstractBaseUser:
    """The coordinator of another council."""
    user = f.make_user("example-coordinator")
    f.make_member(user, world.elsewhere, Role.COORDINATOR)
    return user


@pytest.fixture
def url_objects(world: World, coordinator: AbstractBaseUser, settings, tmp_path) -> dict:
    """A real object behind every URL argument the world lacks (tests/test_permission_matrix.py says which is
    whose): a Board meeting, evidence files, a staged import, an invitation."""
    settings.MEDIA_ROOT = tmp_path
    meeting = BoardMeeting.objects.create(plan=world.plan, date="2018-11-12")
    update, project_update = f.evidenced_updates(world.action, world.project, by=coordinator, media_root=tmp_path)
    # The coordinator's file between its preview and its confirmation.
    staged = StagedImport.objects.create(
        plan=world.plan, user=coordinator, name="plan.csv", data=b"objective\n", uploaded_at=timezone.now()
    )
    invited = get_user_model().objects.create_user("walked@example.org", email="walked@example.org", is_active=False)
    invitation = Invitation.objects.create(
        user=invited, council=world.council, agency="NHS", invited_by=coordinator, sent_at=timezone.now()
    )
    attendance = MeetingAttendance.objects.create(meeting=meeting, name="A. Chair")
    arising = ActionArising.objects.create(meeting=meeting, description="Circulate the figures", owner="Co-ordinator")
    # A second Board member, so that taking a role away never takes away the persona's own.
    membership = f.make_member(f.make_user("second-board"), world.council, Role.BOARD)
    # Work the coordinator asked of a background worker (the council's history export).
    job = Job.objects.create(kind=Job.Kind.EXPORT, description="Export", started_by=coordinator, council=world.council)
    return {
        "membership": membership,
        "job": job,
        "meeting": meeting,
        "update": update,
        "project_update": project_update,
        "staged": staged,
        "invitation": invitation,
        "attendance": attendance,
        "arising": arising,
    }


@pytest.fixture
def signed_in():
    """signed_in(user) -> a test client signed in as that user (None: anonymous)."""

    def make(user: AbstractBaseUser | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
