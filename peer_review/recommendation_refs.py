"""The recommendations an action answers, written in one cell the way plans write them: "Peer Review Rec 1;
Scrutiny Review Rec 4". The export writes them so and the import reads them back to the same recommendations."""

import re
from collections import Counter

from .models import Recommendation, Review

SEPARATOR = "; "
KIND_NAMES = {Review.Kind.PEER_REVIEW: "Peer Review", Review.Kind.SCRUTINY_REVIEW: "Scrutiny Review"}
REFERENCE = re.compile(r"^(?P<review>.*?)\s*\brec(?:ommendation)?\.?\s*(?P<number>\d{1,5})$", re.IGNORECASE)
EXAMPLE = "Peer Review Rec 1; Scrutiny Review Rec 4"


def review_names(council_id: int) -> dict[int, str]:
    """Each review of the council by the shortest name that tells it apart: its kind, then with its year, then
    with its slug (two reviews of one kind in one year)."""
    reviews = list(Review.objects.filter(council_id=council_id).order_by("date", "pk"))
    kinds = Counter(review.kind for review in reviews)
    years = Counter((review.kind, review.year) for review in reviews)
    names = {}
    for review in reviews:
        name = KIND_NAMES.get(review.kind, review.get_kind_display())
        if kinds[review.kind] > 1:
            # A review with no stated date, or another of its kind and year, goes by its slug.
            unique = review.year is not None and years[(review.kind, review.year)] == 1
            name += f" {review.year}" if unique else f" {review.slug}"
        names[review.pk] = name
    return names


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def answers_cell(numbers: list[tuple[int, int]], names: dict[int, str]) -> str:
    """`numbers`: (review id, recommendation number) of each recommendation answered."""
    return SEPARATOR.join(f"{names[review]} Rec {number}" for review, number in sorted(numbers) if review in names)


class RecommendationFinder:
    """Reads an answers cell against the council's recommendations (two queries, whatever the number of rows)."""

    def __init__(self, council_id: int) -> None:
        self.names = review_names(council_id)
        self.reviews = {_key(name): pk for pk, name in self.names.items()}
        self.recommendations = {
            (rec.review_id, rec.number): rec for rec in Recommendation.objects.filter(review_id__in=list(self.names))
        }

    def read(self, cell: str) -> tuple[list[Recommendation], list[str]]:
        """The recommendations the cell names, and each part of it that names none."""
        found: list[Recommendation] = []
        unknown = []
        for part in (part.strip() for part in cell.replace(",", ";").split(";")):
            if not part:
                continue
            match = REFERENCE.match(part)
            review = self.reviews.get(_key(match.group("review"))) if match else None
            recommendation = self.recommendations.get((review, int(match.group("number")))) if match else None
            if recommendation is None:
                unknown.append(part)
            elif recommendation not in found:
                found.append(recommendation)
        return found, unknown
