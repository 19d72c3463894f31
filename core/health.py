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
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

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


# (name, check, whether the instance can serve people without it)
CHECKS: list[tuple[str, Callable[[], None], bool]] = [
    ("database", _database, False),
    ("audit_checkpoints", _checkpoints, False),
    ("cache", _cache, True),
]


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    checks, serving, degraded = {}, True, False
    for name, check, optional in CHECKS:
        start = time.perf_counter()
        try:
            check()
        except Exception:
            logger.exception("Health check failed: %s", name)
            status = "failing"
            degraded = True
            serving = serving and optional
        else:
            status = "ok"
        checks[name] = {"status": status, "ms": round((time.perf_counter() - start) * 1000, 1)}
    overall = "failing" if not serving else "degraded" if degraded else "ok"
    return JsonResponse({"status": overall, "checks": checks}, status=200 if serving else 503)
