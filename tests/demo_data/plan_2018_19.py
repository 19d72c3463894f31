"""Seed 004: the Prevent Delivery Plan 2018-19, and the 2018 Peer Review it reports.

Its tables are tab-separated lines, read cell by cell.
"""

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from .text import PLAN_2018_19, between, is_withheld, list_items, paragraphs, seed, split_citations, squash


@dataclass
class SeedAction:
    objective: int
    reference: str
    title: str  # "" where the published cell is empty or [REDACTED]
    outcomes: list[str]
    outputs: list[str]
    timescale: str
    lead: str
    answers: list[int]  # the Peer Review recommendations the Action cell cites


@dataclass
class SeedProject:
    objectives: list[int]
    description: str
    outcomes: list[str]
    outputs: list[str]
    timescale: str
    provider: str
    last_column: str  # the table's last column, which has no heading


NUMBER_WORDS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4}
OBJECTIVE_HEADING = re.compile(r"^\*\*OBJECTIVE (\w+): (.+)\*\*$")
ACTIVITIES_HEADER = ["Action", "Outcomes", "Outputs", "Timescale", "Lead", "RAG status"]
PROJECTS_HEADER = ["Local Strategic Objective", "Description", "Outcomes", "Outputs", "Timescale", "Project Provider"]


@functools.cache
def objectives_2018_19() -> dict[int, str]:
    section = between(seed(PLAN_2018_19), "## Local Strategic Prevent Objectives", "## Tower Hamlets Peer Review")
    return {int(number): squash(title) for number, title in re.findall(r"^(\d+)\. (.+)$", section, re.MULTILINE)}


@functools.cache
def activity_headings_2018_19() -> dict[int, str]:
    section = seed(PLAN_2018_19).split("## Preventing Violent Extremism 2018-19 Activities", 1)[1]
    headings = (OBJECTIVE_HEADING.match(line.strip()) for line in section.splitlines())
    return {NUMBER_WORDS[found.group(1)]: squash(found.group(2)) for found in headings if found}


@functools.cache
def activities_2018_19() -> list[SeedAction]:
    """The rows of the Activities tables: the tab-separated lines after each **OBJECTIVE ...** heading and its
    column header, up to the next heading (a table may run on after a blank line)."""
    section = seed(PLAN_2018_19).split("## Preventing Violent Extremism 2018-19 Activities", 1)[1]
    actions: list[SeedAction] = []
    objective, position, headers = None, 0, 0
    for line in section.splitlines():
        heading = OBJECTIVE_HEADING.match(line.strip())
        if heading:
            objective, position = NUMBER_WORDS[heading.group(1)], 0
            continue
        if "\t" not in line:
            continue
        cells = line.split("\t")
        if cells == ACTIVITIES_HEADER:
            headers += 1
            continue
        assert objective is not None, f"Activities row before any objective heading: {line[:80]!r}"
        assert len(cells) == len(ACTIVITIES_HEADER), f"Activities row without 6 cells: {line[:80]!r}"
        action, outcomes, outputs, timescale, lead, rag = cells
        assert squash(rag) == "", "the published plan leaves RAG status empty"
        position += 1
        title, answers = split_citations(squash(action))
        actions.append(
            SeedAction(
                objective=objective,
                reference=f"{objective}.{position}",
                title="" if is_withheld(title) else title,
                outcomes=paragraphs(outcomes),
                outputs=list_items(outputs),
                timescale=squash(timescale),
                lead=squash(lead),
                answers=answers,
            )
        )
    assert headers == len(activity_headings_2018_19()), "each objective heading has its Activities table header"
    return actions


@functools.cache
def projects_2018_19() -> list[SeedProject]:
    """The rows of the Projects table. It has no project-name column, and its last column has no heading."""
    section = between(seed(PLAN_2018_19), "## Projects", "## Preventing Violent Extremism")
    rows = [line.split("\t") for line in section.splitlines() if "\t" in line]
    assert rows[0] == [*PROJECTS_HEADER, ""], "the header: six headings and an empty one"
    projects = []
    for cells in rows[1:]:
        assert len(cells) == len(PROJECTS_HEADER) + 1, f"a Projects row without 7 cells: {cells[0][:60]!r}"
        objectives, description, outcomes, outputs, timescale, provider, last_column = cells
        projects.append(
            SeedProject(
                objectives=[int(number) for number in re.findall(r"Objective (\d+)", squash(objectives))],
                description=squash(description),
                outcomes=paragraphs(outcomes),
                outputs=list_items(outputs),
                timescale=squash(timescale),
                provider=squash(provider),
                last_column=squash(last_column),
            )
        )
    return projects


@dataclass
class SeedReview:
    month: date
    areas: list[str]
    key_findings: list[str]
    recommendations: list[tuple[int, str]]


@functools.cache
def peer_review_2018() -> SeedReview:
    section = between(seed(PLAN_2018_19), "## Tower Hamlets Peer Review 2018", "## Projects")
    introduction = section.split("### Key Findings")[0]
    findings = between(section, "### Key Findings", "### Key Recommendations")
    recommendations = section.split("### Key Recommendations")[1]
    month, year = re.search(r"In (\w+) (\d{4}), the local authority participated", introduction).groups()
    return SeedReview(
        month=date(int(year), list(calendar.month_name).index(month), 1),
        areas=[squash(line[2:]).strip("*") for line in introduction.splitlines() if line.startswith("- ")],
        key_findings=[squash(line[2:]) for line in findings.splitlines() if line.startswith("- ")],
        recommendations=[
            (int(number), squash(text)) for number, text in re.findall(r"^(\d+)\. (.+)$", recommendations, re.M)
        ],
    )
