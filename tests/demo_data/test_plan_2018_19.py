"""Plan 2018-19 (seed 004): its tab-separated tables, compared cell by cell; and the plans' introduction and local
context (2017-18 and 2018-19), word for word."""

import pytest

from core.withheld import WITHHELD_PASSAGE
from projects.models import OutputTarget

from .conftest import PEER_REVIEW, TOWER_HAMLETS, answered, tower_hamlets_plan
from .plan_2018_19 import activities_2018_19, activity_headings_2018_19, objectives_2018_19, projects_2018_19
from .prose import PROSE, prose, seed_prose
from .text import REDACTED, is_withheld, says_placeholder, tokens


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
