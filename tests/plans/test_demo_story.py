"""The demo's illustrative year of the 2018-19 plan (plans/demo_story.py), loaded once for the module as
`manage.py load_demo` loads it: dated when things happened, every role with something to do or read, and a record
that verifies."""

import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from pypdf import PdfReader
from pytest_django import DjangoDbBlocker

from actions.models import Action, StatusUpdate
from board.dashboard import end_of_day
from board.services_board import update_request_responses
from core import audit
from core.access import leads_of
from core.models import AuditEntry
from core.rag import RAG
from demo.demo import load_demo
from demo.demo_story import read_story
from plans.models import BoardMeeting, DeliveryPlan, SealedDashboard, UpdateRequest
from projects.models import CommissionedProject, ProjectStatusUpdate
from snapshots.snapshot import plan_snapshot

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

RAG_WORDS = "|".join(rag.label for rag in RAG)
RAG_PAIR = re.compile(f"(?:{RAG_WORDS}) (?:{RAG_WORDS})")


@pytest.fixture(scope="module")
def story_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the story's evidence files are written: each test has a media folder of its own otherwise."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def story_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker, story_media: Path) -> Iterator[list[str]]:
    """load_demo(story=True) once for this module, in a transaction rolled back after its last test."""
    media = story_media
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        loaded = load_demo(story=True)
        yield loaded
        transaction.set_rollback(True)


@pytest.fixture
def story(story_loaded: list[str], db: None) -> DeliveryPlan:
    return DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2018-19")


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_story_is_played_once(story_loaded: list[str], story: DeliveryPlan) -> None:
    assert "story-2018-19.yaml" in story_loaded
    counts = (StatusUpdate.objects.count(), AuditEntry.objects.count(), BoardMeeting.objects.count())
    assert load_demo(story=True) == []
    assert (StatusUpdate.objects.count(), AuditEntry.objects.count(), BoardMeeting.objects.count()) == counts


def test_every_item_of_the_plan_is_reported_on_by_its_lead(story: DeliveryPlan, story_media: Path, settings) -> None:
    settings.MEDIA_ROOT = story_media
    for action in Action.objects.filter(plan=story):
        updates = list(action.status_updates.all())
        assert updates, action.reference
        assert {update.created_by for update in updates} <= set(leads_of(action)), action.reference
    assert all(project.status_updates.exists() for project in CommissionedProject.objects.filter(plan=story))
    rags = set(StatusUpdate.objects.filter(action__plan=story).values_list("rag", flat=True))
    assert {RAG.RED, RAG.AMBER, RAG.GREEN, RAG.COMPLETE} <= rags
    fire = Action.objects.get(plan=story, reference="3.4")
    assert {u.created_by.first_name for u in fire.status_updates.all()} == {"Borough Commander, London Fire Brigade"}
    evidence = [update for update in StatusUpdate.objects.filter(action__plan=story) if update.evidence]
    assert len(evidence) >= 5
    with evidence[0].evidence.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert "ILLUSTRATIVE DEMO DATA" in text


def test_the_history_is_dated_when_things_happened(story: DeliveryPlan) -> None:
    earlier = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2017-18")
    assert earlier.history.earliest().history_date.date() == datetime.date(2017, 4, 10)
    assert story.history.earliest().history_date.date() == datetime.date(2018, 4, 9)
    update = StatusUpdate.objects.get(action__plan=story, action__reference="2.2", rag=RAG.COMPLETE)
    assert update.created_at.date() == datetime.date(2018, 11, 20)
    stamps = list(AuditEntry.objects.order_by("seq").values_list("recorded_at", flat=True))
    assert stamps == sorted(stamps), "the chain's order follows time"
    assert stamps[0].year == 2017


def test_verify_audit_holds(story: DeliveryPlan) -> None:
    result = audit.verify()
    assert result.ok, result.problems
    assert sum(result.checked.values()) >= 6  # the sealed dashboards, rebuilt from the history


def test_the_plan_as_at_1_september_2018_is_not_todays(story: DeliveryPlan) -> None:
    then = plan_snapshot(story, end_of_day(datetime.date(2018, 9, 1)))
    now = plan_snapshot(story)
    rag_then = {action.reference: action.rag for action in then.actions}
    rag_now = {action.reference: action.rag for action in now.actions}
    assert rag_then["4.1"] == RAG.AMBER and rag_now["4.1"] == RAG.COMPLETE
    assert rag_then != rag_now


def test_past_meetings_are_sealed_with_decisions(story: DeliveryPlan) -> None:
    meetings = list(BoardMeeting.objects.filter(plan=story))
    assert [m.date.month for m in meetings] == [5, 7, 9, 11, 1, 3]
    assert all(meeting.decisions for meeting in meetings)
    sealed = set(SealedDashboard.objects.filter(plan=story).values_list("at", flat=True))
    assert sealed == {end_of_day(meeting.date) for meeting in meetings}


def test_dashboard_shows_changes_since_the_previous_meeting(story: DeliveryPlan) -> None:
    board = client_for("board")
    page = board.get(reverse("plans:dashboard", args=[story.pk])).content.decode()
    assert "Changes since the Board meeting of 21 March 2019" in page
    assert "Illustrative demo data" in page
    september = BoardMeeting.objects.get(plan=story, date=datetime.date(2018, 9, 20))
    page = board.get(reverse("plans:dashboard", args=[story.pk]), {"meeting": september.pk}).content.decode()
    assert "Changes since the Board meeting of 19 July 2018" in page
    assert "Status changes" in page


def test_board_pack_of_a_past_meeting(story: DeliveryPlan) -> None:
    board = client_for("board")
    meeting = BoardMeeting.objects.filter(plan=story).last()
    response = board.get(reverse("plans:board_pack", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Illustrative demo data" in response.content.decode()
    pdf = board.get(reverse("plans:board_pack_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # Each status change's From and To come out of the PDF's text (what a screen reader reads) as whole words: its
    # narrow columns are as wide as their longest word, never broken a letter or two a line.
    table = response.content.decode().split('govuk-table__caption--s">Status changes', 1)[1].split("</table>")[0]
    rows = table.count('<tr class="govuk-table__row">') - 1  # less the heading row
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    changes = text.split("Status changes", 1)[1].split("Decisions and actions arising", 1)[0]
    assert rows > 0 and len(RAG_PAIR.findall(changes)) == rows


def test_update_request_with_some_leads_responding(story: DeliveryPlan) -> None:
    requests = list(UpdateRequest.objects.filter(plan=story).order_by("requested_at"))
    assert [request.meeting.date for request in requests] == [datetime.date(2018, 9, 20), datetime.date(2019, 1, 24)]
    for request in requests:
        responses = update_request_responses(request)
        assert any(r.responded for r in responses) and not all(r.responded for r in responses)
    page = client_for("coordinator").get(reverse("plans:update_requests", args=[story.pk])).content.decode()
    assert "Illustrative demo data" in page


def test_published_and_public_with_its_withheld_passages(story: DeliveryPlan) -> None:
    assert story.public and story.published_at.date() == datetime.date(2018, 5, 24)
    page = Client().get(story.get_published_url()).content.decode()
    assert "[REDACTED]" in page and "Placeholder sentence" not in page


def test_the_earlier_plan_is_not_marked_illustrative(story: DeliveryPlan) -> None:
    earlier = DeliveryPlan.objects.get(council__slug="tower-hamlets", year="2017-18")
    assert not earlier.illustrative
    page = client_for("board").get(earlier.get_absolute_url()).content.decode()
    assert "Illustrative demo data" not in page


# What each demo role's home page offers, as the README's demo sign-ins say.
HOMES = {
    "coordinator": ["Ask leads for status updates", "Go to my actions"],
    "education-lead": ["You lead 3 actions or projects", "Go to my actions"],
    "board": ["Latest meeting, 21 March 2019", "its Board pack", "terms of reference"],
    "auditor": ["The audit record", "its Board pack"],
    "admin": ["The administration pages"],
    "example-coordinator": ["Example Borough Council"],
}


def test_every_role_has_something_to_do_or_read_at_home(story: DeliveryPlan) -> None:
    homes = dict(HOMES)
    for lead in read_story()["leads"]:
        homes.setdefault(lead["username"], ["Go to my actions and update their status"])
    for username, expected in homes.items():
        page = client_for(username).get(reverse("plans:home")).content.decode()
        for text in expected:
            assert text in page, (username, text)


def test_home_query_count_is_fixed(story: DeliveryPlan, django_assert_max_num_queries) -> None:
    coordinator = client_for("coordinator")
    with django_assert_max_num_queries(14):
        coordinator.get(reverse("plans:home"))


def test_project_updates_report_deliveries(story: DeliveryPlan) -> None:
    final = ProjectStatusUpdate.objects.filter(project__plan=story, rag=RAG.COMPLETE).count()
    assert final >= 3


def test_history_and_as_at_pages_read_the_year(story: DeliveryPlan) -> None:
    auditor = client_for("auditor")
    history = auditor.get(reverse("plans:history", args=[story.pk]))
    assert history.status_code == 200
    as_at = auditor.get(reverse("plans:as_at", args=[story.pk]), {"date": "2018-09-01", "time": "23:59"})
    assert as_at.status_code == 200
    assert "Illustrative demo data" in as_at.content.decode()


def test_meetings_record_attendance_and_carry_actions_arising(story: DeliveryPlan) -> None:
    meetings = {meeting.date.month: meeting for meeting in BoardMeeting.objects.filter(plan=story)}
    assert all(meeting.attendance.filter(apologies=False).exists() for meeting in meetings.values())
    assert meetings[11].attendance.filter(apologies=True).exists()
    board = client_for("board")
    channel = "Share the Channel referral figures"  # raised in September 2018, reported done in January 2019
    november = board.get(reverse("plans:board_pack", args=[meetings[11].pk])).content.decode()
    assert channel in november and "Decisions of the Board meeting of 20 September 2018" in november
    march = board.get(reverse("plans:board_pack", args=[meetings[3].pk])).content.decode()
    assert channel not in march
    assert "Decisions of the Board meeting of 24 January 2019" in march
