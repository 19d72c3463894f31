"""The health endpoint: 200 while the instance can serve, 503 when it cannot, and which part is failing."""

import datetime
import json
import logging

import pytest
from django.db import connections
from django.db.utils import OperationalError

from core import health

pytestmark = pytest.mark.django_db


def test_a_healthy_instance_answers_ok_to_an_anonymous_load_balancer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "audit_checkpoints": "ok",
        "cache": "ok",
        "task_queue": "ok",
    }
    assert body["checks"]["task_queue"]["oldest_waiting_seconds"] == 0
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


def test_a_database_that_does_not_answer_gives_503_naming_it_and_logs_why(client, monkeypatch, caplog):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    with caplog.at_level(logging.ERROR, logger="core.health"):
        response = client.get("/health/")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "failing" and body["checks"]["database"]["status"] == "failing"
    assert b"connection refused" not in response.content  # the reason goes to the log, not to the visitor
    assert "Health check failed: database" in caplog.text and "connection refused" in caplog.text


def test_audit_checkpoints_that_cannot_be_written_give_503(client, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.AUDIT_CHECKPOINT_PATH = str(tmp_path / "a-file" / "audit" / "checkpoints.log")
    response = client.get("/health/")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["audit_checkpoints"]["status"] == "failing"


def test_a_failing_cache_leaves_the_instance_serving_degraded(client, monkeypatch):
    def unavailable():
        raise ConnectionError("redis down")

    monkeypatch.setattr(health, "CHECKS", [(n, unavailable if n == "cache" else c, o) for n, c, o in health.CHECKS])
    response = client.get("/health/")
    assert response.status_code == 200
    assert json.loads(response.content)["status"] == "degraded"


def test_a_task_waiting_too_long_says_the_workers_are_behind_and_the_site_still_serves(client, settings, caplog):
    """No worker running (or too few): pages still work, but what waits for a worker is late, and operators alert."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from board.tasks import send_update_request_email

    settings.TASK_QUEUE_BEHIND_SECONDS = 300
    send_update_request_email.enqueue(1, "subject", "body", [])
    assert json.loads(client.get("/health/").content)["checks"]["task_queue"]["status"] == "ok"
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=400))
    with caplog.at_level(logging.ERROR, logger="core.health"):
        response = client.get("/health/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded" and body["checks"]["task_queue"]["status"] == "behind"
    assert 400 <= body["checks"]["task_queue"]["oldest_waiting_seconds"] < 410
    assert "task_queue is behind" in caplog.text
