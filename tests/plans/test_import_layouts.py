"""The layouts councils keep their plans in, beyond the template's: objectives merged down over their actions or set
on rows of their own between them, hidden columns, two columns for one field, the plan on another sheet, a table
formatted far below its last row, totals under it, and dates Excel shows with their day."""

import datetime
import io
import zipfile

from openpyxl import Workbook

from imports import import_changes, imports
from tests.plans.test_import_reading import actions_of, load, new_draft, read

HEADINGS = ["Objective", "Ref", "Action", "Lead officer", "Target date", "RAG", "Progress update"]
FIRST = "Objective 1: Safeguard people at risk of radicalisation"
SECOND = "Objective 2: Build community resilience"


def workbook(rows: list[list], *, merges: tuple[str, ...] = (), build=None) -> bytes:
    """A council's workbook: a title row, the rows given, and whatever `build` does to it before it is saved."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(["Example Borough Council Prevent Delivery Plan 2019/20"])
    sheet.merge_cells("A1:G1")
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    if build:
        build(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def placed(plan) -> list[tuple]:
    """Each action's objective and reference, in the plan's order."""
    return [(action[0], action[2]) for action in actions_of(plan)]


def test_an_objective_merged_down_over_its_actions_places_every_one_of_them(world, coordinator):
    rows = [
        HEADINGS,
        [FIRST, "1.1", "Deliver WRAP training", "Prevent co-ordinator", "March 2020", "Green", ""],
        ["", "1.2", "Refresh the Channel panel's terms", "Head of community safety", "March 2020", "Amber", ""],
        ["", "1.3", "Audit schools' risk assessments", "Prevent education officer", "Q4 2019/20", "Red", ""],
        [SECOND, "2.1", "Engage faith groups", "Engagement officer", "Ongoing", "Green", ""],
        ["", "2.2", "Commission a counter-narrative project", "Prevent co-ordinator", "TBC", "Complete", ""],
    ]
    plan = load(workbook(rows, merges=("A3:A5", "A6:A7")), "plan.xlsx", world.council, coordinator)
    first, second = (1, FIRST.split(": ")[1]), (2, SECOND.split(": ")[1])
    assert placed(plan) == [(first, "1.1"), (first, "1.2"), (first, "1.3"), (second, "2.1"), (second, "2.2")]


def test_an_objective_written_once_above_empty_cells_is_theirs_and_the_preview_says_so(world, coordinator):
    data = (
        "Objective,Ref,Action,Timescale\r\n"
        f"{FIRST},1.1,Deliver WRAP training,March 2020\r\n"
        ",1.2,Refresh the Channel panel's terms,March 2020\r\n"
        ",1.3,Audit schools' risk assessments,March 2020\r\n"
        f"{SECOND},2.1,Engage faith groups,Ongoing\r\n"
    ).encode()
    plan = new_draft(world.council)
    result = read(data, "plan.csv", plan)
    assert [str(warning) for warning in result.warnings] == [
        f"Rows 3 to 4 leave the objective empty: read as under '{FIRST}', written above"
    ]
    plan = load(data, "plan.csv", world.council, coordinator)
    first, second = (1, FIRST.split(": ")[1]), (2, SECOND.split(": ")[1])
    assert [objective for objective, _ in placed(plan)] == [first, first, first, second]


def test_objectives_on_rows_of_their_own_between_the_actions_place_the_actions_below(world, coordinator):
    headings = HEADINGS[1:]
    rows = [
        headings,
        [FIRST],
        ["1.1", "Deliver WRAP training", "Prevent co-ordinator", "March 2020", "Green", "On track"],
        ["1.2", "Refresh the Channel panel's terms", "Head of community safety", "March 2020", "Amber", ""],
        [],
        [SECOND],
        ["2.1", "Engage faith groups", "Engagement officer", "Ongoing", "Green", ""],
    ]
    data = workbook(rows, merges=("A3:F3", "A7:F7"))
    plan = new_draft(world.council)
    assert read(data, "plan.xlsx", plan).warnings == []  # the heading rows say it: nothing to warn of
    plan = load(data, "plan.xlsx", world.council, coordinator)
    first, second = (1, "Safeguard people at risk of radicalisation"), (2, "Build community resilience")
    assert placed(plan) == [(first, "1.1"), (first, "1.2"), (second, "2.1")]


def test_objectives_written_as_the_plan_writes_them_keep_their_numbers_and_titles(world, coordinator):
    # The 2018-19 plan's cells: the number, then the title after a space or on the next line; in the plan's order.
    cells = [
        ("Objective 1 Target social, peer and educational support", "1.1"),
        ("Objective 1\nTarget social, peer and educational support", "1.2"),
        ("Objective 3 Positive Social Networks and Institutions", "3.1"),
        ("OBJECTIVE TWO Strengthen community leadership", "2.1"),
    ]
    rows = [HEADINGS] + [[objective, ref, f"Action {ref}", "", "March 2020", "", ""] for objective, ref in cells]
    plan = load(workbook(rows), "plan.xlsx", world.council, coordinator)
    assert list(plan.objectives.order_by("number").values_list("number", "title")) == [
        (1, "Target social, peer and educational support"),
        (2, "Strengthen community leadership"),
        (3, "Positive Social Networks and Institutions"),
    ]
    assert [(objective[0], ref) for objective, ref in placed(plan)] == [(1, "1.1"), (1, "1.2"), (3, "3.1"), (2, "2.1")]


def hide_column(letter: str):
    def build(book, sheet) -> None:
        sheet.column_dimensions[letter].hidden = True

    return build


def test_a_hidden_column_gives_way_to_the_visible_one_and_is_listed_as_not_read(world, coordinator):
    rows = [
        ["Ref", "Action", "Target date", "RAG", "Comments", "Progress update"],
        ["1.1", "Deliver WRAP training", "March 2020", "Green", "INTERNAL: chase HR", "8 of 10 sessions delivered"],
    ]
    data = workbook(rows, build=hide_column("E"))
    plan = new_draft(world.council)
    result = read(data, "plan.xlsx", plan)
    assert result.ignored_columns == ["Comments (a hidden column)"]
    # The preview says which column each field is read from.
    finder = import_changes.check_against_plan(plan=plan, result=result)
    read_columns = import_changes.preview_import(plan=plan, result=result, finder=finder).read_columns
    assert "“Progress update” as commentary" in read_columns and "“RAG” as rag_status" in read_columns
    plan = load(data, "plan.xlsx", world.council, coordinator)
    assert plan.actions.get().status_updates.get().commentary == "8 of 10 sessions delivered"


def test_a_hidden_column_no_visible_one_stands_for_is_read_and_warned_of(world):
    rows = [["Ref", "Action", "Target date", "Progress update"], ["1.1", "Deliver WRAP training", "Ongoing", ""]]
    result = read(workbook(rows, build=hide_column("A")), "plan.xlsx", new_draft(world.council))
    assert not result.problems
    assert [str(warning) for warning in result.warnings] == [f"Row 2, column Ref: {imports.HIDDEN_COLUMN}"]


def test_of_two_columns_for_the_rag_status_the_one_headed_rag_is_read(world, coordinator):
    rows = [
        ["Ref", "Action", "Target date", "Status", "RAG"],
        ["1.1", "Deliver WRAP training", "March 2020", "In progress", "Amber"],
    ]
    data = workbook(rows)
    assert read(data, "plan.xlsx", new_draft(world.council)).ignored_columns == ["Status"]
    assert load(data, "plan.xlsx", world.council, coordinator).actions.get().rag == "amber"


def plan_on_second_sheet(state: str):
    """A workbook opening on its plan, with another sheet first: a cover page, or a hidden list of choices."""

    def build(book, sheet) -> None:
        first = book.create_sheet("Cover" if state == "visible" else "Lists", 0)
        first.append(["Ref", "Action", "Timescale", "Prevent plan 2019/20: see the next sheet"])
        first.sheet_state = state
        if state == "visible":
            book.active = 1  # a hidden sheet is never read, even the one the workbook says it opens on

    return build


def test_the_plan_is_read_from_the_sheet_that_holds_it(world, coordinator):
    rows = [HEADINGS[1:], ["1.1", "Deliver WRAP training", "", "March 2020", "Green", ""]]
    for state in ("visible", "hidden"):
        # The hidden sheet names the columns too: hidden, it is never read.
        plan = load(workbook(rows, build=plan_on_second_sheet(state)), "plan.xlsx", world.council, coordinator)
        assert [ref for _, ref in placed(plan)] == ["1.1"]


def test_rows_formatted_far_below_the_table_are_not_counted_as_rows(world, coordinator):
    def format_down(book, sheet) -> None:
        for row in range(4, 2600):  # borders set for the rows to come, as a council prepares its table
            sheet.cell(row=row, column=1).number_format = "@"
            sheet.cell(row=row, column=6).number_format = "@"

    rows = [HEADINGS, [FIRST, "1.1", "Deliver WRAP training", "", "March 2020", "Green", ""]]
    plan = load(workbook(rows, build=format_down), "plan.xlsx", world.council, coordinator)
    assert [ref for _, ref in placed(plan)] == ["1.1"]
    # Excel writes such rows to a CSV as separators alone.
    data = ("Ref,Action,Timescale\r\n1.1,Deliver WRAP training,March 2020\r\n" + ",,\r\n" * 2600).encode()
    assert [ref for _, ref in placed(load(data, "plan.csv", world.council, coordinator))] == ["1.1"]


def test_a_total_or_a_note_under_the_table_is_named_as_such(world):
    rows = [
        HEADINGS,
        [FIRST, "1.1", "Deliver WRAP training", "", "March 2020", "Green", ""],
        [],
        ["Total actions: 1   Green: 1"],
    ]
    result = read(workbook(rows), "plan.xlsx", new_draft(world.council))
    assert [str(problem) for problem in result.problems] == [f"Row 5: {imports.NOT_AN_ACTION}"]


def test_a_timescale_shown_as_the_first_of_a_month_is_read_as_the_month_and_warned_of(world):
    rows = [["Ref", "Action", "Target date"], ["1.1", "Deliver WRAP training", datetime.date(2020, 4, 1)]]

    def day_shown(book, sheet) -> None:
        sheet["C3"].number_format = "dd/mm/yyyy"

    result = read(workbook(rows, build=day_shown), "plan.xlsx", new_draft(world.council))
    assert result.rows[0]["timescale"] == "April 2020"
    assert [str(warning) for warning in result.warnings] == [
        "Row 3, column Target date: 01/04/2020 is read as April 2020, due at the month's end: a date on the 1st is "
        "taken to name its month; to keep the day, format the column as text and type the date again"
    ]


def test_a_workbook_whose_xml_is_broken_is_refused_as_unreadable(world):
    good = workbook([["Ref", "Action", "Timescale"], ["1.1", "Train staff", "Ongoing"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as broken:
        for name in source.namelist():
            data = source.read(name)
            broken.writestr(name, data.replace(b"</sheetData>", b"<row>") if "worksheets/" in name else data)
    result = read(buffer.getvalue(), "plan.xlsx", new_draft(world.council))
    assert [str(problem) for problem in result.problems] == [imports.UNREADABLE]
