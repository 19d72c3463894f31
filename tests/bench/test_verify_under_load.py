"""run.sh's phase that loads the pages while a full verification runs: starting it as the auditors' page does,
waiting for it, and the table set beside the figures without it."""

import json

from django.test import TestCase

from bench import summarise, verify
from core.models import Job
from tests.factories import make_council, make_user


def test_one_verification_for_every_council_is_started_noted_and_waited_for(db, tmp_path, worker):
    councils = [make_council(), make_council()]
    make_user("somewhere-auditor", email="auditor@somewhere.invalid")
    jobs, out = tmp_path / "verify-jobs.txt", tmp_path / "verify.json"
    with TestCase.captureOnCommitCallbacks(execute=True):
        verify.start(jobs, fresh=True)
        verify.start(jobs, fresh=False)  # still waiting: the page gives the same one back, noted once
    [job_id] = jobs.read_text().split()
    job = Job.objects.get(pk=job_id)
    assert job.kind == Job.Kind.VERIFICATION
    assert set(job.councils.all()) == set(councils)
    assert job.started_by.username == "somewhere-auditor"
    worker()
    verify.wait(jobs, out, timeout=5)
    [row] = json.loads(out.read_text())["jobs"]
    assert row["status"] == Job.Status.DONE
    assert row["councils"] == 2
    assert row["intact"] is not None
    assert row["wall_seconds"] >= row["running_seconds"] >= 0


def test_a_verification_left_by_a_stopped_run_is_closed_before_a_fresh_one(db, tmp_path):
    make_council()
    make_user("somewhere-auditor", email="auditor@somewhere.invalid")
    jobs = tmp_path / "verify-jobs.txt"
    with TestCase.captureOnCommitCallbacks(execute=True):
        verify.start(jobs, fresh=True)
        left = Job.objects.get()
        verify.start(jobs, fresh=True)
    left.refresh_from_db()
    assert left.status == Job.Status.FAILED
    assert jobs.read_text().split() != [str(left.pk)]
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1


def test_the_pages_are_set_beside_their_figures_while_verifying(tmp_path, capsys):
    people = [{"name": "dashboard", "p50_ms": 20.0, "p95_ms": 40.0}]
    verifying = [{"name": "dashboard", "p50_ms": 30.0, "p95_ms": 90.0, "errors": 0, "began": 100.0, "ended": 120.0}]
    job = {
        "councils": 35,
        "status": "done",
        "intact": True,
        "councils_intact": 35,
        "started_at": 90.0,
        "finished_at": 115.0,  # three quarters of the measured run
        "wall_seconds": 26.0,
        "running_seconds": 25.0,
        "done": 1234,
        "unit": "entries of the chain checked",
        "first_outcome": "Intact: ...",
        "error": "",
    }
    (tmp_path / "load-verifying.json").write_text(json.dumps(verifying))
    (tmp_path / "verify.json").write_text(json.dumps({"audit_entries": 1234, "jobs": [job]}))
    summarise.during_verification(tmp_path, people, {"dashboard": (18.0, 35.0)})
    printed = capsys.readouterr().out
    assert "Pages while the full verification runs" in printed
    assert "| dashboard | 20.0 / 40.0 | 30.0 / 90.0 | 18.0 / 35.0 |  | 75% | 0 |" in printed
    assert "done, intact (35 councils told intact), 26.0 s from asking to the result (25.0 s on the worker)" in printed


def test_a_verification_for_more_councils_than_its_description_can_name_says_how_many(db, tmp_path):
    for number in range(35):
        make_council(name=f"The Metropolitan Borough Council of Somewhere Number {number}")
    make_user("somewhere-auditor", email="auditor@somewhere.invalid")
    jobs = tmp_path / "verify-jobs.txt"
    with TestCase.captureOnCommitCallbacks(execute=True):
        verify.start(jobs, fresh=True)
    job = Job.objects.get()
    assert job.description == "Verification of the audit record for 35 councils"
    assert job.councils.count() == 35
