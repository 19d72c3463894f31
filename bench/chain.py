"""The audit links one council waits for: gathered as its rows are made, linked in the order they happened once the
council is complete.

A council's rows are made item by item, years apart in time, and the chain wants them in time order. A council
with a million-row history has about as many links, too many to hold, so they are sorted in runs kept in temporary
files and merged back: memory holds one run being gathered and a slice of each run being merged, whatever the size.
"""

import datetime
import heapq
import pickle
import tempfile
from collections.abc import Iterator
from typing import IO

# When the row happened, its model's label, its key, the hash of its content. Tuples sort by time first; the label
# and key tell apart rows written at the same moment, as a stable rule rather than by the order they were made in.
Link = tuple[datetime.datetime, str, int, str]

RUN = 100_000  # links gathered in memory before they are sorted and put on disk
SLICE = 5_000  # links per pickle in a run: reading a run back holds one slice of it


class PendingLinks:
    """One council's links, in any order in, in time order out (exactly the order `sorted` gives)."""

    def __init__(self) -> None:
        self._gathered: list[Link] = []
        self._runs: list[IO[bytes]] = []
        self.count = 0

    def add(self, link: Link) -> None:
        self._gathered.append(link)
        self.count += 1
        if len(self._gathered) >= RUN:
            self._spill()

    def _spill(self) -> None:
        self._gathered.sort()
        run = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read once merged, or by close()
        for start in range(0, len(self._gathered), SLICE):
            pickle.dump(self._gathered[start : start + SLICE], run, protocol=pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self._runs.append(run)
        self._gathered = []

    def in_order(self) -> Iterator[Link]:
        """Every link once, oldest first. No two links are equal (a label and key name one row), so merging the
        sorted runs gives the same sequence as sorting them all at once."""
        self._gathered.sort()
        return heapq.merge(self._gathered, *(self._read(run) for run in self._runs))

    @staticmethod
    def _read(run: IO[bytes]) -> Iterator[Link]:
        with run:
            while True:
                try:
                    links = pickle.load(run)  # noqa: S301 - our own temporary file, written just before
                except EOFError:
                    return
                yield from links

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []
        self._gathered = []
