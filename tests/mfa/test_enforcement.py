"""Who is asked for a second factor, and what works before they give it (mfa/middleware.py)."""

import time

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from mfa import policy
from plans.models import Role
from tests import factories as f

from .helpers import code_for, set_up_authenticator, signed_in_with_password


def dashboard(world) -> str:
    return reverse("plans:dashboard", args=[world.plan.pk])


@pytest.mark.django_db
def test_a_coordinator_without_an_app_is_sent_to_set_one_up_before_the_dashboard(world, coordinator, require_mfa):
    client = signed_in_with_password(coordinator)
    response = client.get(dashboard(world))
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa:set_up')}?next=%2Fplans%2F{world.plan.pk}%2Fdashboard%2F"
    # Every other page of the service answers the same, writes included, and nothing is written.
    assert client.get(reverse("plans:home")).url.startswith(reverse("mfa:set_up"))
    response = client.post(reverse("plans:edit", args=[world.plan.pk]), {"title": "Hijack"})
    assert response.status_code == 302 and response.url == reverse("mfa:set_up")


@pytest.mark.django_db
def test_a_coordinator_with_an_app_must_enter_its_code_before_the_dashboard(world, coordinator, require_mfa):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    response = client.get(dashboard(world))
    assert response.status_code == 302
    assert response.url == f"{reverse('mfa:verify')}?next=%2Fplans%2F{world.plan.pk}%2Fdashboard%2F"

    response = client.post(reverse("mfa:verify"), {"code": code_for(device), "next": dashboard(world)})
    assert response.status_code == 302 and response.url == dashboard(world)
    assert client.get(dashboard(world)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["board", "lead"])
def test_board_members_and_leads_are_not_asked(world, persona, request, require_mfa):
    user = request.getfixturevalue(persona)
    client = signed_in_with_password(user)
    assert client.get(reverse("plans:home")).status_code == 200
    assert client.get(reverse("plans:detail", args=[world.plan.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["auditor", "outsider"])
def test_auditors_and_coordinators_of_any_council_are_asked(world, persona, request, signed_in, require_mfa):
    """The outsider is a coordinator of another council only: still someone who can change a plan."""
    client = signed_in(request.getfixturevalue(persona))
    assert client.get(reverse("plans:home")).url.startswith(reverse("mfa:set_up"))


@pytest.mark.django_db
def test_the_admin_asks_superusers_for_the_same_second_factor(signed_in, require_mfa):
    admin = f.make_user("admin", is_staff=True, is_superuser=True)
    client = signed_in(admin)
    assert client.get("/admin/").url == f"{reverse('mfa:set_up')}?next=%2Fadmin%2F"
    assert client.get("/admin/auth/user/").url.startswith(reverse("mfa:set_up"))
    device, _ = set_up_authenticator(admin)
    client = signed_in(admin)
    assert client.get("/admin/").url.startswith(reverse("mfa:verify"))
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_with_mfa_off_nobody_must_set_it_up_but_whoever_did_is_asked(world, coordinator, board, signed_in, settings):
    settings.REQUIRE_MFA = False
    assert signed_in(coordinator).get(dashboard(world)).status_code == 200
    set_up_authenticator(board)
    assert signed_in(board).get(dashboard(world)).url.startswith(reverse("mfa:verify"))


@pytest.mark.django_db
def test_a_board_member_who_chose_an_app_is_asked_for_it(world, board, require_mfa):
    device, _ = set_up_authenticator(board)
    client = signed_in_with_password(board)
    assert client.get(dashboard(world)).url.startswith(reverse("mfa:verify"))
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    assert client.get(dashboard(world)).status_code == 200


@pytest.mark.django_db
def test_sign_out_public_pages_and_the_second_factor_pages_work_before_verifying(world, coordinator, require_mfa):
    client = signed_in_with_password(coordinator)
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("mfa:set_up")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("plans:home")).url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_role_given_during_a_session_is_asked_for_within_minutes(world, board, signed_in, require_mfa):
    client = signed_in(board)
    assert client.get(dashboard(world)).status_code == 200
    f.make_member(board, world.council, Role.COORDINATOR)
    assert client.get(dashboard(world)).status_code == 200  # the decision made at sign-in still holds
    session = client.session
    required, has_app, checked = session[policy.SESSION_KEY]
    session[policy.SESSION_KEY] = [required, has_app, checked - policy.RECHECK_SECONDS]
    session.save()
    assert client.get(dashboard(world)).url.startswith(reverse("mfa:set_up"))


@pytest.mark.django_db
def test_verifying_gives_the_session_a_new_key(world, coordinator, require_mfa):
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    before = client.cookies["sessionid"].value
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    assert client.cookies["sessionid"].value != before
    assert client.get(dashboard(world)).status_code == 200


@pytest.mark.django_db
def test_a_request_pays_no_query_for_the_decision_made_at_sign_in(
    world, board: AbstractBaseUser, signed_in, require_mfa, django_assert_num_queries
):
    """Sign-in decides; a later page reads the session only, as it did before two-factor authentication."""
    client = signed_in(board)
    url = reverse("accessibility")
    with django_assert_num_queries(2):  # the session and its user
        assert client.get(url).status_code == 200
    assert time.time() - client.session[policy.SESSION_KEY][2] < policy.RECHECK_SECONDS


@pytest.mark.django_db
def test_a_verified_session_reads_its_device_once_a_request(world, coordinator, require_mfa, django_assert_num_queries):
    """django_otp's OTPMiddleware loads the device that verified the session: the one query a page pays for it."""
    device, _ = set_up_authenticator(coordinator)
    client = signed_in_with_password(coordinator)
    client.post(reverse("mfa:verify"), {"code": code_for(device)})
    with django_assert_num_queries(3) as queries:  # the session, its user and its device
        assert client.get(reverse("accessibility")).status_code == 200
    assert "otp_totp_totpdevice" in queries.captured_queries[-1]["sql"]
