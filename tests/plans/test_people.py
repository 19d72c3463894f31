"""A council's people and roles on the service's own pages: the coordinator lists them, gives a role to one of
the council's people or partners, and takes one away; accounts are never deleted, and a council keeps a
coordinator. The Django admin is for superusers only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Membership, Role
from tests import factories as f

User = get_user_model()


def people_url(world) -> str:
    return reverse("plans:people", args=[world.council.slug])


def test_the_coordinator_sees_everyone_with_their_roles_in_fixed_queries(
    world, coordinator, board, auditor, lead, signed_in, django_assert_max_num_queries
):
    board.first_name, board.last_name = "Bea", "Chair"
    board.save()
    client = signed_in(coordinator)
    with django_assert_max_num_queries(14):
        page = client.get(people_url(world)).text
    assert "Bea Chair" in page and "Board member" in page and "Auditor" in page
    assert "education-lead" in page and "No role: a partner" in page  # a lead, without a role
    for extra in range(5):
        f.make_member(f.make_user(f"reader-{extra}"), world.council, Role.BOARD)
    with django_assert_max_num_queries(14):
        assert client.get(people_url(world)).status_code == 200


def test_giving_a_partner_a_role(world, coordinator, lead, signed_in):
    response = signed_in(coordinator).post(people_url(world), {"person": lead.pk, "role": Role.BOARD})
    assert response.status_code == 302
    assert Membership.objects.filter(user=lead, council=world.council, role=Role.BOARD).exists()
    history = Membership.history.filter(user_id=lead.pk).get()
    assert history.history_user == coordinator and history.history_type == "+"


def test_nobody_outside_the_council_can_be_given_a_role(world, coordinator, outsider, signed_in):
    response = signed_in(coordinator).post(people_url(world), {"person": outsider.pk, "role": Role.BOARD})
    assert response.status_code == 200
    assert "Select one of the people listed" in response.text
    assert not Membership.objects.filter(user=outsider, council=world.council).exists()


def test_an_empty_form_says_what_is_missing_once_in_govuk_words(world, coordinator, signed_in):
    page = signed_in(coordinator).post(people_url(world), {}).text
    assert page.count("Select the person") == 2  # the summary and the field
    assert page.count("Select the role") == 2
    assert "This field is required" not in page


def test_the_same_role_twice_is_refused(world, coordinator, board, signed_in):
    response = signed_in(coordinator).post(people_url(world), {"person": board.pk, "role": Role.BOARD})
    assert response.status_code == 200
    assert "is already board member for" in response.text
    assert Membership.objects.filter(user=board, role=Role.BOARD).count() == 1


def test_taking_a_role_away_keeps_the_account(world, coordinator, board, signed_in):
    membership = Membership.objects.get(user=board)
    url = reverse("plans:membership_remove", args=[membership.pk])
    client = signed_in(coordinator)
    assert "Take away the role Board member from board?" in client.get(url).text
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    board.refresh_from_db()
    assert board.is_active
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_user == coordinator


def test_the_last_coordinator_cannot_be_taken_away(world, coordinator, signed_in):
    membership = Membership.objects.get(user=coordinator)
    response = signed_in(coordinator).post(reverse("plans:membership_remove", args=[membership.pk]))
    assert response.status_code == 400
    assert "must keep at least one Prevent coordinator" in response.text
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_board_page_links_coordinators_to_the_people(world, coordinator, board, signed_in):
    board_url = reverse("plans:programme_board", args=[world.council.slug])
    assert people_url(world) in signed_in(coordinator).get(board_url).text
    assert people_url(world) not in signed_in(board).get(board_url).text


@pytest.mark.parametrize(("staff", "superuser", "code"), [(True, False, 403), (True, True, 200)])
def test_the_admin_is_for_superusers_only(world, signed_in, staff, superuser, code):
    user = f.make_user("staffer")
    user.is_staff, user.is_superuser = staff, superuser
    user.save()
    client = signed_in(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == code
    assert ("Administration" in client.get(reverse("plans:home")).text) == superuser
