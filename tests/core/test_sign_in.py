import pytest
from django.urls import reverse

from tests import factories as f

SIGN_IN = "/accounts/login/"


@pytest.mark.django_db
def test_sign_in_page_has_the_contract_labels_and_button(client):
    page = client.get(SIGN_IN).text
    assert ">Username</label>" in page.replace("\n", "").replace("  ", "")
    assert ">Password</label>" in page.replace("\n", "").replace("  ", "")
    assert 'value="Sign in"' in page or ">Sign in</button>" in page
    assert "<title>Sign in - Prevent delivery plan tracker</title>" in page


@pytest.mark.django_db
def test_signing_in_lands_on_the_persons_own_page(client):
    f.make_user("coordinator")
    response = client.post(SIGN_IN, {"username": "coordinator", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("plans:start")


@pytest.mark.django_db
def test_signing_in_returns_to_the_page_asked_for(client):
    f.make_user("coordinator")
    response = client.post(SIGN_IN + "?next=/accessibility/", {"username": "coordinator", "password": f.PASSWORD})
    assert response.url == "/accessibility/"


@pytest.mark.django_db
def test_sign_in_never_redirects_off_site(client):
    f.make_user("coordinator")
    response = client.post(SIGN_IN + "?next=https://evil.example/", {"username": "coordinator", "password": f.PASSWORD})
    assert response.url == reverse("plans:start")


@pytest.mark.django_db
def test_a_failed_sign_in_does_not_reveal_whether_the_username_exists(client):
    f.make_user("coordinator")
    wrong_password = client.post(SIGN_IN, {"username": "coordinator", "password": "not-the-password"})
    unknown_user = client.post(SIGN_IN, {"username": "nobody-by-this-name", "password": "not-the-password"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    for response in (wrong_password, unknown_user):
        assert "There is a problem" in response.text
        assert "Enter a correct username and password" in response.text
        assert "<title>Error: Sign in - Prevent delivery plan tracker</title>" in response.text
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_inactive_account_gets_the_same_answer_as_a_wrong_password(client):
    f.make_user("gone", is_active=False)
    response = client.post(SIGN_IN, {"username": "gone", "password": f.PASSWORD})
    assert "Enter a correct username and password" in response.text
    assert "inactive" not in response.text.lower()


@pytest.mark.django_db
def test_empty_fields_get_gov_uk_error_messages_linked_to_the_fields(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})
    assert '<a href="#id_username">Enter your username</a>' in response.text
    assert '<a href="#id_password">Enter your password</a>' in response.text


@pytest.mark.django_db
def test_a_username_too_long_for_any_account_is_refused_before_it_is_checked(client):
    """A 300-character username once reached django-axes, whose record of the failure holds 255: a server error
    on PostgreSQL for anyone who posted one."""
    response = client.post(SIGN_IN, {"username": "x" * 300, "password": "any password"})
    assert response.status_code == 200
    assert "Username must be 150 characters or fewer" in response.text
    assert "Enter a correct username and password" not in response.text


@pytest.mark.django_db
def test_sign_out_is_a_post_and_ends_the_session(client):
    user = f.make_user()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get(reverse("plans:home")).status_code == 302


@pytest.mark.django_db
def test_the_admin_uses_the_service_sign_in(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)


@pytest.mark.django_db
def test_error_pages_are_styled(client, settings):
    user = f.make_user()
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found - Prevent delivery plan tracker" in response.text
    assert "govuk-template" in response.text
