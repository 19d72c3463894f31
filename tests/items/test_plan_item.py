"""The plan item actions and projects share: its fields keep their places, and its rules are written once."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action, StatusUpdate
from core.rag import RAG
from items.models import PlanItem, StatusUpdateBase, is_overdue, is_stale, item_key
from projects.models import CommissionedProject, ProjectStatusUpdate

TODAY = datetime.date(2019, 3, 31)

# The history numbers a record's changed fields in the order the model declares them, and its exports list them so:
# the shared fields are declared where each model had them.
ACTION_FIELDS = [
    *("id", "version", "plan", "objective", "reference", "position", "section", "title", "outcomes", "outputs"),
    *("timescale", "due_date", "lead", "timescale_to_review", "lead_agency", "rag", "withheld_fields"),
    *("withdrawn_at", "status_updated_at", "carried_from"),
]
PROJECT_FIELDS = [
    *("id", "version", "plan", "position", "name", "provider", "description", "outcomes", "lead", "funding_source"),
    *("amount", "timescale", "unheaded_column", "due_date", "rag", "withheld_fields", "withdrawn_at"),
    "status_updated_at",
]


@pytest.mark.parametrize(("model", "names"), [(Action, ACTION_FIELDS), (CommissionedProject, PROJECT_FIELDS)])
def test_each_item_keeps_its_fields_in_their_places(model, names):
    assert issubclass(model, PlanItem)
    assert [field.name for field in model._meta.concrete_fields] == names
    # simple-history puts the foreign keys after the other fields, and leaves the position out.
    keys = [field.name for field in model._meta.concrete_fields if field.is_relation]
    kept = [name for name in names if name not in keys and name != "position"] + keys
    history = [field.name for field in model.history.model._meta.concrete_fields]
    assert [name for name in history if name in names] == kept


def test_status_updates_share_one_base_and_name_their_item():
    assert issubclass(StatusUpdate, StatusUpdateBase) and issubclass(ProjectStatusUpdate, StatusUpdateBase)
    assert (item_key(StatusUpdate), item_key(ProjectStatusUpdate)) == ("action", "project")


def test_overdue_is_past_its_due_date_and_not_complete():
    assert is_overdue(RAG.AMBER, TODAY - datetime.timedelta(days=1), TODAY)
    assert not is_overdue(RAG.AMBER, TODAY, TODAY)
    assert not is_overdue(RAG.COMPLETE, TODAY - datetime.timedelta(days=1), TODAY)
    assert not is_overdue(RAG.RED, None, TODAY)
    assert not is_overdue(RAG.RED, TODAY - datetime.timedelta(days=1), TODAY, timescale_to_review=True)


def test_an_action_under_review_is_not_overdue_and_a_project_never_is_under_review():
    past = TODAY - datetime.timedelta(days=1)
    assert not Action(due_date=past, rag=RAG.RED, timescale_to_review=True).is_overdue(TODAY)
    assert Action(due_date=past, rag=RAG.RED).is_overdue(TODAY)
    assert CommissionedProject(due_date=past, rag=RAG.RED).is_overdue(TODAY)


def test_stale_is_no_update_for_one_board_cycle(settings):
    settings.STALE_AFTER_DAYS = 60
    now = timezone.now()
    assert is_stale(RAG.GREEN, None, now)
    assert is_stale(RAG.GREEN, now - datetime.timedelta(days=61), now)
    assert not is_stale(RAG.GREEN, now - datetime.timedelta(days=59), now)
    assert not is_stale(RAG.COMPLETE, None, now)
    assert CommissionedProject(rag=RAG.AMBER, status_updated_at=None).is_stale(now)
