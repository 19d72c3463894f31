"""A Redis that refuses or hangs costs a page a fraction of a second once, then nothing, with one line logged.

Against real sockets: the machine's Redis for the working case, a closed port for a refusing one, and a listener
that accepts connections and never answers for a hung one (what a Redis stopped with SIGSTOP does).
"""

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import cache as resilient

REDIS_URL = "redis://127.0.0.1:6379/15"


def make(location: str, *, retry_after: float = 30) -> resilient.ResilientRedisCache:
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "retry_after": retry_after}
    return resilient.ResilientRedisCache(location, {"OPTIONS": options, "KEY_PREFIX": "test-faults"})


@pytest.fixture(autouse=True)
def fresh_state() -> Iterator[None]:
    resilient._unavailable_until.clear()
    yield
    resilient._unavailable_until.clear()


@pytest.fixture
def hung_redis() -> Iterator[str]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def refusing_redis() -> str:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: connections are refused
    return f"redis://127.0.0.1:{port}/0"


def test_a_working_redis_is_used_as_a_cache():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = make(REDIS_URL)
    cache.set("dashboard", "rendered", 30)
    assert cache.get("dashboard") == "rendered"
    assert cache.add("count", 1, 30) and cache.incr("count") == 2
    cache.ping()
    cache.delete_many(["dashboard", "count"])
    # One client for every call, not one built per call (which cost more than a kept page's read).
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)


@pytest.mark.parametrize("redis_fixture", ["hung_redis", "refusing_redis"])
def test_a_failing_redis_costs_one_bounded_wait_then_pages_go_on_without_it(redis_fixture, request, caplog):
    cache = make(request.getfixturevalue(redis_fixture))
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        start = time.perf_counter()
        assert cache.get("dashboard") is None  # a miss: the page is rendered
        first = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(100):  # a hundred pages, each reading and writing
            assert cache.get("dashboard", "default") == "default"
            cache.set("dashboard", "rendered", 30)
            assert cache.add("start", 1, 30) is False
            with pytest.raises(ValueError):
                cache.incr("count")  # the rate limit counts afresh, so it lets the visitor through
        rest = time.perf_counter() - start
    assert first < 1.0, f"the first call waited {first:.2f} s"
    assert rest < 0.1, f"a hundred pages waited {rest:.2f} s for a cache known to be down"
    lost = [record for record in caplog.records if record.name == "core.cache"]
    assert len(lost) == 1 and "Cache unavailable" in lost[0].getMessage() and not lost[0].exc_info


def test_after_the_rest_it_tries_again_and_says_when_the_cache_is_back(caplog):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = make(REDIS_URL, retry_after=0.05)
    cache.set("x", "stored", 30)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        cache._rest(ConnectionError("refused"))  # as a failed call leaves it
        assert cache.get("x", "fallback") == "fallback"  # resting: Redis is not asked
        time.sleep(0.06)
        assert cache.get("x") == "stored"
    messages = [record.getMessage() for record in caplog.records if record.name == "core.cache"]
    assert messages == [
        "Cache unavailable (ConnectionError: refused); pages are served without it, retrying every 0 s",
        "Cache available again",
    ]
    cache.delete("x")


def test_the_health_check_asks_redis_itself_even_while_resting(hung_redis):
    cache = make(hung_redis)
    cache.get("x")
    start = time.perf_counter()
    with pytest.raises(RedisTimeoutError):
        cache.ping()
    assert time.perf_counter() - start < 1.0
