"""Update requests: the coordinator asks, in one step, every lead with an overdue or stale item for a status update."""

import datetime
import re
from smtplib import SMTPException
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from board import services_board, tasks
from plans.models import BoardMeeting, UpdateRequest, UpdateRequestRecipient
from tests import factories as f

from . import board_world


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    """Now is 20 January 2019. Due: 2.3 (comms lead: overdue, never updated) and 1.2 (health lead, no email: stale).
    Not due: 1.1 complete and the project updated in December (education lead), 2.2 withdrawn (police lead)."""
    return board_world.build(monkeypatch)


@pytest.fixture
def elsewhere_lead(history):
    """Leads an overdue action in another council's plan."""
    council = f.make_council(name="Example Borough")
    objective = f.make_objective(f.make_plan(council))
    user = f.make_user("elsewhere-lead", email="elsewhere@example.org")
    f.make_lead(user, f.make_action(objective, due_date=datetime.date(2018, 12, 31)))
    return user


def send(client, plan, message="", **kwargs):
    return client.post(reverse("plans:update_requests", args=[plan.pk]), {"message": message}, **kwargs)


def test_the_request_emails_exactly_the_leads_with_overdue_or_stale_items(
    history, elsewhere_lead, signed_in, django_capture_on_commit_callbacks, worker
):
    client = signed_in(history.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, history.plan, "The Board meets on 5 February: please update your actions.")
    assert response.status_code == 302
    # Queued, not sent, until a worker takes it: the page says so.
    assert mail.outbox == []
    assert "Queued to send" in client.get(reverse("plans:update_requests", args=[history.plan.pk])).text
    (sent,) = worker()
    assert (sent.status, sent.return_value) == ("SUCCESSFUL", "sent")

    # Only the communications lead: the health lead has no address; education's items are green and recent;
    # the police lead's only action is withdrawn; the other council's lead is not in this plan.
    (email,) = mail.outbox
    assert email.to == ["comms@example.org"]
    assert email.reply_to == ["coordinator@example.org"]
    assert "Tower Hamlets test council" in email.subject
    body = email.body
    assert "The Board meets on 5 February: please update your actions." in body
    assert "2.3 Community Reference Group" in body
    assert "(overdue: due 31 October 2018; never updated)" in body
    assert "2.1" not in body  # green and updated in December

    request = UpdateRequest.objects.get()
    assert request.requested_by == history.coordinator and request.plan == history.plan
    recipients = {r.user.username: r.emailed_at for r in request.recipients.select_related("user")}
    assert set(recipients) == {"comms-lead", "health-lead"}
    assert recipients["comms-lead"] is not None and recipients["health-lead"] is None


def test_every_link_in_the_email_opens_for_the_lead_it_was_sent_to(
    history, signed_in, django_capture_on_commit_callbacks, worker
):
    with django_capture_on_commit_callbacks(execute=True):
        send(signed_in(history.coordinator), history.plan)
    worker()
    (email,) = mail.outbox
    links = re.findall(r"https?://\S+", email.body)
    assert [urlsplit(link).path for link in links] == [
        reverse("actions:update_status", args=[history.actions["2.3"].pk]),
        reverse("plans:mine"),
    ]
    assert all(link.startswith("http://testserver/") for link in links)
    lead = signed_in(history.comms_lead)
    for link in links:
        assert lead.get(urlsplit(link).path).status_code == 200


def test_leads_without_an_email_address_are_listed_as_not_reachable(
    history, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(history.coordinator)
    page = client.get(reverse("plans:update_requests", args=[history.plan.pk])).text
    assert "Hal Nurse" in page and "Not reachable: no email address" in page
    assert "Cam Press" in page and "comms@example.org" in page
    assert "Edna Teach" not in page and "Pat Rol" not in page
    assert 'class="govuk-character-count"' in page
    with django_capture_on_commit_callbacks(execute=True):
        send(client, history.plan)
    page = client.get(reverse("plans:update_requests", args=[history.plan.pk])).text
    assert page.count("Not reachable: no email address") == 2  # who would be asked now, and the latest request


def test_the_page_shows_who_has_responded_since_the_latest_request(
    history, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(history.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, history.plan)
    history.clock.set(2019, 1, 22, 10, 0)
    board_world.report(history.actions["2.3"], "green", history.comms_lead, "Group meets monthly")
    responses = services_board.update_request_responses(UpdateRequest.objects.get())
    assert [(r.recipient.user.username, r.responded) for r in responses] == [
        ("comms-lead", True),
        ("health-lead", False),
    ]
    client = signed_in(history.coordinator)  # a new day, a new sign-in
    page = client.get(reverse("plans:update_requests", args=[history.plan.pk])).text
    assert page.count("Responded</strong>") == 1 and page.count("Not yet</strong>") == 1


def test_the_latest_request_is_the_newest_and_past_requests_run_newest_first(
    history, signed_in, django_capture_on_commit_callbacks
):
    for day, message in ((21, "First request"), (23, "Second request")):
        history.clock.set(2019, 1, day, 9, 0)
        with django_capture_on_commit_callbacks(execute=True):
            send(signed_in(history.coordinator), history.plan, message)  # a new day, a new sign-in
    page = signed_in(history.coordinator).get(reverse("plans:update_requests", args=[history.plan.pk])).text
    latest = page[page.index('id="latest"') : page.index('id="past"')]
    assert "Second request" in latest and "First request" not in latest
    past = page[page.index('id="past"') :]
    assert past.index("23 January 2019") < past.index("21 January 2019")


def test_a_request_belongs_to_the_next_board_meeting(history, signed_in, django_capture_on_commit_callbacks, worker):
    upcoming = BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 2, 5))
    BoardMeeting.objects.create(plan=history.plan, date=datetime.date(2019, 4, 1))
    with django_capture_on_commit_callbacks(execute=True):
        send(signed_in(history.coordinator), history.plan)
    worker()
    assert UpdateRequest.objects.get().meeting == upcoming
    assert "before the Board meets on 5 February 2019" in mail.outbox[0].body


def test_emails_are_queued_only_once_the_request_is_recorded_one_task_each(
    history, django_capture_on_commit_callbacks, worker
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services_board.update_request_send(plan=history.plan, message="", by=history.coordinator, base_url="http://x/")
    assert not DBTaskResult.objects.exists() and len(callbacks) == 1
    callbacks[0]()
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "board.tasks.send_update_request_email"
    worker()
    assert [email.to for email in mail.outbox] == [["comms@example.org"]]


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("550 mailbox unavailable")


def test_an_email_the_server_refuses_is_tried_again_then_reported_failed_with_its_reason(
    history, settings, signed_in, django_capture_on_commit_callbacks, worker
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    client = signed_in(history.coordinator)
    page = reverse("plans:update_requests", args=[history.plan.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, history.plan).status_code == 302
    (first,) = worker()
    recipient = UpdateRequestRecipient.objects.get(user=history.comms_lead)
    assert (first.return_value, recipient.attempts, recipient.emailed_at) == ("retrying", 1, None)
    assert recipient.retry_at == history.clock.now + tasks.EMAIL_RETRY_AFTER
    assert "Not sent yet (SMTPException: 550 mailbox unavailable); trying again at 12:01pm" in client.get(page).text

    # Each later attempt waits twice as long; the last one fails the task, for the operators' alerts.
    for attempt in range(2, tasks.EMAIL_ATTEMPTS + 1):
        history.clock.now += tasks.EMAIL_RETRY_AFTER * 2 ** (attempt - 1)
        worker()
    ran = worker()
    assert [task.status for task in ran] == ["SUCCESSFUL"] * (tasks.EMAIL_ATTEMPTS - 1) + ["FAILED"]
    recipient.refresh_from_db()
    assert (recipient.attempts, recipient.retry_at, recipient.emailed_at) == (tasks.EMAIL_ATTEMPTS, None, None)
    assert "Failed after 4 attempts: SMTPException: 550 mailbox unavailable" in client.get(page).text


def test_an_email_sent_on_a_later_attempt_shows_when_it_went(
    history, settings, signed_in, django_capture_on_commit_callbacks, worker
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusingBackend"}}
    client = signed_in(history.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, history.plan)
    worker()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    history.clock.now += tasks.EMAIL_RETRY_AFTER
    worker()
    assert [email.to for email in mail.outbox] == [["comms@example.org"]]
    recipient = UpdateRequestRecipient.objects.get(user=history.comms_lead)
    assert recipient.emailed_at == history.clock.now and recipient.attempts == 2
    assert "Sent 20 January 2019, 12:01pm" in client.get(reverse("plans:update_requests", args=[history.plan.pk])).text


def test_nobody_to_ask_and_an_overlong_message_are_refused(history, signed_in):
    client = signed_in(history.coordinator)
    response = send(client, history.plan, "x" * 1001)
    assert "The message must be 1,000 characters or fewer" in response.text
    quiet_plan = f.make_plan(history.council, year="2019-20")
    action = f.make_action(f.make_objective(quiet_plan), due_date=datetime.date(2020, 3, 31))
    f.make_lead(history.education_lead, action)
    board_world.report(action, "green", history.education_lead, "On track")
    response = send(client, quiet_plan)
    assert response.status_code == 200
    assert "No lead has an overdue or stale item in this plan" in response.text
    assert not UpdateRequest.objects.exists()


# Everyone but the coordinator: 403 (those who see the plan) or 404 (another council's coordinator).
CODES = {"coordinator": 200, "lead": 403, "other_lead": 403, "board": 403, "auditor": 403, "outsider": 404}


@pytest.mark.parametrize(("persona", "code"), CODES.items())
def test_only_the_coordinator_asks_for_updates(
    request, world, lead, persona, code, signed_in, django_capture_on_commit_callbacks
):
    """`lead` leads world.action, overdue since March 2019: there is someone to ask."""
    client = signed_in(request.getfixturevalue(persona))
    url = reverse("plans:update_requests", args=[world.plan.pk])
    assert client.get(url).status_code == code
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "Hijack"})
    assert response.status_code == (302 if code == 200 else code)
    assert UpdateRequest.objects.exists() == (code == 200)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_update_requests_need_sign_in(world, client):
    url = reverse("plans:update_requests", args=[world.plan.pk])
    for response in (client.get(url), client.post(url, {"message": "x"})):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not UpdateRequest.objects.exists()
