"""The health endpoint for load balancers and monitoring: can this instance answer, and what is failing.

GET /health/ answers 200 when the instance can serve people, 503 when it cannot (the database does not answer, or
the audit checkpoints cannot be written, which every change needs). A failing cache answers 200 with the status
"degraded": pages are served without it (core.cache). The body names each part and how long its check took, never
an error message: those go to the log, where the request id joins them to this request.
"""

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from .cache import ResilientRedisCache

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    if isinstance(cache, ResilientRedisCache):  # a process's own memory cache has nothing to fail
        cache.ping()


def _checkpoints() -> None:
    if not settings.AUDIT_CHECKPOINT_PATH:
        return
    # What core.checkpoints.write needs: the file writable, or the nearest existing folder above it (it makes the
    # folders in between).
    target = Path(settings.AUDIT_CHECKPOINT_PATH)
    while not target.exists():
        target = target.parent
    usable = target.is_file() if target == Path(settings.AUDIT_CHECKPOINT_PATH) else target.is_dir()
    if not usable or not os.access(target, os.W_OK):
        raise PermissionError(f"{target} cannot hold the checkpoints")


class Behind(Exception):
    """The part answers, but is too far behind: what it reports still goes in the body."""

    def __init__(self, report: dict) -> None:
        super().__init__(report)
        self.report = report


def _task_queue() -> dict:
    """The age of the oldest task waiting for a worker: when it grows, no worker is running or too few are."""
    now = timezone.now()
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    # A task deferred (an email tried again later) has waited only since it became due.
    since = max(oldest[0], oldest[1]) if oldest and oldest[1] <= now else oldest[0] if oldest else now
    age = round((now - since).total_seconds())
    report = {"oldest_waiting_seconds": age}
    if age > settings.TASK_QUEUE_BEHIND_SECONDS:
        raise Behind(report)
    return report


# (name, check, whether the instance can serve people without it). A check may return figures for the body.
CHECKS: list[tuple[str, Callable[[], dict | None], bool]] = [
    ("database", _database, False),
    ("audit_checkpoints", _checkpoints, False),
    ("cache", _cache, True),
    # Pages are served without the workers; what waits for them (exports, verifications, emails) is late.
    ("task_queue", _task_queue, True),
]


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks, serving, degraded = {}, True, False
    for name, check, optional in CHECKS:
        start = time.perf_counter()
        report: dict = {}
        try:
            report = check() or {}
        except Behind as behind:
            logger.error("Health check: %s is behind: %s", name, behind.report)
            report, status = behind.report, "behind"
            degraded = True
            serving = serving and optional
        except Exception:
            logger.exception("Health check failed: %s", name)
            status = "failing"
            degraded = True
            serving = serving and optional
        else:
            status = "ok"
        checks[name] = {"status": status, "ms": round((time.perf_counter() - start) * 1000, 1), **report}
    overall = "failing" if not serving else "degraded" if degraded else "ok"
    return JsonResponse({"status": overall, "checks": checks}, status=200 if serving else 503)
