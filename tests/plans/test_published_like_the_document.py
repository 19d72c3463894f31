"""The published version reads like the council's own document: the demo's two Tower Hamlets plans, published,
against the layout of seeds 002 (2017-18) and 004 (2018-19)."""

import io
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pypdf import PdfReader

from demo.demo import load_demo
from plans.models import DeliveryPlan
from publication.publication import published_plan, render_published_pdf

PAGE_FOOTER = re.compile(r"^Page \d+ of \d+$")


@pytest.fixture
def demo(db):
    load_demo()


def tower_hamlets(year: str) -> DeliveryPlan:
    return DeliveryPlan.objects.get(council__slug="tower-hamlets", year=year)


def published_html(plan: DeliveryPlan) -> str:
    return render_to_string("plans/published_pdf.html", {"document": published_plan(plan, None)})


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&").replace("&#x27;", "'").split())


def test_2018_19_has_the_sections_of_the_council_document_in_order(demo) -> None:
    text = text_of(published_html(tower_hamlets("2018-19")))
    headings = [
        "Introduction",
        "Local Context",
        "Local Strategic Prevent Objectives",
        "Tower Hamlets Peer Review 2018",
        "Key Findings",
        "Key Recommendations",
        "Projects",
        "Preventing Violent Extremism 2018-19 Activities",
        "Objective 1:",
        "Objective 4:",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    # Only the review the plan answers: the 2016 scrutiny review is no part of the 2018-19 document.
    assert "Scrutiny" not in text
    assert "Placeholder" not in text


def test_2018_19_numbers_objectives_and_recommendations_and_cites_them(demo) -> None:
    text = text_of(published_html(tower_hamlets("2018-19")))
    assert "1. Target social, peer and educational support" in text
    assert "4. Mainstream Prevent across all Directorates" in text
    assert "1. Develop performance management framework for Prevent" in text
    assert "6. Establish Community Reference Group" in text
    assert "(Peer Review Rec 1 & 4)" in text  # action 4.9
    assert text.count("(Peer Review Rec 2)") == 4  # actions 4.2, 4.3, 4.5 and 4.6
    # The summary's closing sentence follows the recommendations, as in the document.
    assert text.index("6. Establish Community Reference Group") < text.index("will shape and steer this delivery plan")


def test_2018_19_has_its_rag_column_empty_and_its_unheaded_column_redacted(demo) -> None:
    html = published_html(tower_hamlets("2018-19"))
    assert html.count(">RAG status</th>") == 4  # one table per objective
    assert "No status recorded" not in html  # the document's cells are empty
    assert "A column the plan gives no heading" in html
    assert "Project Provider" in html and "Lead agency / service" not in html


def test_2017_18_has_its_own_tables_and_no_rag_column(demo) -> None:
    text = text_of(published_html(tower_hamlets("2017-18")))
    assert "RAG status" not in text
    assert "Preventing Violent Extremism" not in text  # the 2017-18 plan has no Activities section
    assert text.index("Projects") < text.index("Statutory duties") < text.index("Structure / staffing")
    assert "Local Strategic Objective Description Outcomes Outputs Timescale Lead agency / service" in text
    assert "Peer Review" not in text and "Scrutiny" not in text  # it cites no review
    assert "No activities" not in text
    # Its projects table has no provider column: the "Lead agency / service" cell names lead, provider and funding.
    assert "Project Provider" not in text
    assert "Community Safety London Tigers (Commissioned directly by Home Office)" in text


def bottom_lines(plan: DeliveryPlan) -> list[str]:
    """The lowest line of text on each page of the PDF, its page number in the margin left out: what a reader
    finds at the foot of the page. pypdf gives each run of text with its position; runs at one height are a line."""
    reader = PdfReader(io.BytesIO(render_published_pdf(published_plan(plan, None))))
    feet = []
    for page in reader.pages:
        runs: dict[int, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, font, size, runs=runs):
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            if text.strip():
                runs.setdefault(round(y), []).append((x, text.strip()))

        page.extract_text(visitor_text=visit)
        lines = [" ".join(text for _, text in sorted(runs[y])) for y in sorted(runs)]
        lines = [line for line in lines if not PAGE_FOOTER.match(line)]
        feet.append(lines[0])  # PDF heights grow upwards: the first is the lowest
    return feet


@pytest.mark.parametrize("year", ["2017-18", "2018-19"])
def test_no_heading_or_table_header_is_left_at_the_foot_of_a_pdf_page(demo, year) -> None:
    plan = tower_hamlets(year)
    document = published_plan(plan, None)
    headings = {"Introduction", "Local Context", "Local Strategic Prevent Objectives", "Projects", "Key Findings"}
    headings |= {"Key Recommendations", "The objectives are to:", "Commissioned projects", "Activities under"}
    headings |= {str(review.title) for review in document.reviews}
    headings |= {str(section.heading) for section in document.sections}
    headings |= {f"Objective {objective.number}:" for objective in document.objectives}
    headers = ("Action Outcomes", "Local Strategic Objective", "Description Outcomes")
    feet = bottom_lines(plan)
    assert len(feet) > 3
    for number, last in enumerate(feet[:-1], start=1):
        assert not any(last.startswith(heading) for heading in headings), (number, last)
        assert not last.startswith(headers), (number, last)


def test_the_pdf_stylesheet_keeps_headings_with_what_follows_and_repeats_table_headers() -> None:
    css = Path(finders.find("plans/board_pack.css")).read_text(encoding="utf-8")
    assert re.search(r"h2, h3[^{]*\{[^}]*break-after: avoid", css)
    assert ".govuk-table__head { display: table-header-group;" in css
