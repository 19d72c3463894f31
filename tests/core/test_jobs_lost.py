"""A job whose worker died under it is shown as failed, with what to do, rather than "in progress" for ever; the
nightly run prunes the queue's old finished tasks and tells each council's auditors its verification's outcome.

The worker killed for real, inside its transaction, is in tests/faults/test_worker_killed.py."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from auditing.tasks import verify_audit_record
from board import nightly
from board.management.commands import run_worker
from core.jobs import lost_jobs_marked
from core.models import AuditEvent, Job

AUDIT = reverse("plans:audit")


def running_job(auditor, world, *, silent_for: datetime.timedelta) -> tuple[Job, DBTaskResult]:
    """A verification its worker started, then stopped hearing from `silent_for` ago, as a killed worker leaves it."""
    beat = timezone.now() - silent_for
    job = Job.objects.create(
        kind=Job.Kind.VERIFICATION,
        description="Verification of the audit record for Tower Hamlets test council",
        started_by=auditor,
        status=Job.Status.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
    )
    job.councils.set([world.council])
    verify_audit_record.enqueue(str(job.pk))
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", started_at=beat, worker_ids=["killed"])
    return job, task


def test_a_job_silent_past_the_limit_is_shown_failed_with_what_to_do(world, auditor, signed_in, settings, caplog):
    settings.JOB_LOST_AFTER_SECONDS = 300
    job, task = running_job(auditor, world, silent_for=datetime.timedelta(minutes=6))
    page = signed_in(auditor).get(reverse("jobs:job", args=[job.pk])).text
    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert "The worker running it stopped without finishing" in job.error
    assert "Start the verification again from the audit page." in job.error and str(job.pk) in job.error
    assert "This could not finish" in page and "Could not finish" in page
    # The queue's row too, so the operators' alert on failed tasks sees it.
    assert task.status == "FAILED" and task.exception_class_path == "core.jobs.WorkerLost"
    assert [r.getMessage() for r in caplog.records if r.name == "core.jobs"] == [
        f"Job {job.pk} (verification) lost: its worker stopped without finishing"
    ]


def test_a_job_still_beating_is_left_running(world, auditor, signed_in, settings):
    settings.JOB_LOST_AFTER_SECONDS = 300
    job, _ = running_job(auditor, world, silent_for=datetime.timedelta(minutes=4))
    assert signed_in(auditor).get(reverse("jobs:job", args=[job.pk])).status_code == 200
    assert lost_jobs_marked() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_pressing_verify_again_after_a_lost_one_starts_another(
    world, auditor, signed_in, settings, django_capture_on_commit_callbacks
):
    settings.JOB_LOST_AFTER_SECONDS = 300
    lost, _ = running_job(auditor, world, silent_for=datetime.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(auditor).post(AUDIT)
    lost.refresh_from_db()
    assert lost.status == Job.Status.FAILED
    assert response.url != reverse("jobs:job", args=[lost.pk]) and Job.objects.count() == 2


def test_a_worker_starting_marks_the_jobs_its_predecessor_lost(world, auditor, settings, capsys, monkeypatch):
    settings.JOB_LOST_AFTER_SECONDS = 300
    job, _ = running_job(auditor, world, silent_for=datetime.timedelta(hours=1))
    # The worker's own loop closes connections, which a test's transaction cannot have: what it does first is enough.
    monkeypatch.setattr(run_worker, "call_command", lambda *args, **kwargs: None)
    call_command("run_worker", batch=True)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "1 job(s) left running by a stopped worker marked failed" in capsys.readouterr().out


def test_the_nightly_run_prunes_finished_tasks_older_than_a_month(world, worker):
    old = timezone.now() - datetime.timedelta(days=nightly.TASK_RESULTS_KEPT_DAYS + 1)
    for _ in range(3):
        verify_audit_record.enqueue("no such job")
    first, second, third = DBTaskResult.objects.order_by("enqueued_at")
    DBTaskResult.objects.filter(pk=first.pk).update(status="SUCCESSFUL", finished_at=old)
    DBTaskResult.objects.filter(pk=second.pk).update(status="FAILED", finished_at=old)
    DBTaskResult.objects.filter(pk=third.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
    nightly.nightly.enqueue(timezone.localdate().isoformat())
    worker()
    job = Job.objects.get(kind=Job.Kind.NIGHTLY)
    assert "2 finished tasks pruned" in job.outcomes[""]
    assert not DBTaskResult.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert DBTaskResult.objects.filter(pk=third.pk).exists()


def test_each_auditor_sees_the_nightly_verification_of_their_own_council(world, auditor, signed_in, worker):
    nightly.nightly.enqueue(timezone.localdate().isoformat())
    worker()
    page = signed_in(auditor).get(AUDIT).text
    night = f"Nightly run of {timezone.localdate().isoformat()}"
    assert f"{night}: verification of the audit record for Tower Hamlets test council" in page
    assert "for Example Borough test council" not in page
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.VERIFICATION, council=world.elsewhere).exists()


def test_a_lost_nightly_run_fails_its_task_too_and_a_night_queued_before_still_runs(world, settings, worker):
    settings.JOB_LOST_AFTER_SECONDS = 300
    nightly.nightly_scheduled()
    (queued,) = DBTaskResult.objects.all()
    job_id, night = queued.args_kwargs["args"]
    # Its worker took it, wrote the night's job and was killed an hour ago.
    beat = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.create(
        pk=job_id,
        kind=Job.Kind.NIGHTLY,
        description=f"Nightly run of {night}",
        status=Job.Status.RUNNING,
        heartbeat_at=beat,
    )
    DBTaskResult.objects.filter(pk=queued.pk).update(status="RUNNING", started_at=beat, worker_ids=["killed"])
    assert lost_jobs_marked() == 1
    queued.refresh_from_db()
    assert queued.status == "FAILED" and queued.exception_class_path == "core.jobs.WorkerLost"

    # A night queued by the version before, with the night alone, runs as that night's job.
    DBTaskResult.objects.all().delete()
    nightly.nightly.enqueue("2026-01-05")
    (ran, *_) = worker()
    assert ran.status == "SUCCESSFUL"
    assert Job.objects.get(description="Nightly run of 2026-01-05").pk == nightly.uuid.uuid5(
        nightly.NIGHTS, "2026-01-05"
    )
