"""Rate-limit windows in Redis: every app process behind the proxy counts the same hits.

One Lua script per hit, so pruning, counting and adding are one atomic step, timed by the
Redis server's clock (the processes' clocks need not agree). When Redis cannot be reached the
hit is counted in this process instead (a limit per process, as without Redis) for the next few
seconds, and a warning is logged once a minute: a broken Redis must not stop anyone from
signing in or saving, nor make each of them wait for its timeout.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

import redis

from services.rate_limits import MemoryWindows

log = logging.getLogger(__name__)
KEY_PREFIX = "mirubato:rate:"
WARN_EVERY = 60.0
RETRY_AFTER = 5.0

# KEYS[1]: the window's sorted set (member per hit, score = milliseconds); ARGV: limit, window ms,
# member prefix, cost. Returns -1 when the hits were counted, else the milliseconds until enough of
# the oldest hits have left the window for them.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count + cost > limit then
  local index = math.min(count + cost - limit, count) - 1
  local freed = redis.call('ZRANGE', KEYS[1], index, index, 'WITHSCORES')
  return tonumber(freed[2]) + window - now
end
for i = 1, cost do
  redis.call('ZADD', KEYS[1], now, ARGV[3] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], window)
return -1
"""


class RedisWindows:
    blocking = True

    def __init__(self, url: str, *, timeout: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self._script = self._client.register_script(_HIT)
        self._fallback = MemoryWindows()
        self._clock = clock
        self._down_until = -RETRY_AFTER  # after a failure, Redis is left alone this long
        self._warned_at = -WARN_EVERY

    def hit(self, key: str, *, limit: int, window: float, cost: int = 1) -> float | None:
        if self._clock() < self._down_until:  # a dead Redis can take a timeout per call; do not pay it every hit
            return self._fallback.hit(key, limit=limit, window=window, cost=cost)
        try:
            wait_ms = int(
                self._script(keys=[KEY_PREFIX + key], args=[limit, int(window * 1000), uuid.uuid4().hex, cost])
            )
        except redis.RedisError as error:
            self._down_until = self._clock() + RETRY_AFTER
            self._warn(error)
            return self._fallback.hit(key, limit=limit, window=window, cost=cost)
        return None if wait_ms < 0 else wait_ms / 1000

    def _warn(self, error: Exception) -> None:
        now = self._clock()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            log.warning("rate limits counted per process: Redis unreachable (%s)", error)
