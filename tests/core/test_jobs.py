"""Long work in the background: the page of each job, its progress as JSON, who may see it, a failure and its
report, a file for the person who asked and only for a while, the nightly run, and progress on the command line."""

import datetime
import json
import uuid

import pytest
from django.core.management import call_command
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from auditing import tasks as core_tasks
from board import nightly
from core.models import AuditEvent, Job
from plans.models import BoardMeeting, Role
from tests import factories as f
from tests.html import link_text

AUDIT = reverse("plans:audit")


def start_verification(client, capture) -> Job:
    with capture(execute=True):
        response = client.post(AUDIT)
    job = Job.objects.order_by("-created_at").first()
    assert response.status_code == 302 and response.url == reverse("jobs:job", args=[job.pk])
    return job


def progress(client, job) -> dict:
    response = client.get(reverse("jobs:job_progress", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_page_shows_a_waiting_job_then_its_progress_then_its_result(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker
):
    client = signed_in(auditor)
    job = start_verification(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("jobs:job", args=[job.pk])).text
    assert "Waiting to start" in page and "Waiting for a worker to start it." in page
    # Without JavaScript, a link the person chooses to follow; with it, the script asks for the progress.
    assert f'href="{reverse("jobs:job", args=[job.pk])}">Refresh to see how far it has got' in page
    assert f'data-job-progress="{reverse("jobs:job_progress", args=[job.pk])}"' in page
    assert 'src="/static/app/job-progress.js"' in page and "<script>" not in page
    assert progress(client, job) | {"done": 0} == {
        "status": "queued",
        "status_label": "Waiting to start",
        "finished": False,
        "done": 0,
        "total": None,
        "unit": "entries of the chain checked",
        "percent": None,
        "summary": "Waiting for a worker to start it.",
    }

    worker()
    job.refresh_from_db()
    assert (job.status, job.intact, job.started_by) == (Job.Status.DONE, True, auditor)
    assert job.done > 0 and job.started_at <= job.finished_at
    state = progress(client, job)
    assert state["finished"] and state["status_label"] == "Finished"
    page = client.get(reverse("jobs:job", args=[job.pk])).text
    assert "The audit record is intact" in page and "data-job-progress" not in page and "Refresh" not in page


def test_pressing_the_button_again_gives_the_verification_already_waiting(
    world, auditor, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(auditor)
    first = start_verification(client, django_capture_on_commit_callbacks)
    second = start_verification(client, django_capture_on_commit_callbacks)
    assert first == second and Job.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "A verification is waiting to start" in client.get(AUDIT).text
    # One lost long ago (its worker killed under it) is not waited on: pressing again starts another.
    Job.objects.update(status=Job.Status.RUNNING, created_at=timezone.now() - datetime.timedelta(hours=7))
    third = start_verification(client, django_capture_on_commit_callbacks)
    assert third != first and Job.objects.count() == 2


def test_a_verification_that_stops_says_what_went_wrong_and_what_to_do(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker, monkeypatch
):
    def broken(**kwargs):
        raise MemoryError("out of memory")

    monkeypatch.setattr(core_tasks, "verify", broken)
    client = signed_in(auditor)
    job = start_verification(client, django_capture_on_commit_callbacks)
    (ran,) = worker()
    assert ran.status == "FAILED" and ran.exception_class_path == "builtins.MemoryError"
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    page = client.get(reverse("jobs:job", args=[job.pk])).text
    assert "This could not finish" in page
    assert "It stopped with an error (MemoryError)." in page
    assert "start the verification again from the audit page" in page and f"Quote task {job.pk}" in page
    assert "out of memory" not in page  # the details are for the operators' log
    assert not AuditEvent.objects.exists()
    assert "The latest verification could not finish" in client.get(AUDIT).text


def test_the_councils_other_auditors_see_a_verification_and_nobody_else(
    world, auditor, coordinator, board, outsider, signed_in, django_capture_on_commit_callbacks, worker
):
    job = start_verification(signed_in(auditor), django_capture_on_commit_callbacks)
    worker()
    colleague = f.make_user("second-auditor")
    f.make_member(colleague, world.council, Role.AUDITOR)
    elsewhere_auditor = f.make_user("elsewhere-auditor")
    f.make_member(elsewhere_auditor, world.elsewhere, Role.AUDITOR)
    for url in (reverse("jobs:job", args=[job.pk]), reverse("jobs:job_progress", args=[job.pk])):
        assert signed_in(colleague).get(url).status_code == 200
        for person in (coordinator, board, outsider, elsewhere_auditor):
            assert signed_in(person).get(url).status_code == 404
        assert signed_in(None).get(url).status_code == 302
        assert signed_in(auditor).post(url).status_code == 405
    assert signed_in(auditor).get(reverse("jobs:job", args=[uuid.uuid4()])).status_code == 404


def test_each_auditor_reads_the_outcome_for_their_own_councils_only(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker
):
    f.make_member(auditor, world.elsewhere, Role.AUDITOR)
    job = start_verification(signed_in(auditor), django_capture_on_commit_callbacks)
    worker()
    theirs = f.make_user("elsewhere-auditor")
    f.make_member(theirs, world.elsewhere, Role.AUDITOR)
    page = signed_in(theirs).get(reverse("jobs:job", args=[job.pk])).text
    assert "The audit record is intact" in page
    assert f"{world.council.name}:" not in page
    mine = signed_in(auditor).get(reverse("jobs:job", args=[job.pk])).text
    assert f"{world.council.name}:" in mine and f"{world.elsewhere.name}:" in mine


def export_job(client, capture, fmt: str = "csv") -> Job:
    with capture(execute=True):
        response = client.post(reverse("plans:export_council_history", args=[client.council_slug, fmt]))
    assert response.status_code == 302
    return Job.objects.get(kind=Job.Kind.EXPORT)


@pytest.fixture
def auditor_client(world, auditor, signed_in):
    client = signed_in(auditor)
    client.council_slug = world.council.slug
    return client


@pytest.mark.parametrize(("fmt", "format_words"), [("csv", "CSV"), ("xlsx", "Excel spreadsheet, XLSX")])
def test_the_ready_file_is_offered_with_its_format_and_size(
    auditor_client, django_capture_on_commit_callbacks, worker, fmt, format_words
):
    job = export_job(auditor_client, django_capture_on_commit_callbacks, fmt)
    worker()
    job.refresh_from_db()
    page = auditor_client.get(reverse("jobs:job", args=[job.pk])).text
    size = filesizeformat(job.file.size).replace("\xa0", " ")  # "12.3 KB": link_text reads every space as one
    assert size.endswith(("KB", "MB"))
    link = link_text(page, reverse("jobs:job_download", args=[job.pk]))
    assert link == f"download {job.filename} ({format_words}, {size})"


def test_the_file_is_for_the_person_who_asked_while_it_lasts_and_each_download_is_recorded(
    world, auditor, auditor_client, signed_in, django_capture_on_commit_callbacks, worker, settings
):
    job = export_job(auditor_client, django_capture_on_commit_callbacks)
    download = reverse("jobs:job_download", args=[job.pk])
    assert auditor_client.get(download).status_code == 404  # not written yet
    worker()
    job.refresh_from_db()
    assert job.unit == "rows written" and job.done > 0
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=settings.JOB_FILE_HOURS)
    page = auditor_client.get(reverse("jobs:job", args=[job.pk])).text
    assert "Your file is ready" in page and f'href="{download}"' in page

    for _ in range(2):
        response = auditor_client.get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith("\ufeffrecorded_at".encode())
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT)
    assert events.count() == 2 and {(e.user, e.council) for e in events} == {(auditor, world.council)}

    # Another auditor of the council may not have it; nor may anyone once it has expired.
    colleague = f.make_user("second-auditor")
    f.make_member(colleague, world.council, Role.AUDITOR)
    assert signed_in(colleague).get(download).status_code == 404
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert auditor_client.get(download).status_code == 404
    assert nightly.expired_files_removed() == 1
    job.refresh_from_db()
    assert not job.file
    assert "Prepare it again" in auditor_client.get(reverse("jobs:job", args=[job.pk])).text


def test_an_export_that_fails_says_so_and_records_no_download(
    auditor_client, django_capture_on_commit_callbacks, worker, monkeypatch
):
    from records import tasks as plans_tasks

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(plans_tasks, "export_rows", broken)
    job = export_job(auditor_client, django_capture_on_commit_callbacks, "xlsx")
    (ran,) = worker()
    assert ran.status == "FAILED"
    page = auditor_client.get(reverse("jobs:job", args=[job.pk])).text
    assert "It stopped with an error (OSError). Nothing was recorded as exported." in page
    assert not AuditEvent.objects.exists()


def test_the_job_page_reads_a_fixed_number_of_queries(
    world, auditor, signed_in, django_capture_on_commit_callbacks, worker, django_assert_max_num_queries
):
    for council in [world.elsewhere, *(f.make_council(name=f"Council {n}") for n in range(5))]:
        f.make_member(auditor, council, Role.AUDITOR)
    client = signed_in(auditor)
    job = start_verification(client, django_capture_on_commit_callbacks)
    worker()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("jobs:job", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        client.get(reverse("jobs:job_progress", args=[job.pk]))


def test_the_nightly_run_seals_verifies_and_queues_the_next_night(world, worker, settings):
    settings.NIGHTLY_AT = "02:30"
    at = nightly.nightly_scheduled()
    assert timezone.localtime(at).strftime("%H:%M") == "02:30" and at > timezone.now()
    assert nightly.nightly_scheduled() == at  # a second worker starting finds it queued
    assert DBTaskResult.objects.count() == 1
    assert worker() == []  # not yet its time

    DBTaskResult.objects.update(run_after=timezone.now())
    (ran,) = worker()
    assert ran.status == "SUCCESSFUL" and ran.return_value == "done"
    job = Job.objects.get(kind=Job.Kind.NIGHTLY)
    assert job.status == Job.Status.DONE and job.intact is True
    assert "verification: Intact" in job.outcomes[""]
    # One event per council, each with that council's outcome, so each auditor's audit page shows it.
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.VERIFICATION).order_by("council__name")
    assert [e.council for e in events] == sorted([world.council, world.elsewhere], key=lambda c: c.name)
    assert all(e.user is None and e.outcome.startswith("Intact: ") for e in events)
    assert all(e.description.startswith(f"{job.description}: verification of the audit record for ") for e in events)
    (tomorrow,) = DBTaskResult.objects.filter(status="READY")
    assert tomorrow.run_after > timezone.now()

    # The same night queued twice (two workers at once) runs once.
    nightly.nightly.enqueue(*ran.args_kwargs["args"])
    ran = worker()
    assert ran[-1].return_value == "already run" and Job.objects.filter(kind=Job.Kind.NIGHTLY).count() == 1


def test_verify_audit_and_seal_meetings_print_their_progress(world, capsys):
    call_command("verify_audit")
    err = capsys.readouterr().err
    assert "entries of the chain checked" in err and "live rows compared with their history" in err
    BoardMeeting.objects.create(plan=world.plan, date=datetime.date(2018, 11, 12))
    call_command("seal_meetings")
    out = capsys.readouterr()
    assert "1 of 1 past meetings looked at" in out.err and "Sealed 1 of 1 past meetings" in out.out
