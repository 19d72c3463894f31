"""Inputs an attacker found that gave a server error or stopped the nightly job: each gets an answer now."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action
from plans.models import BoardMeeting, DeliveryPlan, SealedDashboard
from snapshots.plan_columns import PLAN_COLUMNS
from tests import factories as f
from tests.plans.test_import import ROW, csv_file


@pytest.mark.parametrize("page", ["1000000000000000000", "99999999999999999999999", "-3", "0", "two", "9" * 5000])
def test_any_page_number_of_the_history_gets_a_page(world, coordinator, signed_in, page):
    response = signed_in(coordinator).get(reverse("plans:history", args=[world.plan.pk]), {"page": page})
    assert response.status_code == 200
    assert 'id="changes"' in response.text


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [("31", "12", "9999", "To date must be in 2100 or before"), ("1", "1", "0001", "To date must be in 2000 or later")],
)
def test_a_history_filter_outside_the_years_is_explained_on_the_page_and_for_the_export(
    world, auditor, signed_in, day, month, year, message
):
    query = {"to_date_0": day, "to_date_1": month, "to_date_2": year}
    client = signed_in(auditor)
    response = client.get(reverse("plans:history", args=[world.plan.pk]), query)
    assert response.status_code == 200 and message in response.text
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("plans:export_history", args=[world.plan.pk, fmt]), query, follow=True)
        assert response.status_code == 200 and message in response.text
        assert response.redirect_chain[0][0].startswith(reverse("plans:history", args=[world.plan.pk]))


@pytest.mark.parametrize(
    "path",
    [
        "/published/{slug}/2018-19%00/",
        "/published/{slug}/%00/",
        "/published/{slug}%00/2018-19/",
        "/published/{slug}/2018-19%00.pdf",
        "/published/{slug}/%002018-19/",
    ],
)
def test_a_nul_byte_in_the_published_address_is_not_found_before_any_query(
    world, client, django_assert_num_queries, path
):
    # PostgreSQL refuses a NUL in a query ("A string literal cannot contain NUL"): the address never gets that far.
    with django_assert_num_queries(0):
        response = client.get(path.format(slug=world.council.slug))
    assert response.status_code == 404


def test_an_objective_cell_too_long_for_a_section_is_a_row_and_column_problem(world, coordinator, signed_in):
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    heading = "Actions the partnership agreed at its away day " * 4  # not "Objective N: ...", so a section
    # Another row numbers an objective, so a title matching none names a section rather than a new objective.
    rows = [PLAN_COLUMNS, [*ROW, "", "", ""], [heading, "1.2", *ROW[2:], "", "", ""]]
    response = signed_in(coordinator).post(reverse("plans:import", args=[draft.pk]), {"file": csv_file(rows)})
    assert response.status_code == 200
    assert (
        "Row 3, column objective: The objective must be written like “Objective 1: title”, or be a section name of "
        "100 characters or fewer"
    ) in response.text
    assert not Action.objects.filter(plan=draft).exists()


def test_an_objective_title_over_its_limit_is_a_row_and_column_problem(world, coordinator, signed_in):
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    rows = [PLAN_COLUMNS, ["Objective 1: " + "x" * 2_001, *ROW[1:], "", "", ""]]
    response = signed_in(coordinator).post(reverse("plans:import", args=[draft.pk]), {"file": csv_file(rows)})
    assert "Row 2, column objective: The objective&#x27;s title must be 2,000 characters or fewer" in response.text
    assert not draft.objectives.exists()


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"last_update": "9999-12-31"}, "Row 2, column last_update: The last update must be today or in the past"),
        ({"last_update": "0001-01-01"}, "Row 2, column last_update: The last update must be in 2000 or later"),
        ({"timescale": "March 0000"}, "Row 2, column timescale: Timescale must name years from 2000 to 2100, not 0000"),
        ({"commentary": "x" * 2_001}, "Row 2, column commentary: The commentary must be 2,000 characters or fewer"),
        ({"reference": "1." + "1" * 20}, "Row 2, column reference: The reference must be 20 characters or fewer"),
    ],
)
def test_import_cells_outside_the_limits_are_row_and_column_problems(world, coordinator, signed_in, cells, message):
    draft = f.make_plan(world.council, year="2019-20", status=DeliveryPlan.Status.DRAFT)
    row = dict(zip(PLAN_COLUMNS, [*ROW, "Amber", "2019-05-01", "Going well"], strict=True)) | cells
    response = signed_in(coordinator).post(
        reverse("plans:import", args=[draft.pk]), {"file": csv_file([PLAN_COLUMNS, list(row.values())])}
    )
    assert response.status_code == 200 and message in response.text
    assert not Action.objects.filter(plan=draft).exists()


def test_seal_meetings_skips_a_meeting_it_cannot_seal_seals_the_rest_and_fails_naming_it(world, caplog):
    good = BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 9, 10))
    # Written behind the forms' backs, as the attacker's meeting was before the forms refused it.
    bad = BoardMeeting.objects.create(plan=world.elsewhere_plan, date=datetime.date(9999, 12, 31))
    with pytest.raises(CommandError) as failed:
        call_command("seal_meetings")
    assert f"meeting {bad.pk} of plan {world.elsewhere_plan.pk} (9999-12-31)" in str(failed.value)
    assert SealedDashboard.objects.filter(plan=good.plan).count() == 1
    assert f"Cannot seal meeting {bad.pk}" in caplog.text


def test_seal_meetings_exits_cleanly_when_every_meeting_is_sealed(world, capsys):
    BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 9, 10))
    call_command("seal_meetings")
    assert "Sealed 1 of 1 past meetings" in capsys.readouterr().out


@pytest.mark.parametrize("objective", ["²", "٣", "9" * 5000])
def test_a_dashboard_filter_of_unusual_digits_gets_a_page(world, board, signed_in, objective):
    response = signed_in(board).get(reverse("plans:dashboard", args=[world.plan.pk]), {"objective": objective})
    assert response.status_code == 200
    assert "Select an objective of this plan" in response.text
