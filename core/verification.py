"""What a verification of the audit record found (core.audit.verify), and how it tells how far it has got."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from .attribution import council_of

GENESIS = "0" * 64  # the hash before the chain's first entry
ENTRIES = "entries of the chain checked"
LIVE_ROWS = "live rows compared with their history"
# progress(done, total or None, unit): how far a stage of the verification has gone, for a page or a terminal.
Progress = Callable[[int, int | None, str], None]


def no_progress(done: int, total: int | None, unit: str) -> None:
    return None


@dataclass(frozen=True)
class Problem:
    text: str  # names the entry and its row
    neutral: str  # names the entry only: what a council's auditors read of the record every council shares
    council_id: int | None = None  # None: the shared record (the chain itself, or a row no council can be told of)


@dataclass
class Verification:
    """What `verify` found. For the whole record (`councils` None) it stops at the first problem; for some councils
    it goes on past other councils' problems until each of them has its first, or the shared record has one."""

    councils: frozenset[int] | None = None
    entries: int = 0
    rows_compared: int = 0
    checkpoints: int = 0
    head_hash: str = GENESIS
    found: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)  # by each of CHECKS

    @property
    def problems(self) -> list[str]:
        return [problem.text for problem in self.found]

    @property
    def ok(self) -> bool:
        return not self.found

    @property
    def done(self) -> bool:
        if self.councils is None:
            return bool(self.found)
        owners = {problem.council_id for problem in self.found}
        return None in owners or self.councils <= owners

    def outcome_for(self, council_pk: int) -> str:
        """The outcome for one council: its own record's first problem, or the shared record's, else intact. Another
        council's problems are left out, so what an auditor reads is the same whether or not another record is
        broken."""
        problem = self.problem_for(council_pk)
        if problem is not None:
            return f"FAILED: {problem}"
        checked = "".join(f", {count:,} {name}" for name, count in self.checked.items())
        return (
            f"Intact: {self.entries:,} entries in the chain recomputed against {self.checkpoints:,} checkpoints, "
            f"{self.rows_compared:,} live rows compared with their history{checked}. Chain head {self.head_hash}"
        )

    def add(self, text: str, *, neutral: str = "", row: tuple[type[models.Model], int] | None = None) -> None:
        """Record a problem, about a row if given: kept if it belongs to a council verified for, or to none."""
        if self.councils is None:
            self.found.append(Problem(text, neutral or text))
            return
        council = council_of(*row) if row else None
        if council is None or (council in self.councils and council not in {p.council_id for p in self.found}):
            self.found.append(Problem(text, neutral or text, council))

    def problem_for(self, council_id: int) -> str | None:
        """The first problem found in the council's own record or in the shared record; None if there is none."""
        for problem in self.found:
            if problem.council_id == council_id:
                return problem.text
            if problem.council_id is None:
                return f"{problem.neutral} (in the record every council shares; whose entry it is cannot be told)"
        return None
