"""Fixtures shared by the tests of the plans app."""

import datetime
from types import SimpleNamespace

import pytest
import weasyprint
from django.utils import timezone

from actions import services as action_services
from plans.models import Role
from tests import factories as f

from . import board_world
from .export_files import COUNCIL, report
from .test_history import START, Clock


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """One entry per PDF WeasyPrint writes."""
    written: list[int] = []
    write_pdf = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        written.append(1)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return written


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The time as each test sets it, for the export tests throughout (their pytestmark)."""
    moving = Clock(START)
    monkeypatch.setattr(timezone, "now", moving)
    return moving


@pytest.fixture
def known(db, clock):
    """A plan with a history small enough to write out in full."""
    clock.set(2018, 4, 2, 9, 0)
    council = f.make_council(slug="tower-hamlets", name=COUNCIL)
    coordinator, auditor, lead = f.make_user("coordinator"), f.make_user("auditor"), f.make_user("education-lead")
    f.make_member(coordinator, council, Role.COORDINATOR)
    f.make_member(auditor, council, Role.AUDITOR)
    plan = f.make_plan(council, introduction="Our plan for 2018-19.")
    clock.set(2018, 4, 2, 9, 5)
    objective = f.make_objective(plan, title="Target support")
    clock.set(2018, 4, 2, 9, 10)
    recommendation = f.make_recommendation(f.make_review(council), text="Develop a framework")
    clock.set(2018, 4, 3, 10, 0)
    action = action_services.action_create(
        plan=plan,
        fields={
            "objective": objective,
            "reference": "1.1",
            "title": "Train teachers",
            "outcomes": "Staff trained",
            "outputs": "120 staff",
            "timescale": "March 2019",
            "due_date": datetime.date(2019, 3, 31),
            "lead": "Prevent Education Officer",
            "lead_agency": "Tower Hamlets Council",
        },
        answers=[recommendation],
        leads=[lead],
        by=coordinator,
    )
    clock.set(2018, 9, 1, 12, 0)
    report(action, "amber", lead, "Venue lost")
    clock.set(2018, 10, 1, 9, 30)
    action.refresh_from_db()
    action_services.action_change(
        action=action,
        fields={"title": "Train all teachers"},
        answers=[recommendation],
        leads=[],
        by=coordinator,
        expected_version=action.version,
    )
    return SimpleNamespace(plan=plan, action=action, coordinator=coordinator, auditor=auditor)


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    """The Board cycle of board_world, for the dashboard's tests."""
    return board_world.build(monkeypatch)
