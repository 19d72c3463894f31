"""The 2018 Peer Review (seed 004) and the 2016 scrutiny review (seed 003): recommendations (and the Peer Review's
areas and key findings) compared exactly, summaries quoted from the documents."""

import re
from collections import Counter

import pytest

from peer_review.models import Review

from .conftest import PEER_REVIEW, SCRUTINY_REVIEW, TOWER_HAMLETS
from .plan_2018_19 import peer_review_2018
from .scrutiny_2016 import scrutiny_recommendations_2016, scrutiny_themes_2016
from .text import BULLETS, PLAN_2018_19, SCRUTINY_2016, seed, squash

# --- The 2018 Peer Review (seed 004) -------------------------------------------------------------------------


def test_peer_review_2018_is_the_documents(demo: None) -> None:
    expected = peer_review_2018()
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=PEER_REVIEW)
    assert len(expected.areas) == 3
    assert len(expected.key_findings) == 9
    assert [number for number, _ in expected.recommendations] == [1, 2, 3, 4, 5, 6]
    assert review.kind == Review.Kind.PEER_REVIEW
    assert review.date == expected.month
    assert review.areas.splitlines() == expected.areas
    assert review.key_findings.splitlines() == expected.key_findings
    stored = [(rec.number, rec.text) for rec in review.recommendations.order_by("number")]
    assert stored == expected.recommendations


# --- The 2016 scrutiny review (seed 003) ---------------------------------------------------------------------


def test_scrutiny_review_2016_has_13_recommendations_in_3_themes(demo: None) -> None:
    expected = scrutiny_recommendations_2016()
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=SCRUTINY_REVIEW)
    stored = list(review.recommendations.order_by("number"))
    assert review.kind == Review.Kind.SCRUTINY_REVIEW
    assert [rec.number for rec in expected] == list(range(1, 14))
    assert [rec.number for rec in stored] == list(range(1, 14))
    assert [rec.theme for rec in stored] == [rec.theme for rec in expected]
    themes = list(dict.fromkeys(rec.theme for rec in stored))
    assert themes == [
        "Safeguarding Young People",
        "Promoting Cohesion in Tower Hamlets",
        "Developing Leadership around Prevent",
    ]
    assert [theme.lower() for theme in themes] == [theme.lower() for theme in scrutiny_themes_2016()]


def test_scrutiny_review_2016_texts_are_the_documents(demo: None) -> None:
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=SCRUTINY_REVIEW)
    stored = {rec.number: rec for rec in review.recommendations.all()}
    whole_seed = squash(seed(SCRUTINY_2016).replace(BULLETS[1], " "))
    for expected in scrutiny_recommendations_2016():
        lines = stored[expected.number].text.splitlines()
        text = squash(" ".join(line.removeprefix("- ") for line in lines))  # "- " stands for the report's bullets
        assert text in whole_seed, f"recommendation {expected.number}"
        assert text == expected.text, f"recommendation {expected.number} is its paragraph of the Summary"


def test_scrutiny_review_2016_owners_are_as_stated(demo: None) -> None:
    """The owner is whom a recommendation addresses: a service ("The Youth Service should": Youth Service), "The
    council" or "Elected Members", as the document words them. Every recommendation names one."""
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=SCRUTINY_REVIEW)
    stored = {rec.number: rec.owner for rec in review.recommendations.all()}
    stated = {}
    for rec in scrutiny_recommendations_2016():
        addressed = re.match(r"(?:The (.+? Service)|(The council)|(Elected Members)) should", rec.text)
        assert addressed, f"recommendation {rec.number} addresses no one the test knows"
        stated[rec.number] = next(group for group in addressed.groups() if group)
    assert stored == stated
    assert Counter(stated.values()) == {
        "The council": 6,
        "Learning & Achievement Service": 3,
        "Community Safety Service": 1,
        "Youth Service": 1,
        "Communications Service": 1,
        "Elected Members": 1,
    }


@pytest.mark.parametrize("slug", [PEER_REVIEW, SCRUTINY_REVIEW])
def test_review_summary_areas_and_findings_are_quoted_from_the_document(demo: None, slug: str) -> None:
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=slug)
    document = {PEER_REVIEW: PLAN_2018_19, SCRUTINY_REVIEW: SCRUTINY_2016}[slug]
    whole_seed = squash(seed(document).replace(BULLETS[1], " ").replace("*", ""))
    quoted = [*review.summary.split("\n\n"), *review.areas.splitlines(), *review.key_findings.splitlines()]
    assert [squash(text) for text in quoted if squash(text) not in whole_seed] == []
