"""The coordinator's pages for recording reviews and their recommendations."""

import datetime

import pytest
from django.urls import reverse

from peer_review.models import Recommendation, Review
from tests import factories as f


def review_post(**overrides) -> dict:
    data = {
        "title": "Scrutiny Review 2019",
        "kind": "scrutiny_review",
        "date_0": "14",
        "date_1": "3",
        "date_2": "2019",
        "summary": "The committee looked at referrals.",
        "areas": "Referrals\n\n  Training  \n",
        "key_findings": "Referrals are low\nTraining is good",
    }
    return {**data, **overrides}


def recommendation_post(**overrides) -> dict:
    data = {"number": "5", "text": "Publish the referral figures", "theme": "Openness", "owner": "Community Safety"}
    return {**data, **overrides}


@pytest.fixture
def review(world) -> Review:
    return world.recommendation.review


URLS = {
    "review_create": lambda world: reverse("peer_review:review_create", args=[world.plan.pk]),
    "review_edit": lambda world: reverse("peer_review:review_edit", args=[world.recommendation.review_id]),
    "recommendation_create": lambda world: reverse(
        "peer_review:recommendation_create", args=[world.recommendation.review_id]
    ),
    "recommendation_edit": lambda world: reverse("peer_review:recommendation_edit", args=[world.unanswered.pk]),
    "recommendation_delete": lambda world: reverse("peer_review:recommendation_delete", args=[world.unanswered.pk]),
}


def unchanged(world) -> bool:
    world.unanswered.refresh_from_db()
    review = Review.objects.get(pk=world.recommendation.review_id)
    return (
        world.unanswered.version == 1
        and review.version == 1
        and Review.objects.count() == 2
        and Recommendation.objects.count() == 3
    )


# Access, for every page


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("persona", ["lead", "board", "auditor"])
def test_people_who_see_the_review_but_do_not_coordinate_are_refused(request, world, signed_in, page, persona):
    client = signed_in(request.getfixturevalue(persona))
    url = URLS[page](world)
    assert client.get(url).status_code == 403
    assert client.post(url, {**review_post(), **recommendation_post(), "version": 1}).status_code == 403
    assert unchanged(world)


@pytest.mark.parametrize("page", URLS)
def test_another_councils_coordinator_gets_not_found(world, outsider, signed_in, page):
    url = URLS[page](world)
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(outsider).post(url, {**review_post(), **recommendation_post(), "version": 1}).status_code == 404
    assert signed_in(f.make_user()).get(url).status_code == 404
    assert unchanged(world)


@pytest.mark.parametrize("page", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(world, client, page):
    url = URLS[page](world)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", URLS)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(world, coordinator, signed_in, page, method):
    assert getattr(signed_in(coordinator), method)(URLS[page](world)).status_code == 405


def test_the_coordinator_cannot_reach_another_councils_reviews(world, coordinator, signed_in):
    client = signed_in(coordinator)
    elsewhere = world.elsewhere_recommendation
    assert client.get(reverse("peer_review:review", args=[elsewhere.review_id])).status_code == 404
    assert client.get(reverse("peer_review:review_edit", args=[elsewhere.review_id])).status_code == 404
    assert client.get(reverse("peer_review:review_create", args=[world.elsewhere_plan.pk])).status_code == 404
    assert (
        client.post(reverse("peer_review:recommendation_delete", args=[elsewhere.pk]), {"version": 1}).status_code
        == 404
    )
    assert Recommendation.objects.filter(pk=elsewhere.pk).exists()


# The review page


@pytest.mark.parametrize("persona", ["coordinator", "lead", "board", "auditor"])
def test_the_review_page_shows_the_review_to_everyone_who_sees_the_plan(request, world, review, signed_in, persona):
    response = signed_in(request.getfixturevalue(persona)).get(reverse("peer_review:review", args=[review.pk]))
    assert response.status_code == 200
    assert review.title in response.text
    assert world.recommendation.text in response.text and world.unanswered.text in response.text
    assert world.recommendation.get_absolute_url() in response.text
    edit_link = reverse("peer_review:review_edit", args=[review.pk])
    assert (edit_link in response.text) is (persona == "coordinator")


def test_the_review_page_hides_from_others_and_needs_sign_in(world, review, outsider, signed_in, client):
    url = reverse("peer_review:review", args=[review.pk])
    assert signed_in(outsider).get(url).status_code == 404
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("method", ["post", "delete"])
def test_the_review_page_refuses_other_methods(world, review, coordinator, signed_in, method):
    assert getattr(signed_in(coordinator), method)(reverse("peer_review:review", args=[review.pk])).status_code == 405


def test_the_recommendation_page_links_its_edit_pages_for_coordinators_only(world, coordinator, board, signed_in):
    edit = reverse("peer_review:recommendation_edit", args=[world.recommendation.pk])
    assert edit in signed_in(coordinator).get(world.recommendation.get_absolute_url()).text
    assert edit not in signed_in(board).get(world.recommendation.get_absolute_url()).text


# Reviews


def test_the_coordinator_adds_a_review_for_the_plans_council(world, coordinator, signed_in):
    response = signed_in(coordinator).post(URLS["review_create"](world), review_post())
    added = Review.objects.get(title="Scrutiny Review 2019")
    assert response.status_code == 302 and response.url == reverse("peer_review:review", args=[added.pk])
    assert added.council == world.council
    assert added.slug == "scrutiny-review-2019"
    assert added.kind == Review.Kind.SCRUTINY_REVIEW
    assert added.date == datetime.date(2019, 3, 14)
    assert added.areas == "Referrals\nTraining"  # one per line, blank lines dropped
    assert added.key_findings == "Referrals are low\nTraining is good"
    assert added.history.get().history_user == coordinator


def test_review_slugs_are_unique_within_a_council(world, coordinator, signed_in):
    client = signed_in(coordinator)
    f.make_review(world.elsewhere, slug="peer-review-2018", title="Peer Review 2018")
    for _ in range(2):
        client.post(URLS["review_create"](world), review_post(title="Peer Review 2018"))
    slugs = set(Review.objects.filter(council=world.council, title="Peer Review 2018").values_list("slug", flat=True))
    assert {"peer-review-2018", "peer-review-2018-2"} <= slugs


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"kind": ""}, "Select the kind of review"),
        ({"kind": "inspection"}, "Select the kind of review"),
        ({"date_2": ""}, "Date of the review must include a year"),
        ({"date_0": "30", "date_1": "2"}, "Date of the review must be a real date"),
        ({"date_1": ""}, "Date of the review must include a month"),
        ({"date_1": "13", "date_0": ""}, "Date of the review must be a real date"),
    ],
)
def test_bad_review_input_is_explained_and_nothing_is_saved(world, coordinator, signed_in, overrides, message):
    response = signed_in(coordinator).post(URLS["review_create"](world), review_post(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert Review.objects.count() == 2


def test_the_coordinator_changes_a_review_and_its_slug_stays(world, review, coordinator, signed_in):
    slug = review.slug
    url = URLS["review_edit"](world)
    client = signed_in(coordinator)
    assert review.title in client.get(url).text
    response = client.post(url, review_post(version=1))
    assert response.status_code == 302 and response.url == reverse("peer_review:review", args=[review.pk])
    review.refresh_from_db()
    assert (review.title, review.kind, review.date) == (
        "Scrutiny Review 2019",
        "scrutiny_review",
        datetime.date(2019, 3, 14),
    )
    assert review.slug == slug and review.version == 2
    assert review.history.first().history_user == coordinator


def test_bad_review_changes_are_explained_and_nothing_is_saved(world, review, coordinator, signed_in):
    response = signed_in(coordinator).post(URLS["review_edit"](world), review_post(version=1, title=""))
    assert response.status_code == 200 and "Enter a title" in response.text
    review.refresh_from_db()
    assert review.title == "Peer Review 2018" and review.version == 1


def test_a_stale_review_form_never_overwrites_a_newer_save(world, review, coordinator, signed_in):
    client = signed_in(coordinator)
    url = URLS["review_edit"](world)
    client.post(url, review_post(version=1, summary="Their summary"))
    response = client.post(url, review_post(version=1, summary="My summary"))
    assert response.status_code == 409
    assert "Their summary" in response.text and "My summary" in response.text
    review.refresh_from_db()
    assert review.summary == "Their summary" and review.version == 2


# Recommendations


def test_the_add_form_offers_the_next_number(world, coordinator, signed_in):
    response = signed_in(coordinator).get(URLS["recommendation_create"](world))
    assert response.status_code == 200 and 'name="number" value="3"' in response.text


def test_the_coordinator_adds_a_recommendation(world, review, coordinator, signed_in):
    response = signed_in(coordinator).post(URLS["recommendation_create"](world), recommendation_post())
    assert response.status_code == 302 and response.url == reverse("peer_review:review", args=[review.pk])
    added = review.recommendations.get(number=5)
    assert (added.text, added.theme, added.owner) == ("Publish the referral figures", "Openness", "Community Safety")
    assert added.history.get().history_user == coordinator


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"number": ""}, "Enter the recommendation number"),
        ({"number": "-1"}, "The recommendation number must be a whole number between 1 and 99"),
        ({"number": "2"}, "This review already has a recommendation 2: choose another number"),
        ({"text": ""}, "Enter the recommendation"),
    ],
)
def test_bad_recommendation_input_is_explained_and_nothing_is_saved(world, coordinator, signed_in, overrides, message):
    response = signed_in(coordinator).post(URLS["recommendation_create"](world), recommendation_post(**overrides))
    assert response.status_code == 200
    assert "There is a problem" in response.text and message in response.text
    assert Recommendation.objects.count() == 3


def test_the_coordinator_changes_a_recommendation(world, coordinator, signed_in):
    response = signed_in(coordinator).post(URLS["recommendation_edit"](world), recommendation_post(version=1))
    assert response.status_code == 302 and response.url == world.unanswered.get_absolute_url()
    world.unanswered.refresh_from_db()
    assert (world.unanswered.number, world.unanswered.text, world.unanswered.version) == (
        5,
        "Publish the referral figures",
        2,
    )
    assert world.unanswered.history.first().history_user == coordinator


def test_a_recommendation_cannot_take_anothers_number(world, coordinator, signed_in):
    response = signed_in(coordinator).post(
        URLS["recommendation_edit"](world), recommendation_post(version=1, number="1")
    )
    assert response.status_code == 200
    assert "This review already has a recommendation 1: choose another number" in response.text
    world.unanswered.refresh_from_db()
    assert world.unanswered.number == 2 and world.unanswered.version == 1


def test_a_stale_recommendation_form_never_overwrites_a_newer_save(world, coordinator, signed_in):
    client = signed_in(coordinator)
    url = URLS["recommendation_edit"](world)
    client.post(url, recommendation_post(version=1, text="Their wording"))
    response = client.post(url, recommendation_post(version=1, text="My wording"))
    assert response.status_code == 409
    assert "Their wording" in response.text and "My wording" in response.text
    world.unanswered.refresh_from_db()
    assert world.unanswered.text == "Their wording" and world.unanswered.version == 2


def test_the_coordinator_deletes_an_unanswered_recommendation(world, review, coordinator, signed_in):
    client = signed_in(coordinator)
    url = URLS["recommendation_delete"](world)
    page = client.get(url)
    assert page.status_code == 200 and "Delete recommendation 2?" in page.text
    response = client.post(url, {"version": 1})
    assert response.status_code == 302 and response.url == reverse("peer_review:review", args=[review.pk])
    assert not Recommendation.objects.filter(pk=world.unanswered.pk).exists()
    deletion = Recommendation.history.get(id=world.unanswered.pk, history_type="-")
    assert deletion.history_user == coordinator


def test_an_answered_recommendation_cannot_be_deleted(world, coordinator, signed_in):
    client = signed_in(coordinator)
    url = reverse("peer_review:recommendation_delete", args=[world.recommendation.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "This recommendation cannot be deleted" in page.text
    assert world.action.get_absolute_url() in page.text
    assert "govuk-button--warning" not in page.text
    response = client.post(url, {"version": 1})
    assert response.status_code == 409 and "This recommendation cannot be deleted" in response.text
    assert Recommendation.objects.filter(pk=world.recommendation.pk).exists()
    assert world.action.answers.filter(pk=world.recommendation.pk).exists()


def test_a_recommendation_changed_since_the_confirmation_opened_is_not_deleted(world, coordinator, signed_in):
    client = signed_in(coordinator)
    client.post(URLS["recommendation_edit"](world), recommendation_post(version=1, text="Newer wording"))
    response = client.post(URLS["recommendation_delete"](world), {"version": 1})
    assert response.status_code == 409
    assert "Newer wording" in response.text and "Nothing has been deleted" in response.text
    assert Recommendation.objects.filter(pk=world.unanswered.pk).exists()


def test_the_review_page_costs_the_same_however_many_recommendations(
    world, review, coordinator, signed_in, django_assert_max_num_queries
):
    for _ in range(20):
        f.make_recommendation(review)
    client = signed_in(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("peer_review:review", args=[review.pk]))
    assert response.text.count("Recommendation text") == 20
