"""Leads who have no account: invited by email, a single-use link to set a password (issue 16, item 8)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions.access import can_update_status
from core.access import leads_of
from plans.access import people_of
from plans.models import Invitation
from tests import factories as f

NEW_LEAD = {"name": "Sam Okafor", "email": "Sam.Okafor@police.example.org", "agency": "Metropolitan Police"}


def invite(client, world, **item) -> object:
    query = "&".join(f"{key}={value}" for key, value in item.items())
    url = reverse("plans:invite", args=[world.plan.pk]) + (f"?{query}" if query else "")
    return client.post(url, NEW_LEAD)


def link_in(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def invited(world, coordinator, signed_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(signed_in(coordinator), world, action=world.other_action.pk)
    assert response.status_code == 302
    return Invitation.objects.select_related("user").get()


def test_the_invited_lead_gets_an_inactive_partner_account_and_an_email(world, invited, coordinator):
    user = invited.user
    assert (user.username, user.email, user.get_full_name()) == ("sam.okafor@police.example.org",) * 2 + ("Sam Okafor",)
    assert not user.is_active and not user.has_usable_password()
    assert (invited.council, invited.agency, invited.invited_by) == (world.council, "Metropolitan Police", coordinator)
    assert people_of(world.council).filter(pk=user.pk).exists()
    assert not people_of(world.elsewhere).filter(pk=user.pk).exists()
    # Lead of the action at once, but an inactive account holds no permission.
    assert user in leads_of(world.other_action)
    assert not can_update_status(user, world.other_action)
    [message] = mail.outbox
    assert message.to == ["sam.okafor@police.example.org"]
    assert "Metropolitan Police" in message.body and "Tower Hamlets test council" in message.body
    assert "/invitations/" in link_in(message)
    assert invited.history.get().history_user == coordinator


def test_accepting_sets_the_password_and_the_lead_updates_their_action(world, invited, client):
    path = path_of(link_in(mail.outbox[0]))
    page = client.get(path)
    assert page.status_code == 200 and "sam.okafor@police.example.org" in page.content.decode()
    password = "a-fresh-partner-password-77"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302 and response.url == reverse("plans:mine")
    user = get_user_model().objects.get(pk=invited.user.pk)
    assert user.is_active and user.check_password(password)
    invited.refresh_from_db()
    assert invited.accepted_at is not None
    # Signed in now, they report on the action they were invited for, and on nothing else.
    assert client.get(reverse("actions:update_status", args=[world.other_action.pk])).status_code == 200
    assert client.get(reverse("actions:update_status", args=[world.action.pk])).status_code == 403


def test_a_used_link_is_refused(invited, client):
    path = path_of(link_in(mail.outbox[0]))
    password = "a-fresh-partner-password-77"
    client.post(path, {"new_password1": password, "new_password2": password})
    other = type(client)()
    assert other.get(path).status_code == 404
    response = other.post(path, {"new_password1": "another-password-123x", "new_password2": "another-password-123x"})
    assert response.status_code == 404
    assert get_user_model().objects.get(pk=invited.user.pk).check_password(password)


@pytest.mark.parametrize("tamper", ["token", "user", "garbage"])
def test_a_tampered_link_is_refused(invited, client, tamper):
    path = path_of(link_in(mail.outbox[0]))
    _, _, uidb64, token, _ = path.split("/")
    other = f.make_user("someone-else")
    Invitation.objects.create(
        user=other, council=invited.council, agency="NHS", invited_by=invited.invited_by, sent_at=timezone.now()
    )
    if tamper == "token":
        token = token[:-1] + ("0" if token[-1] != "0" else "1")
    elif tamper == "user":
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        uidb64 = urlsafe_base64_encode(force_bytes(other.pk))
    else:
        uidb64, token = "%%%", "not-a-token"
    bad = reverse("plans:invitation_accept", args=[uidb64, token])
    assert client.get(bad).status_code == 404
    client.post(bad, {"new_password1": "x-strong-password-99", "new_password2": "x-strong-password-99"})
    assert not get_user_model().objects.get(pk=invited.user.pk).is_active


def test_an_expired_link_is_refused(invited, client, settings):
    path = path_of(link_in(mail.outbox[0]))
    Invitation.objects.filter(pk=invited.pk).update(sent_at=invited.sent_at)  # unchanged: the link still works
    assert client.get(path).status_code == 200
    settings.INVITATION_EXPIRY_DAYS = 0
    assert client.get(path).status_code == 404


def test_sending_again_voids_the_earlier_link(
    invited, coordinator, signed_in, client, django_capture_on_commit_callbacks
):
    first = path_of(link_in(mail.outbox[0]))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(coordinator).post(reverse("plans:invitation_resend", args=[invited.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    second = path_of(link_in(mail.outbox[1]))
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_accepted_invitation_is_not_sent_again(invited, coordinator, signed_in, client):
    path = path_of(link_in(mail.outbox[0]))
    client.post(path, {"new_password1": "a-fresh-partner-password-77", "new_password2": "a-fresh-partner-password-77"})
    response = signed_in(coordinator).post(reverse("plans:invitation_resend", args=[invited.pk]), follow=True)
    assert "has already accepted the invitation" in response.content.decode()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**NEW_LEAD, "email": "not-an-address"}, "Enter an email address in the correct format"),
        ({**NEW_LEAD, "name": ""}, "Enter the lead&#x27;s full name"),
        ({**NEW_LEAD, "agency": ""}, "Enter the lead&#x27;s agency"),
        ({**NEW_LEAD, "agency": "x" * 201}, "Agency must be 200 characters or fewer"),
        (
            {**NEW_LEAD, "email": "COORDINATOR@example.org"},
            "already has an account: make them a lead by their username",
        ),
    ],
)
def test_bad_invitations_are_refused_and_change_nothing(world, coordinator, signed_in, data, message):
    coordinator.email = "coordinator@example.org"
    coordinator.save()
    users = get_user_model().objects.count()
    response = signed_in(coordinator).post(reverse("plans:invite", args=[world.plan.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.count() == users and not Invitation.objects.exists() and not mail.outbox


def test_an_item_of_another_plan_cannot_be_named(world, coordinator, signed_in):
    url = reverse("plans:invite", args=[world.plan.pk]) + f"?action={world.elsewhere_action.pk}"
    assert signed_in(coordinator).post(url, NEW_LEAD).status_code == 404
    url = reverse("plans:invite", args=[world.plan.pk]) + "?project=nope"
    assert signed_in(coordinator).post(url, NEW_LEAD).status_code == 404
    assert not Invitation.objects.exists()


def test_the_action_and_project_forms_link_to_the_invitation(world, coordinator, signed_in):
    client = signed_in(coordinator)
    page = client.get(reverse("actions:edit", args=[world.action.pk])).content.decode()
    assert f"{reverse('plans:invite', args=[world.plan.pk])}?action={world.action.pk}" in page
    page = client.get(reverse("projects:edit", args=[world.project.pk])).content.decode()
    assert f"{reverse('plans:invite', args=[world.plan.pk])}?project={world.project.pk}" in page


def test_the_update_request_page_lists_items_whose_lead_has_no_account(world, coordinator, signed_in, lead):
    """world.other_action is overdue and stale with no lead; world.action has its lead."""
    world.other_action.due_date = datetime.date(2018, 9, 30)
    world.other_action.save()
    client = signed_in(coordinator)
    page = client.get(reverse("plans:update_requests", args=[world.plan.pk])).content.decode()
    assert "Items whose lead has no account" in page
    assert f"?action={world.other_action.pk}" in page
    assert f"?action={world.action.pk}" not in page  # led by someone who can be asked

    back = reverse("plans:update_requests", args=[world.plan.pk])
    response = invite(client, world, action=world.other_action.pk, next=back)
    assert response.status_code == 302 and response.url == back
    page = client.get(back).content.decode()
    invitation = Invitation.objects.get()
    assert "not accepted yet" in page
    assert reverse("plans:invitation_resend", args=[invitation.pk]) in page


def test_the_invitation_never_sends_anyone_off_the_site(world, coordinator, signed_in):
    response = invite(signed_in(coordinator), world, next="//evil.example.org/")
    assert response.status_code == 302 and response.url == world.plan.get_absolute_url()


def test_the_update_request_page_costs_the_same_for_one_item_without_a_lead_as_for_many(
    world, coordinator, signed_in, django_assert_max_num_queries
):
    """Each unled item with an invitation waiting: the page reads them all at once, not two queries an item."""
    client = signed_in(coordinator)
    url = reverse("plans:update_requests", args=[world.plan.pk])

    def overdue_and_invited(number: int) -> None:
        action = f.make_action(world.action.objective, reference=f"9.{number}", due_date=datetime.date(2018, 9, 30))
        url = reverse("plans:invite", args=[world.plan.pk]) + f"?action={action.pk}"
        assert client.post(url, {**NEW_LEAD, "email": f"lead{number}@partner.example.org"}).status_code == 302

    overdue_and_invited(1)
    with django_assert_max_num_queries(100) as one:
        client.get(url)
    budget = len(one.captured_queries)
    for number in range(2, 8):
        overdue_and_invited(number)
    with django_assert_max_num_queries(budget):
        page = client.get(url).content.decode()
    assert page.count("not accepted yet") == 7
