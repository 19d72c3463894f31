"""The words the generated plans are made of: the Tower Hamlets demo plans and reviews, reused as templates, and
fictional places, partners and commentary."""

from dataclasses import dataclass
from pathlib import Path

import yaml

from core.rag import RAG

DEMO_DATA = Path(__file__).resolve().parent.parent / "demo" / "demo_data"

PLACE_STARTS = [
    "Ash", "Bar", "Beck", "Bram", "Brad", "Burn", "Calder", "Chal", "Cran", "Dun", "Elm", "Fair", "Fen", "Glen",
    "Hal", "Hart", "Hol", "Kings", "Lang", "Lea", "Marl", "Mill", "Nor", "Oak", "Pen", "Red", "Rother", "Sal",
    "Sand", "Shel", "Stan", "Stour", "Thorn", "Wal", "Wes", "Whit", "Wick", "Wood", "Wyn", "Yel",
]  # fmt: skip
PLACE_ENDS = [
    "bridge", "bury", "by", "caster", "combe", "field", "ford", "gate", "ham", "hurst", "ley", "mouth", "stead",
    "stow", "thorpe", "ton", "wich", "worth",
]  # fmt: skip
COUNCIL_KINDS = ["Borough Council", "District Council", "City Council", "Metropolitan Borough Council", "Council"]
PARTNERS = [
    "the council",
    "Police",
    "Fire and Rescue Service",
    "NHS Foundation Trust",
    "Probation Service",
    "Clinical Commissioning Group",
    "Further Education College",
    "Youth Offending Service",
]
COMMENTARY = {
    RAG.GREEN: [
        "{n} sessions delivered since the last update; feedback from participants is positive.",
        "On track. Materials agreed with partners and the next round is booked for {month}.",
        "Delivery continues as planned: {n} referrals discussed at the panel this period.",
        "Training delivered to {n} staff; evaluation forms returned and reviewed.",
        "Working group met in {month} and agreed the next steps; no risks to delivery.",
    ],
    RAG.AMBER: [
        "Staff absence has delayed {n} planned sessions; catch-up dates are being arranged.",
        "Take-up lower than expected ({n} so far); the lead is reviewing promotion with partners.",
        "Awaiting sign-off from the partnership before the next phase can start in {month}.",
        "Provider capacity reduced this period; the Board may need to agree a revised timescale.",
    ],
    RAG.RED: [
        "Funding for this work is not yet confirmed; delivery is on hold pending the Board's decision.",
        "The provider has withdrawn; a new provider is needed before {month}.",
        "No progress this period: the lead post is vacant and cover has not been found.",
    ],
    RAG.COMPLETE: [
        "Delivered in full: {n} outputs achieved against the plan. Closing this action.",
        "Complete. Final report presented to the Programme Board in {month}.",
    ],
}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
]  # fmt: skip


@dataclass
class Templates:
    """Wording to build plans from, taken from the demo plans and reviews."""

    actions: list[dict]
    projects: list[dict]
    objectives: list[str]
    recommendations: list[str]

    @classmethod
    def load(cls) -> "Templates":
        plans = [yaml.safe_load(path.read_text()) for path in sorted(DEMO_DATA.glob("tower-hamlets-*.yaml"))]
        reviews = [yaml.safe_load(path.read_text()) for path in sorted(DEMO_DATA.glob("*review*.yaml"))]
        return cls(
            actions=[a for plan in plans for a in plan["actions"] if a.get("title")],
            projects=[p for plan in plans for p in plan.get("projects", [])],
            objectives=[o["title"] for plan in plans for o in plan["objectives"]],
            recommendations=[r["text"] for review in reviews for r in review["recommendations"]],
        )
