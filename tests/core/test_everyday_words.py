"""The same words everywhere: people by their full name, UK times in GOV.UK style, files by type and size, one name
for the service (pages and emails), no beta banner on the public page; items with updates are withdrawn, not
deleted, and link to their plan's dashboard; form buttons ignore a second press."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from actions.models import StatusUpdate
from core.context_processors import SERVICE_NAME
from core.templatetags.people_and_times import file_description, person, uk_datetime, uk_time
from publication.services import plan_publish
from tests import factories as f

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.datetime(2018, 9, 1, 13, 30, tzinfo=datetime.UTC), "1 September 2018, 2:30pm"),  # BST
        (datetime.datetime(2018, 12, 1, 14, 0, tzinfo=datetime.UTC), "1 December 2018, 2pm"),  # GMT
        (datetime.datetime(2018, 12, 1, 12, 0, tzinfo=datetime.UTC), "1 December 2018, midday"),
        (datetime.datetime(2018, 12, 1, 0, 0, tzinfo=datetime.UTC), "1 December 2018, midnight"),
        (datetime.datetime(2018, 12, 1, 9, 5, tzinfo=datetime.UTC), "1 December 2018, 9:05am"),
    ],
)
def test_moments_are_shown_in_uk_time_govuk_style(moment, shown):
    assert uk_datetime(moment) == shown
    assert uk_time(moment) == shown.split(", ")[1]


def test_people_are_shown_by_full_name_else_username(db):
    User = get_user_model()
    assert person(User(username="jb", first_name="Jo", last_name="Bloggs")) == "Jo Bloggs"
    assert person(User(username="jb")) == "jb"


def test_files_say_their_type_and_size(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.storage import default_storage

    name = default_storage.save("evidence/minutes.pdf", ContentFile(b"x" * 123_000))
    stored = default_storage.open(name)
    assert file_description(stored) == "PDF, 120 KB"
    missing = StatusUpdate(evidence="evidence/gone.docx").evidence
    assert file_description(missing) == "Word document"  # gone from the storage: the type still shows


def test_an_action_with_updates_offers_withdraw_not_delete_and_links_to_the_dashboard(
    world, coordinator, signed_in, settings, tmp_path
):
    client = signed_in(coordinator)
    dashboard = reverse("plans:dashboard", args=[world.plan.pk])
    before = client.get(world.action.get_absolute_url()).text
    assert "Delete action" in before and dashboard in before
    settings.MEDIA_ROOT = tmp_path
    f.evidenced_updates(world.action, world.project, by=coordinator, media_root=tmp_path)
    for item in (world.action, world.project):
        page = client.get(item.get_absolute_url()).text
        assert "Withdraw" in page and "Delete action" not in page and "Delete project" not in page
        assert dashboard in page
        assert "Evidence: minutes.pdf (PDF, 16 bytes)" in page
        assert 'class="moj-timeline"' in page


def test_form_buttons_ignore_a_second_press(world, coordinator, signed_in):
    page = signed_in(coordinator).get(reverse("actions:update_status", args=[world.action.pk])).text
    assert 'data-prevent-double-click="true"' in page


def test_the_public_page_has_no_beta_banner_and_every_page_one_service_name(world, coordinator, signed_in):
    world.plan.refresh_from_db()
    plan = plan_publish(plan=world.plan, public=True, by=coordinator, expected_version=world.plan.version)
    public = signed_in(None).get(reverse("plans:published", args=[plan.council.slug, plan.year])).text
    assert "govuk-phase-banner" not in public
    home = signed_in(coordinator).get(reverse("plans:home")).text
    assert "govuk-phase-banner" in home
    for page in (public, home):
        assert f" - {SERVICE_NAME}</title>" in page
        assert "Prevent Delivery Plans</span>" not in page


def test_invitation_emails_sign_off_with_the_service_name(
    world, coordinator, signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(coordinator).post(
            reverse("plans:invite", args=[world.plan.pk]),
            {"name": "Sam Lead", "email": "sam@example.org", "agency": "NHS Tower Hamlets"},
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.rstrip().endswith(SERVICE_NAME)
