""" "No status recorded": the RAG an item holds when its source gives none (the 2017-18 plan has no RAG column, the
published 2018-19 plan leaves it empty). Counted apart from Not started, never reported by an update, left behind by
the first one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions import services as action_services
from actions.models import Action
from board.dashboard import build_dashboard
from core.rag import RAG
from core.status_form import StatusUpdateForm
from core.versioning import save_edit
from projects import services as project_services
from records.changes import Scope, export_rows
from snapshots.plan_columns import PLAN_COLUMNS
from tests.plans.test_import import ROW, csv_file, draft, import_and_confirm  # noqa: F401 (a fixture)

AS_OF = datetime.date(2018, 9, 1)


def test_a_new_item_starts_not_started() -> None:
    """A coordinator who adds an action is planning work that has not begun: Not started says that. No status
    recorded is for what a document left silent."""
    assert Action._meta.get_field("rag").default == RAG.NOT_STARTED


def test_the_status_form_never_offers_it() -> None:
    offered = [value for value, _ in StatusUpdateForm().fields["rag"].choices]
    assert RAG.NO_STATUS not in offered
    assert (
        offered
        == [rag.value for rag in RAG.reportable()]
        == [
            "not_started",
            "green",
            "amber",
            "red",
            "complete",
        ]
    )


def test_a_status_update_moves_an_action_from_it_and_history_labels_it(world, lead) -> None:
    action = world.action
    Action.objects.filter(pk=action.pk).update(rag=RAG.NO_STATUS)
    action.refresh_from_db()
    update = action_services.action_update_status(
        action=action,
        rag="green",
        commentary="Begun",
        as_of=AS_OF,
        evidence=None,
        by=lead,
        expected_version=action.version,
    )
    action.refresh_from_db()
    assert (update.previous_rag, update.rag, action.rag) == (RAG.NO_STATUS, RAG.GREEN, RAG.GREEN)
    rows = list(export_rows(Scope.of_plan(world.plan), inert=False))
    assert ("No status recorded", "Green") in {(row[7], row[8]) for row in rows}  # old_value, new_value


def test_no_update_reports_it(world, lead) -> None:
    for update, item in [
        (action_services.action_update_status, {"action": world.action}),
        (project_services.project_update_status, {"project": world.project, "deliveries": {}}),
    ]:
        version = next(iter(item.values())).version
        with pytest.raises(ValidationError):
            update(
                **item, rag="no_status", commentary="x", as_of=AS_OF, evidence=None, by=lead, expected_version=version
            )


def test_the_dashboard_counts_it_apart(world, board, signed_in) -> None:
    Action.objects.filter(pk=world.action.pk).update(rag=RAG.NO_STATUS)
    dashboard = build_dashboard(world.plan)
    assert dashboard.actions.counts[RAG.NO_STATUS] == 1
    assert dashboard.actions.counts[RAG.NOT_STARTED] == world.plan.actions.count() - 1
    page = signed_in(board).get(reverse("plans:dashboard", args=[world.plan.pk])).text
    assert "1 No status recorded" in page  # the chart's description
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">No status recorded</th>' in page


@pytest.mark.parametrize("cell", ["", "No status recorded", "no status", "NO STATUS"])
def test_an_import_reads_an_empty_cell_or_its_words_as_it(draft, coordinator, signed_in, cell) -> None:  # noqa: F811
    response = import_and_confirm(signed_in(coordinator), draft, csv_file([PLAN_COLUMNS, [*ROW, cell, "", ""]]))
    assert response.status_code == 302
    action = draft.actions.get()
    assert action.rag == RAG.NO_STATUS
    assert not action.status_updates.exists()


def test_an_import_refuses_a_commentary_without_a_status(draft, coordinator, signed_in) -> None:  # noqa: F811
    rows = [PLAN_COLUMNS, [*ROW, "", "", "Two schools left"]]
    response = import_and_confirm(signed_in(coordinator), draft, csv_file(rows))
    assert "Enter a RAG status for a row with a commentary" in response.text
    assert not draft.actions.exists()


def test_an_export_writes_it_in_words(world, coordinator, signed_in) -> None:
    world.action.rag = RAG.NO_STATUS
    save_edit(world.action, by=coordinator, fields=["rag"])
    export = signed_in(coordinator).get(reverse("plans:export_as_at", args=[world.plan.pk, "csv"]))
    assert b",No status recorded," in b"".join(export.streaming_content)
