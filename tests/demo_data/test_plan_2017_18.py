"""Plan 2017-18 (seed 002): the PDF text has its table cells scrambled, one line fragment of each column in turn.

Each stored field must appear in its row as an ordered run of words and punctuation marks with at most WORD_WINDOW
tokens between neighbours, each row must hold exactly the stored words, and the timescales and leads are checked
against a table read from the document by hand.
"""

from collections import Counter

from .conftest import tower_hamlets_plan
from .plan_2017_18 import (
    OBJECTIVE_COLUMN_2017_18,
    TABLES_2017_18,
    TIMESCALES_AND_LEADS_2017_18,
    Row,
    find_in_order,
    locate_rows,
    objective_cell,
    objective_markers,
    objectives_2017_18,
    tables_2017_18,
)
from .text import is_word, tokens


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
