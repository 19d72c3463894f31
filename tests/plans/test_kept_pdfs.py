"""PDFs rendered once and kept, by a worker before anyone asks: a past meeting's Board pack once the nightly run
seals the meeting, and a publication's PDF once it is published. A render that fails leaves the download working."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from board import board_pack, nightly
from board.tasks import render_board_pack
from plans.models import BoardMeeting, BoardPackPdf, PublishedPdf

from . import board_world
from .test_publication import pdf_url, publish


@pytest.fixture
def history(db, monkeypatch) -> board_world.BoardWorld:
    return board_world.build(monkeypatch)


def test_a_past_meetings_pack_is_rendered_once_and_kept(history, signed_in, renders):
    url = reverse("plans:board_pack_pdf", args=[history.meetings[1].pk])
    first = signed_in(history.board).get(url).content
    second = signed_in(history.auditor).get(url).content
    assert first == second and first.startswith(b"%PDF-") and len(renders) == 1
    (kept,) = BoardPackPdf.objects.all()
    assert kept.meeting == history.meetings[1] and bytes(kept.pdf) == first


def test_a_pack_for_a_meeting_still_to_come_is_never_kept(history, signed_in, renders):
    coming = BoardMeeting.objects.create(plan=history.plan, date=timezone.localdate() + datetime.timedelta(days=20))
    for _ in range(2):
        assert signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[coming.pk])).status_code == 200
    assert len(renders) == 2 and not BoardPackPdf.objects.exists()


def test_the_nightly_run_renders_the_packs_of_the_meetings_it_seals(history, signed_in, worker, renders):
    nightly.nightly.enqueue(timezone.localdate().isoformat())
    worker()
    ran = {task.task_path: task.status for task in DBTaskResult.objects.all()}
    assert ran["board.nightly.nightly"] == "SUCCESSFUL" and ran["board.tasks.render_board_pack"] == "SUCCESSFUL"
    assert set(BoardPackPdf.objects.values_list("meeting", flat=True)) == {m.pk for m in history.meetings}
    rendered = len(renders)
    signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[history.meetings[0].pk]))
    assert len(renders) == rendered  # served as kept


def test_a_pack_render_that_fails_is_reported_and_the_download_still_works(history, signed_in, worker, monkeypatch):
    render = board_pack.render_pack_pdf

    def out_of_memory(meeting):
        raise MemoryError

    monkeypatch.setattr(board_pack, "render_pack_pdf", out_of_memory)
    render_board_pack.enqueue(history.meetings[0].pk)
    (failed,) = worker()
    assert (failed.status, failed.exception_class_path) == ("FAILED", "builtins.MemoryError")
    monkeypatch.setattr(board_pack, "render_pack_pdf", render)
    response = signed_in(history.board).get(reverse("plans:board_pack_pdf", args=[history.meetings[0].pk]))
    assert response.status_code == 200 and BoardPackPdf.objects.count() == 1


def test_publishing_queues_the_pdf_and_a_worker_keeps_it(world, coordinator, signed_in, worker, renders):
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan = publish(world.plan, coordinator, public=True)
    assert not PublishedPdf.objects.exists()
    worker()
    (kept,) = PublishedPdf.objects.all()
    assert kept.published_at == plan.published_at and len(renders) == 1
    assert signed_in(None).get(pdf_url(plan)).content == bytes(kept.pdf)
    assert len(renders) == 1  # the visitor waited for nothing


def test_a_publication_superseded_before_its_worker_ran_is_not_rendered(world, coordinator, worker, renders):
    with TestCase.captureOnCommitCallbacks(execute=True):
        publish(world.plan, coordinator, public=True)
    world.plan.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan = publish(world.plan, coordinator, public=True)
    ran = worker()
    assert sorted(task.return_value for task in ran) == ["kept", "superseded"]
    assert list(PublishedPdf.objects.values_list("published_at", flat=True)) == [plan.published_at]
    assert len(renders) == 1
