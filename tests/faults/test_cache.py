"""Redis refusing connections, and Redis hung (SIGSTOP), under the app served by gunicorn with CACHE_URL: every page
still answers in well under a second, the log has one line per process ("Cache unavailable"), not a traceback per
request, and the cache is used again once Redis is back."""

import statistics
import time

import pytest

from .conftest import CACHE_RETRY, WORKERS

pytestmark = pytest.mark.faults
PAGES = 20


@pytest.mark.parametrize("fault", ["refusing", "hung"])
def test_pages_answer_quickly_without_a_failing_redis(fault, redis_server, fault_world, app, record_property):
    if redis_server is None:
        pytest.skip("no redis-server on PATH (apt-get install redis-server)")
    redis = redis_server
    coordinator = {"sessionid": fault_world["coordinator"]}
    pages = [fault_world["dashboard"], fault_world["plan"]]
    for path in pages:  # rendered once, and the dashboard kept in Redis
        assert app.request("GET", path, cookies=coordinator)[0] == 200
    logged_before = len(app.log_text())

    if fault == "refusing":
        redis.stop()
    else:
        redis.hang()
    faulted = time.monotonic()
    times = []
    for number in range(PAGES):
        status, _, _, seconds = app.request("GET", pages[number % 2], cookies=coordinator, timeout=10)
        assert status == 200
        times.append(seconds)
    log = app.log_text()[logged_before:]

    if fault == "refusing":
        redis.start()
    else:
        redis.resume()
    back = time.monotonic()
    deadline = back + CACHE_RETRY + 10
    while "Cache available again" not in app.log_text()[logged_before:]:
        assert time.monotonic() < deadline, "the cache was not used again"
        app.request("GET", pages[0], cookies=coordinator)
        time.sleep(0.1)
    recovered = time.monotonic() - back

    summary = (
        f"Redis {fault}: {PAGES} pages, max {max(times):.3f} s, median {statistics.median(times):.3f} s; "
        f"{log.count('Cache unavailable')} 'Cache unavailable' lines, {log.count('Traceback')} tracebacks; "
        f"cache used again {recovered:.2f} s after Redis was back"
    )
    record_property(f"redis_{fault}", summary)
    print(f"\n{summary} (Redis failing for {back - faulted:.2f} s)")
    assert max(times) < 1.0, times
    assert 1 <= log.count("Cache unavailable") <= WORKERS  # once per gunicorn worker that noticed
    assert "Traceback" not in log
