"""The background worker in the tests: django-tasks-db's own worker (what `manage.py run_worker` runs), in batch
mode, in the test's process and transaction, so it works on SQLite and PostgreSQL alike and sees the test's rows.

Its connection housekeeping (closing connections between tasks) is left out: a test's transaction cannot be closed.
"""

import threading
from unittest import mock

import pytest
from django.db import connection
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


class WorkerThread:
    """A worker beside the live server, as `make run` has one: polling the queue in a thread of the test process,
    with its own database connection, until the test ends."""

    def __init__(self) -> None:
        self.worker = db_worker.Worker(
            queue_names=["default"],
            interval=0.1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker-thread",
            excluded_queue_names=[],
        )
        self.thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            self.worker.run()
        finally:
            connection.close()  # this thread's own connection: the test database is flushed and dropped after

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="task-worker", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.worker.running = False
        if self.thread is not None:
            self.thread.join(timeout=30)


@pytest.fixture
def worker_thread():
    """worker_thread.start() starts a worker beside the live server; it is stopped when the test ends."""
    thread = WorkerThread()
    yield thread
    thread.stop()
