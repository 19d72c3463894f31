"""Deleting a person in the Django admin: refused, with deactivation offered, when the record names them."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions import services as action_services
from actions.models import StatusUpdate
from plans.models import Role
from tests import factories as f

User = get_user_model()


@pytest.fixture
def administrator(db):
    return User.objects.create_superuser("admin", "admin@example.gov.uk", f.PASSWORD)


@pytest.fixture
def reporter(world):
    """A lead who has reported once: a status update and history entries name them."""
    user = f.make_user("reporter")
    f.make_lead(user, world.action)
    action_services.action_update_status(
        action=world.action,
        rag="amber",
        commentary="Venue lost; new date being agreed",
        as_of=datetime.date(2018, 9, 3),
        evidence=None,
        by=user,
        expected_version=world.action.version,
    )
    return user


def delete_url(user) -> str:
    return reverse("admin:auth_user_delete", args=[user.pk])


def test_a_person_the_record_names_is_not_deleted_and_deactivation_is_offered(reporter, administrator, signed_in):
    client = signed_in(administrator)
    for method in ("get", "post"):
        response = getattr(client, method)(delete_url(reporter), {"post": "yes"} if method == "post" else None)
        assert response.status_code == 200
        page = response.text
        assert "reporter cannot be deleted: the record names them in" in page
        assert "1 status update" in page and "history records" in page
        assert "Deactivate the account instead" in page
        assert 'value="deactivate"' in page
    assert User.objects.filter(pk=reporter.pk).exists()
    assert StatusUpdate.objects.get().created_by == reporter


def test_the_refusal_offers_a_deactivation_that_works(reporter, administrator, signed_in):
    response = signed_in(administrator).post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "index": "0", ACTION_CHECKBOX_NAME: [reporter.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Deactivated 1 person" in response.text
    reporter.refresh_from_db()
    assert not reporter.is_active
    # The sign-in form refuses them (django-axes wants a request, so Client.login() cannot be used).
    refused = signed_in(None).post(reverse("login"), {"username": "reporter", "password": f.PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session


def test_someone_with_a_role_is_named_by_the_history_of_memberships(world, administrator, signed_in):
    member = f.make_user("member")
    f.make_member(member, world.council, Role.BOARD)
    response = signed_in(administrator).post(delete_url(member), {"post": "yes"})
    assert "member cannot be deleted: the record names them in 1 history records" in response.text
    assert User.objects.filter(pk=member.pk).exists()


def test_a_person_who_has_done_nothing_can_still_be_deleted(db, administrator, signed_in):
    newcomer = f.make_user("newcomer")
    client = signed_in(administrator)
    assert "Are you sure you want to delete" in client.get(delete_url(newcomer)).text
    response = client.post(delete_url(newcomer), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_people_are_never_deleted_in_bulk(administrator, signed_in):
    response = signed_in(administrator).get(reverse("admin:auth_user_changelist"))
    assert 'value="delete_selected"' not in response.text
    assert 'value="deactivate"' in response.text
