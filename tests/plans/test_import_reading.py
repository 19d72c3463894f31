"""The import reads the 2018-19 plan from spreadsheets as councils save them, and gets the same plan as from the
template: objectives, references, texts, timescales with their due dates, leads, RAG and the latest update."""

import datetime
import io
import itertools
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from openpyxl import Workbook

from actions.models import Action
from imports import import_changes, imports
from imports import import_reading as reading
from plans.models import DeliveryPlan
from tests import factories as f
from tests.plans import reading_corpus as corpus
from tests.plans.test_import import import_and_confirm

SOFFICE = shutil.which("soffice")
years = itertools.count(2300)  # never a demo or fixture plan's year


def new_draft(council) -> DeliveryPlan:
    year = next(years)
    return f.make_plan(council, year=f"{year}-{(year + 1) % 100:02d}", status=DeliveryPlan.Status.DRAFT)


def read(data: bytes, name: str, plan: DeliveryPlan) -> imports.ImportResult:
    """The file read and checked against the plan, as the upload step does."""
    result = imports.read_rows(io.BytesIO(data), name)
    import_changes.checked(plan=plan, result=result)
    return result


def confirm(plan: DeliveryPlan, result: imports.ImportResult, by) -> None:
    """The confirmation step, of the preview as it stands."""
    finder = import_changes.check_against_plan(plan=plan, result=result)
    fingerprint = import_changes.plan_fingerprint(plan)
    import_changes.import_confirm(plan=plan, result=result, finder=finder, fingerprint=fingerprint, by=by)


def load(data: bytes, name: str, council, by) -> DeliveryPlan:
    plan = new_draft(council)
    result = read(data, name, plan)
    assert not result.problems, [str(problem) for problem in result.problems]
    confirm(plan, result, by)
    return plan


def actions_of(plan: DeliveryPlan) -> list[tuple]:
    """Each action as the comparison sees it, in the plan's order."""
    rows = []
    for action in Action.objects.filter(plan=plan).select_related("objective").order_by("position"):
        update = action.status_updates.order_by("-pk").first()
        objective = (action.objective.number, action.objective.title) if action.objective else None
        rows.append(
            (
                objective,
                action.section,
                action.reference,
                action.title,
                action.outcomes,
                action.outputs,
                action.timescale,
                action.due_date,
                action.lead,
                action.rag,
                (update.as_of, update.commentary) if update else None,
            )
        )
    return rows


@pytest.fixture
def template_plan(world, coordinator):
    return actions_of(load(corpus.template_csv(corpus.template_rows()), "plan.csv", world.council, coordinator))


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (corpus.excel_csv, "plan.csv"),
        (corpus.bom_csv, "plan.csv"),
        (corpus.typed_xlsx, "plan.xlsx"),
        (corpus.semicolon_csv, "plan.csv"),
        (corpus.semicolon_utf8_csv, "plan.csv"),
    ],
    ids=["excel-windows-1252-crlf", "utf8-bom-title-rows", "xlsx-typed-cells", "semicolons", "semicolons-utf8-bom"],
)
def test_each_saved_form_gives_the_same_plan_as_the_template(world, coordinator, template_plan, writer, name):
    plan = load(writer(corpus.template_rows()), name, world.council, coordinator)
    got = actions_of(plan)
    assert len(got) == len(template_plan) == 24
    for mine, expected in zip(got, template_plan, strict=True):
        assert mine == expected
    assert plan.objectives.count() == 4


def test_the_plan_saved_by_excel_gets_its_due_dates(world, coordinator):
    """Excel turns "March 2019" typed into a cell into a date: each must still give the action its due date. Only
    "Ongoing" has none, on purpose (the old code gave 2 of 24 a due date, the two ranges Excel left as text)."""
    rows = corpus.template_rows()
    plan = load(corpus.typed_xlsx(rows), "plan.xlsx", world.council, coordinator)
    dated = Action.objects.filter(plan=plan, due_date__isnull=False)
    assert dated.count() == 23
    assert set(Action.objects.filter(plan=plan, due_date=None).values_list("timescale", flat=True)) == {"Ongoing"}
    assert plan.actions.get(reference="1.3").timescale == "September 2018"
    assert plan.actions.get(reference="1.3").due_date == datetime.date(2018, 9, 30)


def test_unknown_columns_are_ignored_and_listed(world):
    result = read(corpus.typed_xlsx(corpus.template_rows()), "plan.xlsx", new_draft(world.council))
    assert result.ignored_columns == ["Notes for the coordinator only", "Partner agency"]
    assert result.headings["rag_status"] == "Status"


def test_objectives_named_by_title_alone_are_created_in_order(world, coordinator, template_plan):
    rows = [{**row, "objective": row["objective_title"]} for row in corpus.template_rows()]
    plan = load(corpus.template_csv(rows), "plan.csv", world.council, coordinator)
    assert actions_of(plan) == template_plan


def test_a_title_alone_is_matched_to_the_plans_objectives_in_any_case_and_spacing(world, coordinator):
    plan = new_draft(world.council)
    f.make_objective(plan, number=7, title="Mainstream Prevent across all Directorates")
    data = corpus.write_csv(
        [("Objective", ""), ("Ref", ""), ("Action", ""), ("Timescale", "")],
        [["  MAINSTREAM prevent   across all directorates ", "7.1", "Train staff", "Q4 2018/19"]],
        encoding="utf-8",
        line_end="\r\n",
    )
    result = read(data, "plan.csv", plan)
    assert not result.problems
    confirm(plan, result, coordinator)
    action = plan.actions.get()
    assert (action.objective.number, action.due_date) == (7, datetime.date(2019, 3, 31))
    assert plan.objectives.count() == 1


def excel_workbook(rows: list[list[object]], formats: dict[str, str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for reference, number_format in (formats or {}).items():
        sheet[reference].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_reference_excel_turned_into_a_number_is_reported_with_advice(world):
    data = excel_workbook(
        [
            ["Prevent plan"],
            ["Ref", "Action", "Timescale"],
            [4.1, "Share data", "March 2019"],
            [4.0, "Train staff", "March 2019"],
            [4, "Whole number", "2018-19"],
        ],
        {"A3": "0.00", "A5": "General"},
    )
    result = read(data, "plan.xlsx", new_draft(world.council))
    assert [str(problem) for problem in result.problems] == [
        "Row 3, column Ref: '4.10' is stored as the number 4.1, which cannot tell 4.1 from 4.10; "
        "format the column as text and type the references again",
        "Row 5, column Ref: Reference 4 is also used in row 4; the spreadsheet stored it as a number, which turns "
        "4.10 into 4.1: format the column as text and type the references again",
    ]


def test_every_problem_names_the_row_the_column_as_headed_and_the_value(world, coordinator, signed_in):
    data = corpus.write_csv(
        [("Ref", ""), ("Action", ""), ("Timescale", ""), ("RAG status", ""), ("Last update", "")],
        [
            ["1.1", "Train staff", "March 2019", "Red/Amber", "31/3/19"],
            ["1.2", "Share data", "Mar-19", "on track", "03/04/2019"],
            ["1.3", "Map venues", "Ongoing", "G", "04/03/2099"],
        ],
        encoding="utf-8",
        line_end="\n",
        above=[["Prevent delivery plan"], [], []],
    )
    plan = new_draft(world.council)
    response = signed_in(coordinator).post(
        reverse("plans:import", args=[plan.pk]), {"file": SimpleUploadedFile("plan.csv", data)}
    )
    page = response.text.replace("&#x27;", "'")
    for message in [
        "Row 5, column RAG status: 'Red/Amber' is not a RAG status; use Green, Amber, Red, Complete, Not started "
        "or No status recorded, or leave it empty",
        "Row 6, column RAG status: 'on track' is not a RAG status; use Green",
        "Row 7, column Last update: The last update must be today or in the past",
    ]:
        assert message in page
    assert "Row 0" not in page and "Row 6, column Last update" not in page
    assert not plan.actions.exists()


def test_uk_dates_are_read_day_first(world, coordinator):
    data = corpus.write_csv(
        [("Ref", ""), ("Action", ""), ("Timescale", ""), ("RAG", ""), ("Last update", "")],
        [
            ["1", "a", "31/3/19", "amber", "03/04/2019"],
            ["2", "b", "1 Sept 2018", "Not Started", "1 Sept 2018"],
            ["3", "c", "July 2018 - March 2019", "completed", "1 September 2018"],
            ["4", "d", "End of March 2019", "C", "2018-09-01"],
        ],
        encoding="utf-8",
        line_end="\r\n",
    )
    plan = load(data, "plan.csv", world.council, coordinator)
    got = [
        (a.due_date, a.rag, a.status_updates.first().as_of if a.status_updates.exists() else None)
        for a in plan.actions.order_by("position")
    ]
    assert got == [
        (datetime.date(2019, 3, 31), "amber", datetime.date(2019, 4, 3)),
        (datetime.date(2018, 9, 1), "not_started", None),
        (datetime.date(2019, 3, 31), "complete", datetime.date(2018, 9, 1)),
        (datetime.date(2019, 3, 31), "complete", datetime.date(2018, 9, 1)),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Ref,Action,Timescale\n1,Café,March 2019\n".encode("utf-16"), "saved as Unicode text (UTF-16)"),
        (b"Ref,Action,Timescale\n1,Caf\x81,March 2019\n", "neither UTF-8 nor Windows-1252 text (line 2 has"),
        (b"Prevent plan\n\nSomething,Else\n1,2\n", "No row of the file names the columns"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(world, data, message):
    result = read(data, "plan.csv", new_draft(world.council))
    assert message in " ".join(str(problem) for problem in result.problems)
    assert not result.rows


def test_windows_1252_is_read_as_such_and_utf8_is_never_mistaken_for_it(world, coordinator):
    text = "Ref,Action,Timescale,Lead\r\n1,Children’s “safe” café work – phase 2,March 2019,Ana Núñez\r\n"
    for encoding in ["cp1252", "utf-8", "utf-8-sig"]:
        plan = load(text.encode(encoding), "plan.csv", world.council, coordinator)
        action = plan.actions.get()
        assert (action.title, action.lead) == ("Children’s “safe” café work – phase 2", "Ana Núñez")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["commas", "semicolons", "tabs"])
def test_cells_are_separated_as_the_file_separates_them(world, coordinator, delimiter):
    # Each cell holds the other separators, so only the file's own one gives these cells.
    headings = ["Ref", "Action", "Timescale", "Lead"]
    rows = [headings, ["1", "Schools; colleges, and\tyouth clubs", "March 2019", "A, B; C"]]
    text = "\r\n".join(delimiter.join(f'"{cell}"' if len(cell) > 4 else cell for cell in row) for row in rows)
    plan = load(text.encode("utf-8-sig"), "plan.csv", world.council, coordinator)
    action = plan.actions.get()
    assert (action.title, action.lead) == ("Schools; colleges, and\tyouth clubs", "A, B; C")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=corpus.spreadsheets())
def test_generated_spreadsheets_never_fail_and_never_write_part_of_a_file(world, coordinator, signed_in, spec):
    plan = new_draft(world.council)  # a plan of its own: each example starts from an empty draft
    upload = corpus.generated_file(spec)
    data = upload.read()
    expected = read(data, upload.name, plan)
    upload.seek(0)
    response = import_and_confirm(signed_in(coordinator), plan, upload)  # the preview confirmed as it stands
    assert response.status_code in {200, 302}
    written = Action.objects.filter(plan=plan).count()
    event("refused" if expected.problems else "imported")
    assert "Row 0" not in response.text
    readable = spec["form"] == "xlsx" or (spec["form"] in {"utf-8", "utf-8-sig", "cp1252"} and b"\0" not in data)
    has_rows = any(str(cell).strip() for row in spec["rows"] for cell in row)
    if set(reading.REQUIRED_COLUMNS) <= set(spec["columns"]) and readable and has_rows:
        # Headed in any of the ways people write them, below any title rows: the columns are always found, and
        # whatever is wrong is wrong in a row below the headings.
        assert all(problem.row > spec["titles"] + 1 for problem in expected.problems), expected.problems
    if expected.problems:
        assert response.status_code == 200 and written == 0 and not plan.objectives.exists()
    else:
        assert response.status_code == 302 and written == len(expected.rows)


def test_what_is_read_but_may_not_be_meant_is_warned_of(world):
    plan = new_draft(world.council)
    f.make_objective(plan, number=1, title="Support")
    data = corpus.write_csv(
        [("Objective", ""), ("Ref", ""), ("Action", ""), ("Timescale", ""), ("Budget", "")],
        [
            ["Support", "1.1", "Train staff", "Ongoing", "£5"],
            ["Structure / staffing", "S.1", "Recruit", "TBC", ""],
            ["Objective 1: support", "1.2", "Map venues", "Q2 2018/19", ""],
        ],
        encoding="utf-8",
        line_end="\n",
    )
    result = read(data, "plan.csv", plan)
    assert not result.problems
    assert result.ignored_columns == ["Budget"]
    assert [str(warning) for warning in result.warnings] == [
        "Row 3, column Objective: 'Structure / staffing' matches none of the plan's objectives: the action will be "
        "under no objective, in a section of that name",
    ]
    # The timescales no due date could be read from are listed together on the preview.
    finder = import_changes.check_against_plan(plan=plan, result=result)
    notices = import_changes.preview_import(plan=plan, result=result, finder=finder).warnings
    no_due_date = next(notice for notice in notices if notice.message == import_changes.NO_DUE_DATE)
    assert no_due_date.items == ["1.1 (timescale “Ongoing”)", "S.1 (timescale “TBC”)"]


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("• Train staff\r\n• Map venues", "Train staff\nMap venues"),
        ("- Train staff\r\r\n- Map venues", "Train staff\nMap venues"),  # Excel's CRLF written again in text mode
        ("▪ one\n▪ two", "one\ntwo"),
        ("o one\no two", "one\ntwo"),
        ("* one\n\n* two", "one\n\ntwo"),
        ("-5 on last year", "-5 on last year"),  # a minus sign, not a bullet
        ("Train staff\n- Map venues", "Train staff\n- Map venues"),  # not every line a list item: left as typed
        ("·", "·"),  # a marker with no words after it is the text itself (an export of "·" comes back the same)
        ("• one\n•", "• one\n•"),
    ],
)
def test_line_breaks_and_typed_bullets_in_list_cells_become_lines(world, coordinator, cell, read):
    data = corpus.write_csv(
        [("Ref", ""), ("Action", ""), ("Timescale", ""), ("Outputs", "")],
        [["1.1", "Train staff", "March 2019", cell]],
        encoding="utf-8",
        line_end="\r\n",
    )
    assert load(data, "plan.csv", world.council, coordinator).actions.get().outputs == read


def libreoffice_xlsx(csv_data: bytes, tmp_path, column_formats: str = "") -> bytes:
    """The CSV opened in LibreOffice Calc with a UK locale and saved as XLSX, as an officer would: it types the
    cells itself (dates, numbers). column_formats sets columns' types as its import dialogue does ("2/2": text)."""
    source = tmp_path / "plan.csv"
    source.write_bytes(csv_data)
    # Separator comma, quote ", UTF-8, from line 1, the columns' types, English (UK): day-first dates.
    options = f"CSV:44,34,76,1,{column_formats},2057"
    subprocess.run(  # noqa: S603 (the test's own arguments)
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", f"--infilter={options}",
         "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (tmp_path / "plan.xlsx").read_bytes()


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make system-packages installs it)")
def test_a_sheet_saved_by_libreoffice_gives_the_same_plan(world, coordinator, template_plan, tmp_path):
    rows = corpus.template_rows()
    # As LibreOffice types it: "1.1" a number, "March 2019" and "1 September 2018" dates. The reference column
    # (the second) set as text, as the import's advice says, so 4.10 stays 4.10.
    data = libreoffice_xlsx(corpus.bom_csv(rows), tmp_path, column_formats="2/2")
    assert actions_of(load(data, "plan.xlsx", world.council, coordinator)) == template_plan


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make system-packages installs it)")
def test_a_sheet_saved_by_libreoffice_with_references_as_numbers_says_what_to_do(world, tmp_path):
    data = libreoffice_xlsx(corpus.bom_csv(corpus.template_rows()), tmp_path)
    result = read(data, "plan.xlsx", new_draft(world.council))
    assert [str(problem) for problem in result.problems] == [
        "Row 27, column REF.: Reference 4.1 is also used in row 18; the spreadsheet stored it as a number, which "
        "turns 4.10 into 4.1: format the column as text and type the references again"
    ]
