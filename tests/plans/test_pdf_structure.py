"""The Board pack and the published plan are tagged PDF/UA documents: a screen reader finds their language, title,
headings in order, lists, tables with header cells and a text alternative for the chart in the structure tree."""

import io
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from . import board_world
from .test_publication import pdf_url, publish

HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")


@dataclass
class Structure:
    """What a screen reader is given: the document's properties and its tagged elements in reading order."""

    tagged: bool
    language: str
    title: str
    shows_title: bool  # the viewer's window shows the title, not the file name
    elements: list[tuple[str, DictionaryObject]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.elements]

    def tables(self) -> list[list[str]]:
        """Each table's own element kinds, nested tables apart."""
        tables: list[list[str]] = []
        for kind, element in self.elements:
            kinds = list(_kinds_below(element)) if kind == "/Table" else []
            # WeasyPrint also tags as tables the boxes around a visually hidden caption: tables without rows.
            if "/TR" in kinds:
                tables.append(kinds)
        return tables


def _children(element: DictionaryObject) -> list[DictionaryObject]:
    kids: Any = element.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    found = kids if isinstance(kids, ArrayObject) else [kids]
    return [kid.get_object() for kid in found if isinstance(kid.get_object(), DictionaryObject)]


def _kinds_below(element: DictionaryObject):
    for kid in _children(element):
        if "/S" in kid:
            yield str(kid["/S"])
            if kid["/S"] != "/Table":
                yield from _kinds_below(kid)


def read_structure(content: bytes) -> Structure:
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    preferences = root.get("/ViewerPreferences", {})
    structure = Structure(
        tagged=bool(root.get("/MarkInfo", {}).get("/Marked")),
        language=str(root.get("/Lang", "")),
        title=str((reader.metadata or {}).get("/Title", "")),
        shows_title=bool(preferences.get("/DisplayDocTitle")),
    )

    def walk(element: DictionaryObject) -> None:
        for kid in _children(element):
            if "/S" in kid:
                structure.elements.append((str(kid["/S"]), kid))
            walk(kid)

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"].get_object())
    return structure


def assert_accessible_document(structure: Structure, *, title: str) -> None:
    assert structure.tagged, "the PDF is not tagged"
    assert structure.language == "en"
    assert structure.title == title and structure.shows_title
    headings = [int(kind[2]) for kind in structure.kinds() if kind in HEADINGS]
    assert headings and headings[0] == 1, f"the first heading is not a level 1 heading: {headings[:5]}"
    skips = [(a, b) for a, b in pairwise(headings) if b > a + 1]
    assert not skips, f"headings skip a level: {skips}"
    tables = structure.tables()
    assert tables, "no table in the structure"
    for kinds in tables:
        assert "/TH" in kinds and "/TD" in kinds, f"a table without header cells: {kinds}"


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def test_the_board_pack_is_a_tagged_document_with_its_chart_described(history, signed_in):
    meeting = history.meetings[1]
    response = signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    structure = read_structure(response.content)
    title = "Board pack for the meeting of 12 November 2018, Prevent Delivery Plan 2018-19, Tower Hamlets test council"
    assert_accessible_document(structure, title=title)
    figures = [element for kind, element in structure.elements if kind == "/Figure"]
    assert len(figures) == 1
    description = str(figures[0].get("/Alt", ""))
    # The chart's own words, the same as its <title> and <desc> give on the page.
    assert description.startswith("Actions and projects by RAG status")
    # The counts as at the end of 12 November: actions 1 not started, 2 red, 1 complete; the project amber.
    assert "Actions: 1 Not started, 0 Green, 0 Amber, 2 Red, 1 Complete" in description
    assert "Projects: 0 Not started, 0 Green, 1 Amber, 0 Red, 0 Complete" in description


def test_the_published_plan_is_a_tagged_document(world, coordinator, signed_in):
    publish(world.plan, coordinator, public=True)
    response = signed_in(None).get(pdf_url(world.plan))
    assert response.status_code == 200
    structure = read_structure(response.content)
    assert_accessible_document(structure, title=f"{world.plan.council.name}, {world.plan.title}")
    assert "/L" in structure.kinds() and "/LI" in structure.kinds()
