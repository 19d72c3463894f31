"""The demo's Programme Board terms of reference, transcribed from seed 003 (demo_data/board-*.yaml).

Loaded like the plans: a council whose Board is already recorded keeps it as people changed it.
"""

from typing import Any

from plans.models import Council
from plans.models_board import BoardMember, ProgrammeBoard

BOARD_FILES = ["board-tower-hamlets.yaml"]


def load_board(data: dict[str, Any], councils: dict[str, Council]) -> bool:
    council = councils[data["council"]]
    if ProgrammeBoard.objects.filter(council=council).exists():
        return False
    board = ProgrammeBoard.objects.create(
        council=council,
        name=data["name"],
        chair=data.get("chair") or "",
        remit=data.get("remit") or "",
        frequency=data.get("frequency") or "",
        aims="\n".join(data.get("aims") or []),
        informed_by="\n".join(data.get("informed_by") or []),
        reports_to=data.get("reports_to") or "",
    )
    for position, member in enumerate(data.get("members") or [], start=1):
        BoardMember.objects.create(
            board=board, position=position, agency=member["agency"], role=member.get("role") or ""
        )
    return True
