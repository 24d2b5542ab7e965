"""Sliding-window rate limits, in process memory and in a real Redis shared by two "processes"."""

from __future__ import annotations

import logging
import os
import time

import pytest
import redis

from services.adapters.redis_windows import KEY_PREFIX, RedisWindows
from services.rate_limits import MemoryWindows, RateLimited, RateLimiter
from tests.processes import free_port

REDIS_URL = os.environ.get("MIRUBATO_TEST_REDIS_URL_RATES", "redis://127.0.0.1:6379/8")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def hits(limiter: RateLimiter, key: str, times: int, *, limit: int, window: float) -> list[int | None]:
    """None for each allowed hit, the Retry-After seconds for each refused one."""
    answers: list[int | None] = []
    for _ in range(times):
        try:
            limiter.hit(key, limit=limit, window=window, message="slow down")
            answers.append(None)
        except RateLimited as refused:
            answers.append(refused.retry_after)
    return answers


def test_memory_windows_refuse_over_the_limit_and_slide():
    clock = Clock()
    limiter = RateLimiter(windows=MemoryWindows(clock))
    assert hits(limiter, "a", 4, limit=3, window=60) == [None, None, None, 60]
    assert hits(limiter, "b", 1, limit=3, window=60) == [None]  # keys are counted apart
    clock.now += 59.5
    assert hits(limiter, "a", 1, limit=3, window=60) == [1]  # never "retry after 0"
    clock.now += 0.5
    assert hits(limiter, "a", 4, limit=3, window=60) == [None, None, None, 60]


@pytest.fixture
def shared_redis() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_URL} (.ci/run starts it)")
    return REDIS_URL


def test_two_processes_count_the_same_hits_in_redis(shared_redis):
    first, second = RateLimiter(windows=RedisWindows(shared_redis)), RateLimiter(windows=RedisWindows(shared_redis))
    answers = [hits(limiter, "writes:u1", 1, limit=4, window=60)[0] for limiter in (first, second) * 3]
    assert answers[:4] == [None] * 4
    assert all(wait is not None and 59 <= wait <= 60 for wait in answers[4:])
    assert hits(second, "writes:u2", 1, limit=4, window=60) == [None]
    ttl = redis.Redis.from_url(shared_redis).pttl(KEY_PREFIX + "writes:u1")
    assert 0 < ttl <= 60_000  # idle keys leave Redis by themselves


def test_the_redis_window_slides(shared_redis):
    limiter = RateLimiter(windows=RedisWindows(shared_redis))
    assert hits(limiter, "login:x", 1, limit=2, window=1) == [None]
    time.sleep(0.6)
    assert hits(limiter, "login:x", 2, limit=2, window=1) == [None, 1]
    time.sleep(0.5)  # the first hit has left the window, the second has not
    assert hits(limiter, "login:x", 2, limit=2, window=1) == [None, 1]


def test_without_redis_each_process_still_limits_and_says_why(caplog):
    limiter = RateLimiter(windows=RedisWindows(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2))
    with caplog.at_level(logging.WARNING, logger="services.adapters.redis_windows"):
        assert hits(limiter, "writes:u1", 3, limit=2, window=60) == [None, None, 60]
    assert [r.getMessage() for r in caplog.records].count(caplog.records[0].getMessage()) == 1  # once, not per hit
    assert "Redis unreachable" in caplog.records[0].getMessage()


def test_after_a_failure_redis_is_left_alone_for_a_while_then_used_again(shared_redis):
    """A dead Redis may take a timeout per call: one failure sends the next few seconds' hits to the process."""
    clock = Clock()
    windows = RedisWindows(shared_redis, clock=clock)
    limiter = RateLimiter(windows=windows)
    working, calls = windows._script, []

    def failing(**kwargs):
        calls.append(kwargs)
        raise redis.ConnectionError("gone")

    windows._script = failing
    assert hits(limiter, "writes:u1", 3, limit=10, window=60) == [None] * 3
    assert len(calls) == 1  # tried once, then counted in the process
    windows._script = working
    clock.now += 4.9
    assert hits(limiter, "writes:u1", 1, limit=10, window=60) == [None]
    assert redis.Redis.from_url(shared_redis).zcard(KEY_PREFIX + "writes:u1") == 0  # still not asked
    clock.now += 0.2
    assert hits(limiter, "writes:u1", 1, limit=10, window=60) == [None]
    assert redis.Redis.from_url(shared_redis).zcard(KEY_PREFIX + "writes:u1") == 1  # back to the shared count
