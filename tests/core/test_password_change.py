"""Changing one's password: a GOV.UK form, and every other session of the person ends."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

CHANGE = "/accounts/password/"
NEW = "a-brand-new-passphrase-2027"
HOME = reverse("plans:home")


def change(client: Client, current: str = f.PASSWORD, new: str = NEW, confirm: str | None = None):
    fields = {"old_password": current, "new_password1": new, "new_password2": new if confirm is None else confirm}
    return client.post(CHANGE, fields)


@pytest.fixture
def person(db):
    return f.make_user("coordinator", first_name="Amina", last_name="Begum")


@pytest.fixture
def client_of(person):
    def make() -> Client:
        client = Client()
        assert client.post(reverse("login"), {"username": "coordinator", "password": f.PASSWORD}).status_code == 302
        return client

    return make


def test_the_address_and_the_link_from_every_page(client_of):
    assert reverse("password_change") == CHANGE
    home = client_of().get(HOME).text
    assert f'<a class="govuk-link" href="{CHANGE}">Change your password</a>' in home


def test_the_form_has_gov_uk_labels(client_of):
    page = client_of().get(CHANGE)
    assert page.status_code == 200
    text = page.text.replace("\n", "").replace("  ", "")
    for label in ("Current password", "New password", "Confirm new password"):
        assert f">{label}</label>" in text
    assert "<title>Change your password - Prevent delivery plan tracker</title>" in page.text
    assert 'value="Change password"' in page.text or ">Change password</button>" in page.text
    assert "autofocus" not in page.text


def test_changing_the_password_signs_out_every_other_session_and_keeps_this_one(person, client_of, security_events):
    here, elsewhere = client_of(), client_of()
    assert elsewhere.get(HOME).status_code == 200

    response = change(here)
    assert response.status_code == 302 and response.url == HOME
    page = here.get(HOME)
    assert page.status_code == 200
    assert "Your password has been changed. You have been signed out on every other device." in page.text

    gone = elsewhere.get(HOME)
    assert gone.status_code == 302 and gone.url.startswith(reverse("login"))
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.check_password(f.PASSWORD)
    [changed] = security_events("password_changed")
    assert changed.items() >= {"username": "coordinator", "user_id": person.pk, "path": CHANGE}.items()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"current": "", "new": "", "confirm": ""}, "id_old_password", "Enter your current password"),
        ({"current": "", "new": "", "confirm": ""}, "id_new_password1", "Enter a new password"),
        ({"current": "", "new": "", "confirm": ""}, "id_new_password2", "Confirm your new password"),
        ({"current": "not-my-password"}, "id_old_password", "Your current password is not correct"),
        ({"confirm": "a-different-passphrase-2027"}, "id_new_password2", "Enter the same new password in both fields"),
        ({"new": "short-pw", "confirm": "short-pw"}, "id_new_password1", "must be 12 characters or more"),
        ({"new": "1234567890123456", "confirm": "1234567890123456"}, "id_new_password1", "not only numbers"),
        ({"new": "manchesterunited", "confirm": "manchesterunited"}, "id_new_password1", "is too common"),
        ({"new": "coordinator2", "confirm": "coordinator2"}, "id_new_password1", "must not be like your username"),
        ({"new": f.PASSWORD, "confirm": f.PASSWORD}, "id_new_password1", "must be different from your current"),
    ],
)
def test_a_bad_change_is_refused_with_a_gov_uk_message_and_changes_nothing(person, client_of, fields, field, message):
    client, elsewhere = client_of(), client_of()
    response = change(
        client,
        current=fields.get("current", f.PASSWORD),
        new=fields.get("new", NEW),
        confirm=fields.get("confirm"),
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'<a href="#{field}">' in response.text and message in response.text
    person.refresh_from_db()
    assert person.check_password(f.PASSWORD)
    assert elsewhere.get(HOME).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={CHANGE}"
    assert client.post(CHANGE, {"old_password": "x"}).status_code == 302


def test_only_get_and_post(client_of):
    client = client_of()
    assert client.put(CHANGE).status_code == 405
    assert client.delete(CHANGE).status_code == 405
