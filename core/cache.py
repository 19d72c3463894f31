"""A Redis cache that a failing Redis cannot take the service down with.

The cache only saves work (rendered dashboards) and counts anonymous requests; every page can be answered without
it. Redis' client waits 5 seconds by default on a socket that does not answer, and a page paid that twice (the read,
then the write), so a hung Redis once held every dashboard for 10 seconds and queued the other pages behind them.
Here each call is bounded by the socket timeouts in OPTIONS (a fraction of a second, config/settings.py), and after
a failure the process leaves Redis alone for `retry_after` seconds: reads miss, writes are dropped, counts start
again. One line is logged when the cache is lost and one when it is back, not a traceback per request.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Per process and Redis address: Django makes a cache object per thread, and all of them should stop together.
_unavailable_until: dict[str, float] = {}
_lock = threading.Lock()


def _failsafe(answer_when_down: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the cache call unless Redis is resting after a failure; if it fails, rest it and give the fallback."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(self: "ResilientRedisCache", *args: Any, **kwargs: Any) -> Any:
            if self._resting():
                return answer_when_down(*args, **kwargs)
            try:
                answer = method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._rest(error)
                return answer_when_down(*args, **kwargs)
            self._recovered()
            return answer

        return call

    return decorate


def _missing(*args: Any, **kwargs: Any) -> None:
    raise ValueError("The cache is unavailable")  # what incr raises for a missing key: counting starts again


class ClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, and building one (it registers a parser for each
    of Redis' replies) costs more than reading a kept page from Redis. One per connection pool serves every call:
    it holds no connection of its own, so a Redis restarted under it is reconnected by the pool as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", 30))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ClientPerPool
        self._address = str(server)

    def _resting(self) -> bool:
        until = _unavailable_until.get(self._address)
        return until is not None and time.monotonic() < until

    def _rest(self, error: Exception) -> None:
        with _lock:
            first = self._address not in _unavailable_until
            _unavailable_until[self._address] = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "Cache unavailable (%s: %s); pages are served without it, retrying every %.0f s",
                type(error).__name__,
                error,
                self.retry_after,
            )

    def _recovered(self) -> None:
        if self._address in _unavailable_until:
            with _lock:
                lost = _unavailable_until.pop(self._address, None)
            if lost is not None:
                logger.warning("Cache available again")

    def ping(self) -> None:
        """Ask Redis directly, whatever the resting state: for the health endpoint, which must see the truth."""
        self._cache.get_client(write=True).ping()

    get = _failsafe(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _failsafe(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _failsafe(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _failsafe(lambda *args, **kwargs: False)(RedisCache.add)
    set = _failsafe(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _failsafe(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _failsafe(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _failsafe(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _failsafe(lambda *args, **kwargs: None)(RedisCache.delete_many)
    incr = _failsafe(_missing)(RedisCache.incr)


def quietly(method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a cache method; a cache that cannot be reached (whatever the backend) costs speed, never the page."""
    try:
        return method(*args, **kwargs)
    except Exception:  # the cache backend's own errors (connection refused, timeout) differ by backend
        logger.warning("Cache unavailable", exc_info=True)
        return None
