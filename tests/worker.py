"""The background worker in the tests: django-tasks-db's own worker (what `manage.py run_worker` runs), in batch
mode, in the test's process and transaction, so it works on SQLite and PostgreSQL alike and sees the test's rows.

Its connection housekeeping (closing connections between tasks) is left out: a test's transaction cannot be closed.
"""

from unittest import mock

import pytest
from django.test import TestCase
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_worker() -> list[DBTaskResult]:
    """Run every task ready to run, and those they queue ready to run; return every task run in the test so far,
    oldest first."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
    return list(DBTaskResult.objects.exclude(status="READY").order_by("enqueued_at"))


def queued_and_run(post, *args, **kwargs):
    """Make the request (a POST that queues work once committed, as it is outside a test), then run the worker."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(*args, **kwargs)
    run_worker()
    return response


@pytest.fixture
def worker():
    return run_worker


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    """The files workers produce go to the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "job_files": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path
