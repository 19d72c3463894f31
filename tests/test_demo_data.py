"""The demo data against the public documents it transcribes.

demo/demo_data/ holds transcriptions of the source documents in shared/seeds/ (see its README). These tests read
the seeds at test time, parse them independently of the YAML, and compare them with what load_demo() puts in the
database, so that a transcription error (a wrong, missing or extra word, a wrong timescale or lead, a lost
citation) fails here:

- Plan 2018-19 (seed 004): its tab-separated tables, compared cell by cell.
- Plan 2017-18 (seed 002): the PDF text has its table cells scrambled, one line fragment of each column in turn.
  Each stored field must appear in its row as an ordered run of words and punctuation marks with at most
  WORD_WINDOW tokens between neighbours, each row must hold exactly the stored words, and the timescales and leads
  are checked against a table read from the document by hand.
- The plans' introduction and local context, word for word.
- The 2018 Peer Review (seed 004) and the 2016 scrutiny review (seed 003): recommendations (and the Peer Review's
  areas and key findings) compared exactly, summaries quoted from the documents.

The seeds live beside the clone (../shared/seeds). A newcomer's clone on its own has no seeds: there these
comparisons skip, saying why, so that a first `make test` is green; under CI (CI=true) a missing seed fails, so the
comparison can never be skipped where it must run.
"""

import bisect
import calendar
import functools
import html
import itertools
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings
from guardian.models import GroupObjectPermission, UserObjectPermission
from pytest_django import DjangoDbBlocker

from actions.models import Action
from core.withheld import WITHHELD_PASSAGE
from demo.demo import load_demo, read
from objectives.models import Objective
from peer_review.models import Recommendation, Review
from plans.models import Council, DeliveryPlan, Membership, Role
from projects.models import CommissionedProject, OutputTarget

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
PLAN_2017_18 = "002_f614b5f672d61568.txt"
SCRUTINY_2016 = "003_dd45d99dacf98c4a.txt"
PLAN_2018_19 = "004_7fc9c5117294e7ec.txt"

TOWER_HAMLETS = "tower-hamlets"
PEER_REVIEW = "peer-review-2018"
SCRUTINY_REVIEW = "scrutiny-review-2016"
REDACTED = "[REDACTED]"
BULLETS = "•\uf0b7"  # the bullet characters of the HTML cells and of the PDF text

# 2017-18: the most tokens the PDF text puts between two neighbouring tokens of one cell is 17 (other columns'
# fragments sit between them); 24 leaves room for that and still ties each word to its own row.
WORD_WINDOW = 24
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Reading the seeds ---------------------------------------------------------------------------------------


@functools.cache
def seed(name: str) -> str:
    path = SEEDS / name
    if not path.is_file():
        reason = f"Seed document {path} is missing: the demo data is checked against shared/seeds/"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(f"{reason} (a clone without ../shared; CI=true makes this a failure)")
    return path.read_text(encoding="utf-8")


def between(text: str, start: str, end: str) -> str:
    """The text after the first `start` and before the next `end`; both must be present."""
    assert start in text, f"{start!r} not found in the seed"
    after = text.split(start, 1)[1]
    assert end in after, f"{end!r} not found after {start!r} in the seed"
    return after.split(end, 1)[0]


TAG = re.compile(r"<[^>]+>")


def squash(text: str) -> str:
    """Tags removed, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(TAG.sub(" ", text)).split())


def unbullet(text: str) -> str:
    return squash(text).lstrip(BULLETS + " ")


def list_items(cell: str) -> list[str]:
    """The non-empty <li> items of an HTML cell, without bullet characters."""
    items = [unbullet(item) for item in re.findall(r"<li\b[^>]*>(.*?)</li>", cell, re.DOTALL)]
    return [item for item in items if item]


def paragraphs(cell: str) -> list[str]:
    """The separate entries of a cell: its <p> paragraphs, or the runs of text the document separates with two
    or more spaces."""
    parts = re.split(r"</?p\b[^>]*>|\s{2,}", cell)
    return [part for part in (squash(part) for part in parts) if part]


def is_withheld(cell_text: str) -> bool:
    """True when the published cell shows nothing but [REDACTED], or nothing at all."""
    return not cell_text.replace(REDACTED, "").strip()


def says_placeholder(value: str) -> bool:
    return "placeholder" in value.lower()


CITATION = re.compile(r"\(Peer Review Rec ([^)]*)\)")


def split_citations(text: str) -> tuple[str, list[int]]:
    """("Do X (Peer Review Rec 1 & 4)") -> ("Do X", [1, 4])."""
    numbers = [int(number) for cited in CITATION.findall(text) for number in re.findall(r"\d+", cited)]
    return squash(CITATION.sub(" ", text)), numbers


def tokens(text: str) -> list[str]:
    """Words (digits included) and punctuation marks, one token each; bullets dropped. "Co-ordinator" is
    "Co", "-", "ordinator", whether or not the PDF text breaks the line after the hyphen."""
    return re.findall(rf"\w+|[^\w\s{BULLETS}]", text)


def is_word(token: str) -> bool:
    return re.fullmatch(r"\w+", token) is not None


# --- Seed 004: Prevent Delivery Plan 2018-19 and the 2018 Peer Review --------------------------------------


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


# --- Seed 003: the Overview & Scrutiny review of the Prevent Duty, 2016 --------------------------------------


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


# --- Seed 002: Prevent Delivery Plan 2017-18 (scrambled PDF text) --------------------------------------------

TABLES_2017_18 = ["Projects", "Statutory duties", "Structure / staffing"]

# How the "Local Strategic Objective" column of the 2017-18 tables words each objective (a shortened title).
OBJECTIVE_COLUMN_2017_18 = {
    1: "Target social, peer and educational support",
    2: "Strengthen community leadership",
    3: "Strengthen positive social networks and institutions",
    5: "Mainstream Prevent across all Directorates",
}

# Read from the document by hand: reference -> (Timescale, Lead agency / service as written).
TIMESCALES_AND_LEADS_2017_18 = {
    "5.1": ("March 2018", "Children’s / Community Safety"),
    "5.2": ("March 2018", "Children’s/ Community Safety"),
    "2.1": ("March 2018", "Children’s"),
    "2.2": ("January 2018", "Community Safety"),
    "5.3": ("March 2018", "Community Safety"),
    "1.1": ("December 2017", "Children’s / Community Safety"),
    "5.4": ("March 2018", "Children’s"),
    "1.2": ("March 2018", "Community Safety / Police"),
    "5.5": ("March 2018", "CSC / Community Safety"),
    "3.1": ("March 2018", "Community Safety / Police"),
    "3.2": ("March 2018", "Community Safety / Police"),
    "3.3": ("March 2018", "Community Safety / Police"),
    "5.6": ("March 2018", "Community Safety"),
    "3.4": ("September 2017", "Police / Community Safety"),
    "2.3": ("February 2018", "Community Safety"),
    "3.5": ("March 2018", "Community Safety / Police"),
    "3.6": ("September 2017", "Youth Services / Community Safety"),
    "3.7": ("January 2018", "Community Safety"),
    "1.3": ("March 2018", "Community Safety/NOMS"),
    "S.1": ("June 2017", "Community Safety / Home Office"),
    "S.2": ("August 2017", "Community Safety / Youth Services"),
    "S.3": ("August 2017", "Community Safety / Home Office"),
}


@functools.cache
def lines_2017_18() -> list[str]:
    """The PDF text's lines, whitespace collapsed (it spaces words with non-breaking spaces too)."""
    return [" ".join(line.split()) for line in seed(PLAN_2017_18).splitlines()]


@functools.cache
def objectives_2017_18() -> dict[int, str]:
    listed = squash(between("\n".join(lines_2017_18()), "The objectives are to:", "Local context"))
    parts = re.split(r"(?:^| )(\d)\. ", listed)
    return {int(number): title.strip() for number, title in zip(parts[1::2], parts[2::2], strict=True)}


@dataclass
class TokenStream:
    """The tokens of one 2017-18 table, its column headings left out."""

    tokens: list[str]
    where: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = defaultdict(list)
        for position, token in enumerate(self.tokens):
            where[token].append(position)
        self.where = dict(where)


@functools.cache
def tables_2017_18() -> dict[str, TokenStream]:
    lines = lines_2017_18()
    starts = [lines.index(title) for title in TABLES_2017_18]
    tables = {}
    for title, start, end in zip(TABLES_2017_18, starts, [*starts[1:], len(lines)], strict=True):
        table = tokens("\n".join(lines[start + 1 : end]))
        header_end = table.index("service")  # the column headings end with "Lead agency / service"
        tables[title] = TokenStream(table[header_end + 1 :])
    return tables


def objective_markers(table: TokenStream) -> list[int]:
    """The objective numbers the table's "Objective N" cells name, in document order (one per row)."""
    pairs = itertools.pairwise(table.tokens)
    return [int(after) for token, after in pairs if token == "Objective" and after.isdigit()]


def find_in_order(table: TokenStream, wanted: list[str], start: int) -> list[int] | None:
    """Positions of `wanted` in the table, from `start` on, in order, each token at most WORD_WINDOW positions after
    the previous one; of the possible matches the one ending first (and tightest). None when there is none."""
    layers = [[position for position in table.where.get(wanted[0], []) if position >= start]]
    for token in wanted[1:]:
        previous = layers[-1]
        layer = []
        for position in table.where.get(token, []):
            before = bisect.bisect_left(previous, position) - 1
            if before >= 0 and position - previous[before] <= WORD_WINDOW:
                layer.append(position)
        if not layer:
            return None
        layers.append(layer)
    path = [layers[-1][0]]
    for layer in reversed(layers[:-1]):
        path.append(layer[bisect.bisect_left(layer, path[-1]) - 1])
    return path[::-1]


@dataclass
class Row:
    label: str
    fields: dict[str, str]  # field -> stored text
    span: range = range(0)  # the row's tokens in the table
    missing: list[str] = field(default_factory=list)


def locate_rows(table: TokenStream, rows: list[Row]) -> list[Row]:
    """Find each row's fields in the table, rows in order: every field after the previous row's last word. A row
    spans from its first word found to the next row's first word."""
    start = 0
    firsts = []
    for row in rows:
        found = []
        for name, text in row.fields.items():
            match = find_in_order(table, tokens(text), start)
            if match is None:
                row.missing.append(f"{row.label} {name}: {text!r}")
            else:
                found.append(match)
        firsts.append(min((match[0] for match in found), default=start))
        start = max((match[-1] + 1 for match in found), default=start)
    for row, first, following in zip(rows, firsts, [*firsts[1:], len(table.tokens)], strict=True):
        row.span = range(first, following)
    return rows


def objective_cell(number: int) -> str:
    return f"Objective {number} {OBJECTIVE_COLUMN_2017_18[number]}"


def rows_2017_18() -> dict[str, list[Row]]:
    """The stored 2017-18 projects and actions as rows of the three tables, each with its objective cell."""
    plan = tower_hamlets_plan("2017-18")
    projects = []
    for project in plan.projects.order_by("position"):
        stored = {f"objective {o.number}": objective_cell(o.number) for o in project.objectives.order_by("number")}
        stored |= {
            "name": project.name,
            "description": project.description,
            "outcomes": project.outcomes,
            "outputs": "\n".join(output.description for output in project.output_targets.order_by("position")),
            "timescale": project.timescale,
            "provider": project.provider,
            "lead": project.lead,
            "funding_source": project.funding_source,
        }
        projects.append(Row(project.name, {name: text for name, text in stored.items() if text}))
    rows = {"Projects": projects}
    for section in TABLES_2017_18[1:]:
        rows[section] = []
        for action in plan.actions.filter(section=section).order_by("position"):
            stored = {"objective": objective_cell(action.objective.number)} if action.objective else {}
            stored |= {
                "title": action.title,
                "outcomes": action.outcomes,
                "outputs": action.outputs,
                "timescale": action.timescale,
                "lead": action.lead,
            }
            rows[section].append(Row(action.reference, {name: text for name, text in stored.items() if text}))
    return {title: locate_rows(tables_2017_18()[title], table_rows) for title, table_rows in rows.items()}


# --- Introduction and local context (seeds 002 and 004) ------------------------------------------------------

# year -> (seed, the introduction's heading and the next, the local context's heading and the next)
PROSE = {
    "2017-18": (PLAN_2017_18, ("Introduction", "Local strategic Prevent objectives"), ("Local context", "Projects")),
    "2018-19": (
        PLAN_2018_19,
        ("## Introduction", "## Local Context"),
        ("## Local Context", "## Local Strategic Prevent Objectives"),
    ),
}


def prose(text: str) -> str:
    """Running text without its markup (rules, "## " sub-headings, "- " bullets), whitespace collapsed."""
    lines = (line.strip() for line in text.splitlines())
    return squash(" ".join(re.sub(r"^(## |- )", "", line) for line in lines if line != "---"))


def seed_prose(year: str) -> tuple[str, str]:
    """The plan's introduction and local context as the published document has them."""
    name, *sections = PROSE[year]
    lines = lines_2017_18() if name == PLAN_2017_18 else seed(name).splitlines()
    introduction, context = (lines[lines.index(start) + 1 : lines.index(end)] for start, end in sections)
    return prose("\n".join(introduction)), prose("\n".join(context))


# --- The database --------------------------------------------------------------------------------------------


def tower_hamlets_plan(year: str) -> DeliveryPlan:
    return DeliveryPlan.objects.get(council__slug=TOWER_HAMLETS, year=year)


def answered(action: Action) -> list[tuple[str, int]]:
    return sorted((rec.review.slug, rec.number) for rec in action.answers.select_related("review"))


def demo_counts() -> dict[str, int]:
    models = [Council, DeliveryPlan, Objective, Action, CommissionedProject, OutputTarget, Review, Recommendation]
    models += [get_user_model(), Membership, UserObjectPermission, GroupObjectPermission]
    models += [Action.answers.through, CommissionedProject.objectives.through]
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """load_demo() once for this module, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded: None, db: None) -> None:
    """The loaded demo; each test runs in a savepoint of its own, so what it changes is undone."""


# --- Plan 2018-19 (seed 004) ---------------------------------------------------------------------------------


def test_2018_19_objectives_are_the_documents(demo: None) -> None:
    listed = objectives_2018_19()
    assert sorted(listed) == [1, 2, 3, 4]
    assert activity_headings_2018_19() == listed, "the Activities headings repeat the objectives list"
    stored = {o.number: o.title for o in tower_hamlets_plan("2018-19").objectives.all()}
    assert stored == listed


def test_2018_19_actions_match_the_activities_tables_cell_by_cell(demo: None) -> None:
    plan = tower_hamlets_plan("2018-19")
    expected = activities_2018_19()
    stored = {action.reference: action for action in plan.actions.select_related("objective")}
    assert sorted(stored) == sorted(row.reference for row in expected)
    for row in expected:
        action = stored[row.reference]
        in_seed = {"title": row.title, "outcomes": row.outcomes, "outputs": row.outputs, "lead": row.lead}
        in_database = {
            "title": action.title,
            "outcomes": action.outcomes.splitlines(),
            "outputs": action.outputs.splitlines(),
            "lead": action.lead,
        }
        withheld = sorted(name for name, cell in in_seed.items() if not cell)
        assert sorted(action.withheld_fields) == withheld, row.reference
        for name, cell in in_seed.items():
            if name in withheld:
                assert says_placeholder(getattr(action, name)), f"{row.reference} {name} is withheld: a placeholder"
            else:
                assert in_database[name] == cell, f"{row.reference} {name}"
        assert action.objective.number == row.objective, row.reference
        assert action.section == "Activities", row.reference
        assert action.timescale == row.timescale, row.reference
        assert answered(action) == sorted((PEER_REVIEW, number) for number in row.answers), row.reference


def test_2018_19_citations_are_parsed_from_the_seed() -> None:
    """The citations the action test turns into links (a check that the parsing sees them at all)."""
    cited = {row.reference: row.answers for row in activities_2018_19() if row.answers}
    assert cited == {"2.3": [6], "4.1": [5], "4.2": [2], "4.3": [2], "4.5": [2], "4.6": [2], "4.9": [1, 4], "4.10": [3]}


def test_2018_19_projects_match_the_projects_table(demo: None) -> None:
    plan = tower_hamlets_plan("2018-19")
    expected = projects_2018_19()
    stored = list(plan.projects.order_by("position"))
    assert len(expected) == 7
    assert len(stored) == len(expected)
    for position, (row, project) in enumerate(zip(expected, stored, strict=True), start=1):
        where = f"project {position}"
        outputs = [output.description for output in project.output_targets.order_by("position")]
        assert sorted(o.number for o in project.objectives.all()) == sorted(row.objectives), where
        assert project.outcomes.splitlines() == row.outcomes, where
        assert project.timescale == row.timescale, where
        withheld = {"name"}  # the published table has no name column
        for name, cell, value in [
            ("description", row.description, project.description),
            ("provider", row.provider, project.provider),
            ("outputs", " ".join(row.outputs), " ".join(outputs)),
        ]:
            if is_withheld(cell):
                withheld.add(name)
                assert says_placeholder(value), f"{where} {name} is withheld: a placeholder"
            else:
                assert value == cell, f"{where} {name}"
        assert says_placeholder(project.name), f"{where} name"
        # The unheaded last column: [REDACTED] is withheld; an empty cell says nothing, and nothing is stored.
        if REDACTED in row.last_column:
            assert is_withheld(row.last_column), f"{where}: the last column holds more than [REDACTED]"
            withheld.add("unheaded_column")
            assert says_placeholder(project.unheaded_column), f"{where} unheaded column is withheld: a placeholder"
        else:
            assert project.unheaded_column == row.last_column == "", f"{where} unheaded column"
        assert sorted(project.withheld_fields) == sorted(withheld), where
        if "outputs" not in withheld:
            assert outputs == row.outputs, where


def test_output_targets_are_numbers_their_outputs_state(demo: None) -> None:
    for output in OutputTarget.objects.filter(project__plan__council__slug=TOWER_HAMLETS, target__isnull=False):
        assert str(output.target) in tokens(output.description), output.description


@pytest.mark.parametrize("year", PROSE)
def test_introduction_and_local_context_are_the_documents(demo: None, year: str) -> None:
    """Word for word, withheld passages standing where the published document shows [REDACTED]."""
    plan = tower_hamlets_plan(year)
    introduction, context = seed_prose(year)
    assert prose(WITHHELD_PASSAGE.sub(REDACTED, plan.introduction)) == introduction
    assert prose(WITHHELD_PASSAGE.sub(REDACTED, plan.local_context)) == context


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


# --- Plan 2017-18 (seed 002) ---------------------------------------------------------------------------------


def test_2017_18_objectives_are_the_documents(demo: None) -> None:
    listed = objectives_2017_18()
    assert sorted(listed) == [1, 2, 3, 4, 5]
    stored = {o.number: o.title for o in tower_hamlets_plan("2017-18").objectives.all()}
    assert stored == listed
    for number, cell in OBJECTIVE_COLUMN_2017_18.items():
        assert listed[number].startswith(cell), f"the tables' objective {number} shortens its title"


def test_2017_18_counts(demo: None) -> None:
    """6 projects, 19 statutory duties, 3 structure / staffing actions; per objective 1:3, 2:3, 3:7, 4:0, 5:6.
    The seed's "Objective N" cells (one per row) say the same."""
    plan = tower_hamlets_plan("2017-18")
    tables = tables_2017_18()
    assert plan.projects.count() == 6 == len(objective_markers(tables["Projects"]))
    statutory = plan.actions.filter(section="Statutory duties")
    assert statutory.count() == 19 == len(objective_markers(tables["Statutory duties"]))
    per_objective = {number: statutory.filter(objective__number=number).count() for number in range(1, 6)}
    assert per_objective == {1: 3, 2: 3, 3: 7, 4: 0, 5: 6}
    assert per_objective == {n: objective_markers(tables["Statutory duties"]).count(n) for n in range(1, 6)}
    staffing = plan.actions.filter(section="Structure / staffing")
    assert staffing.count() == 3 == tables["Structure / staffing"].tokens.count("Recruit")
    assert not staffing.exclude(objective=None).exists()
    assert plan.actions.count() == 22


def test_2017_18_objectives_and_references_follow_the_rows(demo: None) -> None:
    """In document order, each row's objective is the one its "Objective N" cell names, and references number the
    rows within their objective ("S.n" for structure / staffing)."""
    plan = tower_hamlets_plan("2017-18")
    tables = tables_2017_18()
    projects = [[o.number for o in p.objectives.all()] for p in plan.projects.order_by("position")]
    assert projects == [[n] for n in objective_markers(tables["Projects"])]
    statutory = list(plan.actions.filter(section="Statutory duties").order_by("position"))
    markers = objective_markers(tables["Statutory duties"])
    assert [action.objective.number for action in statutory] == markers
    expected = [f"{n}.{markers[: i + 1].count(n)}" for i, n in enumerate(markers)]
    assert [action.reference for action in statutory] == expected
    staffing = plan.actions.filter(section="Structure / staffing").order_by("position")
    assert [action.reference for action in staffing] == ["S.1", "S.2", "S.3"]


def test_2017_18_fields_appear_in_their_rows_word_by_word(demo: None) -> None:
    """Every stored field of every project and action is found in the seed, row after row, as its words and
    punctuation marks in order with at most WORD_WINDOW tokens between neighbours."""
    missing = [problem for rows in rows_2017_18().values() for row in rows for problem in row.missing]
    assert missing == []


def test_2017_18_rows_hold_exactly_the_stored_words(demo: None) -> None:
    """No word of a table row is left out of the stored fields, and none is added. (Punctuation aside: the
    objective cells' dashes and the brackets around "Commissioned directly by Home Office" are not stored.)"""
    for title, rows in rows_2017_18().items():
        table = tables_2017_18()[title]
        assert rows[0].span.start == 0, f"{title}: words before the first row: {table.tokens[: rows[0].span.start]}"
        for row in rows:
            in_seed = Counter(token for token in (table.tokens[position] for position in row.span) if is_word(token))
            stored = Counter(token for text in row.fields.values() for token in tokens(text) if is_word(token))
            assert in_seed == stored, (
                f"{title} {row.label}: only in the seed {dict(in_seed - stored)}, only stored {dict(stored - in_seed)}"
            )


def test_2017_18_timescales_and_leads(demo: None) -> None:
    stored = {a.reference: (a.timescale, a.lead) for a in tower_hamlets_plan("2017-18").actions.all()}
    assert stored == TIMESCALES_AND_LEADS_2017_18


def test_2017_18_word_window_rejects_a_word_from_another_row() -> None:
    """WORD_WINDOW is tight enough that a word the table has, but in another row, does not pass."""
    table = tables_2017_18()["Statutory duties"]
    assert "charities" in table.where and "offenders" in table.where
    assert find_in_order(table, tokens("Work to mitigate the problem of unregistered ‘schools’"), 0) is not None
    assert find_in_order(table, tokens("Work to mitigate the problem of unregistered ‘charities’"), 0) is None
    assert find_in_order(table, tokens("Disrupt unregistered street funding collection by extremists."), 0) is not None
    assert find_in_order(table, tokens("Disrupt unregistered street funding collection by offenders."), 0) is None


# --- Example Borough, the demo accounts, reloading -----------------------------------------------------------


def test_example_borough_has_its_own_small_plan(demo: None) -> None:
    council = Council.objects.get(slug="example-borough")
    data = read("example-borough-2018-19.yaml")
    plan = DeliveryPlan.objects.get(council=council)
    assert plan.year == data["year"]
    assert plan.objectives.count() == len(data["objectives"]) > 0
    assert plan.actions.count() == len(data["actions"]) > 0
    assert plan.projects.count() == len(data["projects"])
    assert not Action.objects.filter(plan=plan).exclude(objective__plan=plan).exists()
    assert not Action.objects.filter(plan=plan, answers__isnull=False).exists()
    assert not Review.objects.filter(council=council).exists()


def roles(username: str) -> set[tuple[str, str]]:
    return {(m.council.slug, m.role) for m in Membership.objects.filter(user__username=username)}


def test_demo_accounts_have_their_roles(demo: None) -> None:
    assert roles("coordinator") == {(TOWER_HAMLETS, Role.COORDINATOR)}
    assert roles("board") == {(TOWER_HAMLETS, Role.BOARD)}
    assert roles("auditor") == {(TOWER_HAMLETS, Role.AUDITOR)}
    assert roles("example-coordinator") == {("example-borough", Role.COORDINATOR)}
    assert roles("education-lead") == set()
    assert roles("admin") == set()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    others = get_user_model().objects.exclude(username="admin")
    assert not others.filter(is_superuser=True).exists()
    assert not others.filter(is_staff=True).exists()


def test_education_lead_updates_only_the_education_officers_actions(demo: None) -> None:
    """The "actions.update_status" object permission on exactly the 2018-19 Objective 1 actions the seed gives to
    the Prevent Education Officer, and no other permission."""
    led = [
        row.reference
        for row in activities_2018_19()
        if row.objective == 1 and row.lead.startswith("Prevent Education Officer")
    ]
    assert led == ["1.1", "1.2", "1.3"]
    lead = get_user_model().objects.get(username="education-lead")
    granted = {
        (p.permission.content_type.app_label, p.permission.codename, p.content_type.model, p.object_pk)
        for p in UserObjectPermission.objects.filter(user=lead).select_related("permission__content_type")
    }
    actions = tower_hamlets_plan("2018-19").actions.filter(reference__in=led)
    assert granted == {("actions", "update_status", "action", str(action.pk)) for action in actions}
    assert len(granted) == 3
    assert not lead.user_permissions.exists() and not lead.groups.exists()
    assert not lead.is_staff and not lead.is_superuser
    may_update = {
        (action.plan.year, action.reference)
        for action in Action.objects.select_related("plan")
        if lead.has_perm("actions.update_status", action)
    }
    assert may_update == {("2018-19", reference) for reference in led}


def test_loading_the_demo_again_creates_nothing(demo: None) -> None:
    before = demo_counts()
    assert load_demo() == []
    assert demo_counts() == before
