"""The columns of the plan as a table: the contract's columns of the plan-as-at export (DESIGN.md), then what else
the plan holds of each action. The export writes them and the import reads them back."""

from core.withheld import WHOLE_ITEM

PLAN_COLUMNS = [
    "objective",
    "reference",
    "action",
    "outcomes",
    "outputs",
    "timescale",
    "lead",
    "rag_status",
    "last_update",
    "commentary",
]
# After the contract's columns, never among them: what the published version withholds of each row, so an export
# imported again withholds it still. Passages need no column: the texts keep their [[withheld: ...]] markers.
WITHHELD_COLUMN = "withheld"
WHOLE_ROW = "whole row"
WITHHELD_AS_COLUMN = {
    WHOLE_ITEM: WHOLE_ROW,
    "title": "action",
    "outcomes": "outcomes",
    "outputs": "outputs",
    "lead": "lead",
}
# Then what else the plan holds of each action, so importing an export recreates it: the recommendations it answers
# ("Peer Review Rec 1; Peer Review Rec 4"), its lead agency, and the date its latest update speaks for (last_update
# is the day that update was recorded).
RECOMMENDATIONS_COLUMN = "recommendations"
LEAD_AGENCY_COLUMN = "lead_agency"
AS_OF_COLUMN = "last_update_as_of"
EXTRA_COLUMNS = [WITHHELD_COLUMN, RECOMMENDATIONS_COLUMN, LEAD_AGENCY_COLUMN, AS_OF_COLUMN]
EXPORT_COLUMNS = [*PLAN_COLUMNS, *EXTRA_COLUMNS]


def withheld_cell(withheld_fields: list[str]) -> str:
    """The withheld fields as the export's column names. A field without a column keeps its own name: dropping it
    would publish it after a round trip, and the import refuses a name it does not know."""
    return ", ".join(WITHHELD_AS_COLUMN.get(field, field) for field in withheld_fields)
