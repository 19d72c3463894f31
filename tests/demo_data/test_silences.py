"""The demo data where the documents are silent or contradict themselves (see demo/demo_data/README.md).

Beside the other tests of this package, which compare what the documents say field by field: here, what the data
holds where they say nothing (no RAG, no date, a redacted or empty cell) and where they disagree with themselves.
The seeds are read the same way, and skipped the same way on a clone without them.
"""

import re

import pytest

from actions.models import Action
from core.rag import RAG
from core.withheld import WITHHELD_PASSAGE
from demo.demo import DATA_DIR
from peer_review.models import Review
from projects.models import CommissionedProject

from .conftest import PEER_REVIEW, SCRUTINY_REVIEW, TOWER_HAMLETS, tower_hamlets_plan
from .plan_2017_18 import lines_2017_18
from .plan_2018_19 import activities_2018_19, objectives_2018_19, projects_2018_19
from .text import PLAN_2018_19, SCRUTINY_2016, says_placeholder, seed, squash

pytestmark = pytest.mark.usefixtures("demo")
# Every word a placeholder may use: what is withheld (the field, the item's label) and that it is. Anything else
# would be a guess at what the document withheld.
PLACEHOLDER_WORDS = {
    *("placeholder", "withheld", "from", "publication", "demo", "data", "a", "passage", "of", "the"),
    *("action", "title", "outputs", "project", "name", "provider", "description", "unheaded", "column"),
}
ITEM_LABEL = re.compile(r"^(?:[a-g]|\d+(?:\.\d+)?)$")  # "Project C", "action 1.4"


def test_2018_19_items_hold_no_status_recorded_as_the_rag_cells_are_empty() -> None:
    """The Activities tables' RAG status cells are all empty (activities_2018_19 asserts it as it reads them)."""
    assert activities_2018_19()
    plan = tower_hamlets_plan("2018-19")
    assert set(plan.actions.values_list("rag", flat=True)) == {RAG.NO_STATUS}
    assert set(plan.projects.values_list("rag", flat=True)) == {RAG.NO_STATUS}


def test_2017_18_items_hold_no_status_recorded_as_the_plan_has_no_rag_column() -> None:
    assert not [line for line in lines_2017_18() if re.search(r"\bRAG\b", line)], "the 2017-18 plan names no RAG"
    plan = tower_hamlets_plan("2017-18")
    assert set(plan.actions.values_list("rag", flat=True)) == {RAG.NO_STATUS}
    assert set(plan.projects.values_list("rag", flat=True)) == {RAG.NO_STATUS}


def test_items_from_no_document_keep_not_started() -> None:
    """The fictional Example Borough plan is no transcription: its items start as a coordinator's would."""
    fictional = Action.objects.filter(plan__council__slug="example-borough")
    assert set(fictional.values_list("rag", flat=True)) == {RAG.NOT_STARTED}


def test_the_peer_review_is_dated_to_the_month_the_document_gives() -> None:
    said = re.search(r"In (\w+ \d{4}), the local authority participated in a Peer Review", seed(PLAN_2018_19))
    assert said and said.group(1) == "February 2018"
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=PEER_REVIEW)
    assert review.date_precision == Review.DatePrecision.MONTH
    assert review.date_shown == said.group(1)


def test_the_scrutiny_review_has_no_date_as_its_document_states_none() -> None:
    """Its text names the months of its sessions and of its sources, never the date of the review itself."""
    text = seed(SCRUTINY_2016)
    assert not re.search(r"(?:dated|published|agreed|reported)\s+(?:on\s+)?\d{1,2}\s+\w+\s+\d{4}", text)
    review = Review.objects.get(council__slug=TOWER_HAMLETS, slug=SCRUTINY_REVIEW)
    assert (review.date, review.date_precision) == (None, Review.DatePrecision.NOT_STATED)
    assert review.date_shown == "Date not stated"


def _placeholder_words(text: str) -> set[str]:
    words = {word.lower() for word in re.findall(r"[\w.]+", text.replace("Placeholder:", "Placeholder"))}
    return {word.rstrip(".") for word in words if not ITEM_LABEL.match(word.rstrip("."))}


def test_placeholders_say_only_that_something_is_withheld() -> None:
    """Every placeholder of the transcribed plans (a withheld field's value, a withheld passage) uses only the
    words that say what is withheld, so none guesses at what the document held (as action 1.4's title once did)."""
    placeholders = []
    for model in (Action, CommissionedProject):
        for item in model.objects.filter(plan__council__slug=TOWER_HAMLETS):
            placeholders += [getattr(item, name) for name in item.withheld_fields if hasattr(item, name)]
            for name in ("title", "name", "description", "outcomes", "outputs", "provider"):
                placeholders += WITHHELD_PASSAGE.findall(getattr(item, name, "") or "")
    for year in ("2017-18", "2018-19"):
        plan = tower_hamlets_plan(year)
        placeholders += WITHHELD_PASSAGE.findall(plan.introduction) + WITHHELD_PASSAGE.findall(plan.local_context)
    assert len(placeholders) > 20
    invented = {text: _placeholder_words(text) - PLACEHOLDER_WORDS for text in placeholders}
    assert {text: words for text, words in invented.items() if words} == {}
    assert all(says_placeholder(text) for text in placeholders)


def test_withheld_outputs_of_a_project_are_placeholders_too() -> None:
    for project in CommissionedProject.objects.filter(plan__council__slug=TOWER_HAMLETS):
        if "outputs" in project.withheld_fields:
            for output in project.output_targets.all():
                assert not (_placeholder_words(output.description) - PLACEHOLDER_WORDS), output.description


def test_project_6_keeps_the_objective_its_cell_numbers_despite_the_clash() -> None:
    """The sixth Projects row reads "Objective 3 Strengthen community leadership": objective 3's number with words of
    objective 2's title. The data keeps the number (objective 3), and the data README notes the clash."""
    section = seed(PLAN_2018_19).split("## Projects", 1)[1]
    rows = [line for line in section.split("## Preventing Violent Extremism", 1)[0].splitlines() if "\t" in line]
    cell = squash(rows[6].split("\t")[0])
    assert cell == "Objective 3 Strengthen community leadership"
    titles = objectives_2018_19()
    assert "strengthen community leadership" in titles[2].lower()
    assert "strengthen community leadership" not in titles[3].lower()
    assert projects_2018_19()[5].objectives == [3]
    project = tower_hamlets_plan("2018-19").projects.order_by("position")[5]
    assert [objective.number for objective in project.objectives.all()] == [3]
    readme = " ".join((DATA_DIR / "README.md").read_text(encoding="utf-8").split())
    assert '"Objective 3 Strengthen community leadership"' in readme
