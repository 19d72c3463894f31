"""Reading the exports back for the tests of both: the plan as at a moment and the change history."""

import csv
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions import services as action_services

# The contract of DESIGN.md, written out rather than imported.
PLAN_COLUMNS = ["objective", "reference", "action", "outcomes", "outputs", "timescale", "lead", "rag_status"]
PLAN_COLUMNS += ["last_update", "commentary"]
# Further columns follow the contract's, never among them.
PLAN_EXPORT_COLUMNS = [*PLAN_COLUMNS, "withheld", "recommendations", "lead_agency", "last_update_as_of"]
HISTORY_COLUMNS = ["recorded_at", "user", "council", "plan", "object_type", "object_ref", "field", "old_value"]
HISTORY_COLUMNS += ["new_value", "comment"]
COUNCIL = "London Borough of Tower Hamlets"


def report(action, rag: str, by, commentary: str) -> None:
    action.refresh_from_db()
    action_services.action_update_status(
        action=action,
        rag=rag,
        commentary=commentary,
        as_of=timezone.now().date(),
        evidence=None,
        by=by,
        expected_version=action.version,
    )


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _xlsx_text(cell, name: str) -> str:
    """The cell as the CSV gives it: its text, or its date or UTC time in ISO 8601 (only those columns hold dates)."""
    if cell.value is None:
        return ""
    if name in ("last_update", "last_update_as_of", "recorded_at"):
        assert cell.is_date, f"{name} is not a date cell"
        if name != "recorded_at":
            return cell.value.date().isoformat()
        return cell.value.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert cell.data_type == "s", "a cell is not plain text"
    # A string cell never runs; one that looks like a formula also keeps its text when someone edits it.
    assert cell.quotePrefix == cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), cell.value
    return cell.value


def read_xlsx(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = iter(sheet.iter_rows())
    header = [cell.value for cell in next(rows)]
    return [header, *([_xlsx_text(cell, name) for cell, name in zip(row, header, strict=True)] for row in rows)]


def export(client, name: str, plan, fmt: str, query: str = ""):
    return client.get(reverse(name, args=[plan.pk, fmt]) + query)
