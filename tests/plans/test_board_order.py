"""The dashboard and the Board pack in the Board's order, the meetings' links, and the dashboard's filters."""

import datetime
import re

import pytest
from django.urls import reverse

from actions import services as action_services
from plans.models import BoardMeeting

from . import board_world

SECTIONS = [
    "summary",
    "changes",
    "red-amber",
    "measures",
    "board-record",
    "needs-attention",
    "by-objective",
    "recommendations",
]


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def positions(page: str) -> list[int]:
    return [page.index(f'id="{section}"') for section in SECTIONS]


def test_the_dashboard_follows_the_boards_order_with_jump_links(history, signed_in):
    page = signed_in(history.board).get(reverse("plans:dashboard", args=[history.plan.pk])).text
    assert positions(page) == sorted(positions(page))
    for section in SECTIONS:
        assert f'href="#{section}"' in page
    # Overdue and stale in one table; the long lists collapsed.
    assert page.count('id="needs-attention"') == 1 and 'id="overdue"' not in page and 'id="stale"' not in page
    assert page.count('<details class="govuk-details">') == 2


def test_the_pack_follows_the_same_order_open_uncut_and_with_no_cover_page_of_its_own(history, signed_in):
    recommendation = history.recommendations[3]
    recommendation.text = " ".join(f"word{n}" for n in range(60))
    recommendation.save(update_fields=["text"])
    # A meeting still to come: its pack is the plan as it stands, with the text just saved.
    coming = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 3, 1))
    page = signed_in(history.board).get(reverse("plans:board_pack", args=[coming.pk])).text
    assert positions(page) == sorted(positions(page))
    assert "word59" in page  # nothing cut off at 40 words
    assert "<details" in page and '<details class="govuk-details">' not in page  # every section open
    css = board_world.__file__.rsplit("/tests/", 1)[0] + "/static/plans/board_pack.css"
    with open(css, encoding="utf-8") as sheet:
        assert "break-after: page" not in sheet.read()


def test_updated_shows_the_date_the_update_speaks_for(history, signed_in):
    action = history.actions["1.2"]
    action.refresh_from_db()
    # Typed on 20 January 2019 (the clock's now), for 10 January.
    action_services.action_update_status(
        action=action,
        rag="red",
        commentary="Still no trainer, as at the tenth",
        as_of=datetime.date(2019, 1, 10),
        evidence=None,
        by=history.health_lead,
        expected_version=action.version,
    )
    client = signed_in(history.board)
    page = client.get(reverse("plans:dashboard", args=[history.plan.pk])).text
    row = page[page.index("Still no trainer, as at the tenth") :].split("</tr>", 1)[0]
    assert "10 January 2019" in row and "20 January 2019" not in row


def test_past_meetings_link_to_their_dashboard_and_pack_and_the_next_is_never_the_latest(history, signed_in):
    history.clock.set(2018, 11, 20, 9)
    future = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 1, 28))
    client = signed_in(history.board)
    page = client.get(reverse("plans:meetings", args=[history.plan.pk])).text
    held = history.meetings[1]
    assert f"?meeting={held.pk}" in page
    assert reverse("plans:board_pack", args=[held.pk]) in page
    assert reverse("plans:board_pack_pdf", args=[held.pk]) in page
    assert "Next meeting" in page and reverse("plans:board_pack", args=[future.pk]) not in page

    dashboard = client.get(reverse("plans:dashboard", args=[history.plan.pk])).text
    latest = dashboard[dashboard.index("Latest Board meeting") :]
    assert "12 November 2018" in latest[:300] and "28 January 2019" not in latest[:300]
    assert re.search(r"Next Board meeting:</strong> <a[^>]*>28 January 2019", dashboard)


def test_the_decisions_of_a_past_meeting_show_on_its_dashboard_and_in_its_pack(history, signed_in):
    meeting = history.meetings[1]
    meeting.decisions = "Agreed to fund a second trainer"
    meeting.save(update_fields=["decisions"])
    client = signed_in(history.board)
    dashboard = client.get(reverse("plans:dashboard", args=[history.plan.pk]), {"meeting": meeting.pk}).text
    pack = client.get(reverse("plans:board_pack", args=[meeting.pk])).text
    for page in (dashboard, pack):
        assert "Decisions recorded at this meeting, 12 November 2018" in page
        assert "Agreed to fund a second trainer" in page


def test_the_filter_form_sends_no_token_and_shows_active_filters_as_removable_tags(history, signed_in):
    url = reverse("plans:dashboard", args=[history.plan.pk])
    page = signed_in(history.board).get(url, {"rag": ["red", "amber"], "lead_agency": "NHS"}).text
    forms = re.findall(r'<form method="get".*?</form>', page, re.S)
    assert forms and not any("csrfmiddlewaretoken" in form for form in forms)
    tags = re.findall(
        r'<a class="app-filter-tag" href="([^"]+)"><span class="govuk-visually-hidden">Remove this '
        r"filter: </span>([^<]+)</a>",
        page,
    )
    assert [label for _, label in tags] == ["Lead agency: NHS", "RAG status: Red", "RAG status: Amber"]
    red_removed = dict((label, href) for href, label in tags)["RAG status: Red"].replace("&amp;", "&")
    assert "rag=amber" in red_removed and "rag=red" not in red_removed and "lead_agency=NHS" in red_removed


def test_filter_options_are_short_enough_to_read_whole(history, signed_in):
    objective = history.objectives[1]
    objective.title = "A very long objective title that goes on and on past any select box width"
    objective.save(update_fields=["title"])
    page = signed_in(history.board).get(reverse("plans:dashboard", args=[history.plan.pk])).text
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert options and all(len(option) <= 45 for option in options)
