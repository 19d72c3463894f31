"""Seed 003: the Overview & Scrutiny review of the Prevent Duty, 2016."""

import functools
import re
from dataclasses import dataclass

from .text import SCRUTINY_2016, between, seed, squash, unbullet


@dataclass
class SeedRecommendation:
    number: int
    theme: str
    text: str  # bullets dropped, whitespace collapsed


@functools.cache
def scrutiny_themes_2016() -> list[str]:
    """The three themes, as the report's opening lists them ("Safeguarding young people", ...)."""
    listed = between(seed(SCRUTINY_2016), "recommendations cover three themes of:", "Our recommendations")
    return [unbullet(line) for line in listed.splitlines() if unbullet(line)]


@functools.cache
def scrutiny_recommendations_2016() -> list[SeedRecommendation]:
    """The "Summary of Recommendations": theme headings, each followed by its "Recommendation N:" paragraphs."""
    summary = between(seed(SCRUTINY_2016), "Summary of Recommendations", "1. Introduction")
    themes = {theme.lower() for theme in scrutiny_themes_2016()}
    recommendations: list[SeedRecommendation] = []
    theme, number, text = "", 0, []

    def close() -> None:
        if number:
            recommendations.append(SeedRecommendation(number, theme, " ".join(text)))

    for line in summary.splitlines():
        heading = re.fullmatch(r"Recommendation (\d+):", line.strip())
        if squash(line).lower() in themes:
            close()
            theme, number, text = squash(line), 0, []
        elif heading:
            close()
            number, text = int(heading.group(1)), []
        elif unbullet(line):
            text.append(unbullet(line))
    close()
    return recommendations
