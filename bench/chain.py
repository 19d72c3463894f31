"""What waits for a council's end, in any order in and in order out: its audit links, linked in the order they
happened once the council is complete, and the rows of its change record, worked out as its history is made.

A council's rows are made item by item, years apart in time, and the chain wants them in time order. A council
with a million-row history has about as many links, too many to hold, so they are sorted in runs kept in temporary
files and merged back: memory holds one run being gathered and a slice of each run being merged, whatever the size.
"""

import datetime
import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

# When the row happened, its model's label, its key, the hash of its content. Tuples sort by time first; the label
# and key tell apart rows written at the same moment, as a stable rule rather than by the order they were made in.
Link = tuple[datetime.datetime, str, int, str]

RUN = 100_000  # links gathered in memory before they are sorted and put on disk
SLICE = 5_000  # links per pickle in a run: reading a run back holds one slice of it
# A change record row to come is several times a link's size (it carries the values it will be worded from).
CHANGE_RUN = 40_000
CHANGE_SLICE = 1_000


class SortedRuns[T]:
    """Items in any order in, in the order `sorted` gives out, by `key` if given (no two items may be equal by it)."""

    def __init__(self, run: int, slice_: int, key: Callable[[T], Any] | None = None) -> None:
        self._run, self._slice, self._key = run, slice_, key
        self._gathered: list[T] = []
        self._runs: list[IO[bytes]] = []
        self.count = 0

    def add(self, item: T) -> None:
        self._gathered.append(item)
        self.count += 1
        if len(self._gathered) >= self._run:
            self._spill()

    def _spill(self) -> None:
        self._gathered.sort(key=self._key)
        run = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read once merged, or by close()
        for start in range(0, len(self._gathered), self._slice):
            pickle.dump(self._gathered[start : start + self._slice], run, protocol=pickle.HIGHEST_PROTOCOL)
        run.seek(0)
        self._runs.append(run)
        self._gathered = []

    def in_order(self) -> Iterator[T]:
        """Every item once, in order. No two are equal, so merging the sorted runs gives the same sequence as
        sorting them all at once."""
        self._gathered.sort(key=self._key)
        return heapq.merge(self._gathered, *(self._read(run) for run in self._runs), key=self._key)

    @staticmethod
    def _read(run: IO[bytes]) -> Iterator[T]:
        with run:
            while True:
                try:
                    items = pickle.load(run)  # noqa: S301 - our own temporary file, written just before
                except EOFError:
                    return
                yield from items

    def close(self) -> None:
        for run in self._runs:
            run.close()
        self._runs = []
        self._gathered = []


class PendingLinks(SortedRuns[Link]):
    """One council's links, in time order out (a label and key name one row, so no two links are equal)."""

    def __init__(self) -> None:
        super().__init__(RUN, SLICE)


def pending_changes() -> SortedRuns:
    """One council's change record rows to come, by their keys (core.change_backfill.Gathering)."""
    return SortedRuns(CHANGE_RUN, CHANGE_SLICE, key=lambda item: item[0])
