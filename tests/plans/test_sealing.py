"""Sealing each past Board meeting's dashboard: read back as one row, the same as built from history, chained into
the audit record and checked against the history by verify_audit."""

import dataclasses
import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from actions import services as action_services
from actions.models import Action
from board import contents as board_contents
from board import sealed_v5
from board.contents import CONTENTS_VERSION, Contents, dashboard_contents
from board.dashboard import build_dashboard, end_of_day
from board.sealing import SEAL_AFTER, seal_meetings
from core import append_only, audit
from plans.models import BoardMeeting, SealedDashboard
from snapshots.shapes import ActionState, ProjectState, shape_version

from . import board_world

FIRST, SECOND = datetime.date(2018, 9, 10), datetime.date(2018, 11, 12)


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def body(page: str) -> str:
    """The dashboard below its heading, without the form's CSRF token, which differs on every page (as, outside the
    main content, does the time the session has left)."""
    main = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def test_a_sealed_meeting_shows_exactly_what_was_built_from_history(history, signed_in):
    client = signed_in(history.board)
    url = reverse("plans:dashboard", args=[history.plan.pk])
    queries = [{"meeting": meeting.pk} for meeting in history.meetings]
    queries += [{"meeting": history.meetings[1].pk, "objective": history.objectives[2].pk}]
    queries += [{"meeting": history.meetings[1].pk, "rag": ["red", "complete"], "lead_agency": "NHS"}]
    built = [body(client.get(url, query).text) for query in queries]
    pack = client.get(reverse("plans:board_pack", args=[history.meetings[1].pk])).text

    assert seal_meetings().sealed == 2
    cache.clear()
    assert [body(client.get(url, query).text) for query in queries] == built
    assert client.get(reverse("plans:board_pack", args=[history.meetings[1].pk])).text == pack
    assert "Changes since the Board meeting of 10 September 2018" in built[1]
    assert "Training cancelled: no trainer" in built[1]


def test_a_sealed_meeting_is_read_from_one_row(history, django_assert_num_queries):
    at, since = end_of_day(SECOND), end_of_day(FIRST)
    meetings = list(BoardMeeting.objects.filter(plan=history.plan))
    # The snapshot, the earlier moment, the changes, who made them, the Board's record (the plan before, meetings,
    # actions arising) and a look for a seal.
    with django_assert_num_queries(25):
        built = build_dashboard(history.plan, at=at, meetings=meetings)
    seal_meetings()
    with django_assert_num_queries(4):  # the sealed row, the live order of actions and projects, who made changes
        sealed = build_dashboard(history.plan, at=at, meetings=meetings)
    assert sealed == built
    record = SealedDashboard.objects.get(at=at)
    assert (record.plan, record.since, record.version) == (history.plan, since, CONTENTS_VERSION)
    assert SealedDashboard.objects.get(at=end_of_day(FIRST)).since is None  # no meeting before the first


def test_contents_come_back_from_json_as_they_went_in(history):
    contents = dashboard_contents(history.plan, end_of_day(SECOND), end_of_day(FIRST))
    assert contents.then and contents.rag_changes and contents.recommendations  # something of each kind
    assert Contents.from_json(contents.to_json()) == contents
    first = dashboard_contents(history.plan, end_of_day(FIRST), None)
    assert first.then is None and Contents.from_json(first.to_json()) == first
    pilot = board_world.meet_then_add_pilot(history)
    board_world.report(pilot, "red", history.comms_lead, "No mentors found")
    pilot.refresh_from_db()
    action_services.action_withdraw(action=pilot, by=history.coordinator, expected_version=pilot.version)
    named = dashboard_contents(history.plan, history.clock.now, end_of_day(datetime.date(2019, 1, 21)))
    assert [item.label for item in named.named] == ["2.4 Pilot mentoring scheme"]
    assert Contents.from_json(named.to_json()) == named


def test_the_version_of_what_is_sealed_follows_from_its_shape():
    """No number to bump by hand: a field added to an action gives the contents another version, so the rows sealed
    in the old shape are left aside by the dashboards and sealed again."""
    assert shape_version(Contents) == CONTENTS_VERSION
    assert CONTENTS_VERSION > sealed_v5.VERSION
    wider_action = dataclasses.make_dataclass(
        "ActionState", [("extra", str, dataclasses.field(default=""))], bases=(ActionState,), frozen=True
    )
    wider = dataclasses.make_dataclass(
        "Contents", [("items", list[wider_action | ProjectState])], bases=(Contents,), frozen=True
    )
    assert shape_version(wider) != CONTENTS_VERSION
    same = dataclasses.make_dataclass(
        "Contents", [("items", list[ActionState | ProjectState])], bases=(Contents,), frozen=True
    )
    assert shape_version(same) == CONTENTS_VERSION


def test_rows_sealed_at_version_5_are_still_verified_at_their_own_version(history):
    """Rows sealed before the version was derived stay in the chain: verify_audit compares each with what the
    history gives, written in the shape of version 5, and the nightly run seals the meeting again at the current
    version."""
    at, since = end_of_day(SECOND), end_of_day(FIRST)
    built = dashboard_contents(history.plan, at, since)
    old = sealed_v5.version_5_text(built)
    assert '"lead":' in old and '"position"' not in old and '"latest_update"' not in old
    with transaction.atomic(), audit.chained():
        SealedDashboard.objects.create(
            plan=history.plan, at=at, since=since, version=sealed_v5.VERSION, content=old, sealed_at=at
        )
    assert audit.verify().ok
    assert seal_meetings().sealed == 2
    assert SealedDashboard.objects.filter(version=CONTENTS_VERSION).count() == 2
    assert audit.verify().ok
    first = sealed_v5.version_5_text(dashboard_contents(history.plan, end_of_day(FIRST), None))
    with transaction.atomic(), audit.chained():
        tampered = SealedDashboard.objects.create(
            plan=history.plan,
            at=end_of_day(FIRST),
            since=None,
            version=sealed_v5.VERSION,
            content=re.sub(r'"title":"[^"]+"', '"title":"Something else"', first, count=1),
            sealed_at=at,
        )
    tampered.refresh_from_db()
    assert audit.verify().problems == [
        f"plans.sealeddashboard {tampered.pk}: the dashboard sealed for plan {history.plan.pk} as at "
        f"{tampered.at.isoformat()} is not what the history gives"
    ]


@pytest.fixture
def built_from_history(monkeypatch):
    """built_from_history(plan, at) -> the dashboard as built from history, whatever was sealed."""

    def build(plan, at):
        with monkeypatch.context() as patch:
            patch.setattr(board_contents, "CONTENTS_VERSION", CONTENTS_VERSION + 1)  # no row is of that version
            return build_dashboard(plan, at=at)

    return build


def test_people_renamed_and_items_moved_after_sealing_show_as_they_do_when_built(history, built_from_history):
    """Neither people's names nor the plan's order of its items have a history: a sealed dashboard shows them as
    they are now, as one built from history does, and verify_audit finds nothing wrong."""
    seal_meetings()
    history.education_lead.first_name = "Edwina"
    history.education_lead.save()
    Action.objects.filter(pk=history.actions["1.2"].pk).update(position=0)
    at = end_of_day(SECOND)
    sealed = build_dashboard(history.plan, at=at)
    assert sealed == built_from_history(history.plan, at)
    assert [change.by for change in sealed.changes.status_changes][:1] == ["Edwina Teach"]
    assert [item.reference for item in sealed.by_objective[0].actions] == ["1.2", "1.1"]
    assert audit.verify().ok


def test_a_sealed_row_that_cannot_be_read_is_built_from_history_and_reported(history, built_from_history, caplog):
    at, since = end_of_day(FIRST), None
    with transaction.atomic():
        unreadable = SealedDashboard.objects.create(
            plan=history.plan, at=at, since=since, version=CONTENTS_VERSION, content='{"items": []}', sealed_at=at
        )
    assert build_dashboard(history.plan, at=at) == built_from_history(history.plan, at)
    assert "cannot be read" in caplog.text
    unreadable.refresh_from_db()
    assert audit.verify().problems == [
        f"plans.sealeddashboard {unreadable.pk}: the dashboard sealed for plan {history.plan.pk} as at "
        f"{unreadable.at.isoformat()} cannot be read as version {CONTENTS_VERSION} contents"
    ]


def test_a_meeting_is_sealed_an_hour_after_its_day_ends_and_once(history):
    clock = history.clock
    clock.set(2019, 1, 21, 9, 0)
    BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 1, 21))
    assert (seal_meetings().past, SealedDashboard.objects.count()) == (2, 2)
    ends = end_of_day(datetime.date(2019, 1, 21))
    assert seal_meetings(now=ends + SEAL_AFTER - datetime.timedelta(seconds=1)).sealed == 0
    result = seal_meetings(now=ends + SEAL_AFTER)
    assert (result.past, result.sealed) == (3, 1)
    assert SealedDashboard.objects.get(at=ends).since == end_of_day(SECOND)
    assert seal_meetings(now=ends + SEAL_AFTER).sealed == 0


def test_the_command_says_what_it_sealed(history, capsys):
    call_command("seal_meetings")
    assert "Sealed 2 of 2 past meetings (0 were sealed already)" in capsys.readouterr().out
    call_command("seal_meetings")
    assert "Sealed 0 of 2 past meetings (2 were sealed already)" in capsys.readouterr().out


def test_a_meeting_added_between_two_is_compared_with_from_then_on(history, django_assert_max_num_queries):
    seal_meetings()
    BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2018, 10, 15))
    dashboard = build_dashboard(history.plan, at=end_of_day(SECOND))
    assert dashboard.changes.meeting.date == datetime.date(2018, 10, 15)
    assert dashboard.changes.status_changes == []  # the October reports came before the new meeting
    assert seal_meetings().sealed == 2  # the new meeting, and the second compared with it
    with django_assert_max_num_queries(4):  # the meetings, the sealed row and the live order
        assert build_dashboard(history.plan, at=end_of_day(SECOND)) == dashboard


def test_an_item_renamed_after_the_meeting_keeps_the_name_the_board_saw(history):
    """An item added, reported on and withdrawn between two meetings is named as it stood at the meeting, not as it
    is now: the past dashboard (and what is sealed of it) depends on the history up to the meeting alone."""
    clock, coordinator, lead = history.clock, history.coordinator, history.comms_lead
    pilot = board_world.meet_then_add_pilot(history)
    clock.set(2019, 1, 23, 9, 0)
    board_world.report(pilot, "red", lead, "No mentors found")
    clock.set(2019, 1, 24, 9, 0)
    pilot.refresh_from_db()
    action_services.action_withdraw(action=pilot, by=coordinator, expected_version=pilot.version)
    BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 1, 28))
    clock.set(2019, 2, 5, 9, 0)
    pilot.refresh_from_db()
    pilot = action_services.action_reinstate(action=pilot, by=coordinator, expected_version=pilot.version)
    action_services.action_change(
        action=pilot,
        fields={"title": "Mentoring for young people"},
        answers=[],
        leads=[lead],
        by=coordinator,
        expected_version=pilot.version,
    )

    def named() -> list[str]:
        changes = build_dashboard(history.plan, at=end_of_day(datetime.date(2019, 1, 28))).changes
        return [change.item.label for change in changes.status_changes]

    assert named() == ["2.4 Pilot mentoring scheme"]
    seal_meetings()
    assert named() == ["2.4 Pilot mentoring scheme"]


def test_the_rebuilding_of_sealed_dashboards_reports_its_progress(history):
    """At national scale the rebuilding takes minutes: the auditors' page counts it as it goes, not at its end."""
    seal_meetings()
    heard = []
    audit.verify(progress=lambda done, total, unit: heard.append((done, total, unit)))
    rebuilt = [(done, total) for done, total, unit in heard if unit == "sealed dashboards rebuilt from history"]
    assert rebuilt == [(0, None), (1, 2), (2, 2)]
    heard.clear()
    audit.verify(councils=frozenset({history.plan.council_id}), progress=lambda *said: heard.append(said))
    assert heard[-2:] == [
        (1, None, "sealed dashboards rebuilt from history"),
        (2, None, "sealed dashboards rebuilt from history"),
    ]


def test_sealed_dashboards_are_chained_append_only_and_rebuilt_by_verify_audit(history, capsys):
    seal_meetings()
    result = audit.verify()
    assert result.ok, result.problems
    assert result.checked == {"sealed dashboards rebuilt from history": 2}
    call_command("verify_audit")
    assert "2 sealed dashboards rebuilt from history" in capsys.readouterr().out

    record = SealedDashboard.objects.get(at=end_of_day(SECOND))
    with pytest.raises(DatabaseError), transaction.atomic():
        SealedDashboard.objects.filter(pk=record.pk).update(content="{}")
    # Someone with the database to themselves, triggers dropped, changes what the Board was shown.
    append_only.remove(connection)
    altered = record.content.replace("Training cancelled: no trainer", "Training on track")
    SealedDashboard.objects.filter(pk=record.pk).update(content=altered)
    append_only.install(connection)
    assert "has been altered since it was written" in audit.verify().problems[0]


def test_verify_audit_finds_a_sealed_dashboard_that_the_history_does_not_give(history):
    """The chain proves a row was not changed after it was written; rebuilding proves it was right when written."""
    contents = dashboard_contents(history.plan, end_of_day(SECOND), end_of_day(FIRST))
    contents.items[0] = dataclasses.replace(contents.items[0], rag="green")
    with transaction.atomic():
        wrong = SealedDashboard.objects.create(
            plan=history.plan,
            at=end_of_day(SECOND),
            since=end_of_day(FIRST),
            version=CONTENTS_VERSION,
            content=contents.to_json(),
            sealed_at=history.clock.now,
        )
    wrong.refresh_from_db()
    assert audit.verify().problems == [
        f"plans.sealeddashboard {wrong.pk}: the dashboard sealed for plan {history.plan.pk} as at "
        f"{wrong.at.isoformat()} is not what the history gives"
    ]
