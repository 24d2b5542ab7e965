"""How load is offered in the benchmarks: closed loops of N clients, or N clients at a steady pace.

A closed loop sends the next call as soon as the last one answered, so it measures a server at
saturation: latency there is the queue (Little's law: N clients / throughput). A paced client
waits a random think time between calls (exponential, mean ``interval``), which is how people
use the app: there latency is what one user feels while N others are busy too.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Call = Callable[[int, int], Awaitable[object]]  # (client number, call number)


@dataclass(frozen=True)
class Figures:
    p50: float
    p95: float
    p99: float
    rate: float  # calls per second
    errors: int
    first_error: str = ""

    def row(self) -> str:
        errors = f"  {self.errors} errors, first: {self.first_error}" if self.errors else ""
        return f"{self.p50:7.1f} {self.p95:7.1f} {self.p99:7.1f}  {self.rate:6.0f}/s{errors}"


def figures(samples: list[float], seconds: float, errors: int = 0, first_error: str = "") -> Figures:
    ordered = sorted(samples) or [float("nan")]

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * q) - 1))]

    return Figures(statistics.median(ordered), at(0.95), at(0.99), len(samples) / seconds, errors, first_error)


async def _timed(call: Call, client: int, number: int, samples: list[float], failures: list[str]) -> bool:
    started = time.perf_counter()
    try:
        await call(client, number)
    except Exception as error:  # counted and reported: a benchmark goes on past a failed call
        failures.append(f"{type(error).__name__}: {str(error)[:120]}")
        return False
    samples.append((time.perf_counter() - started) * 1000)
    return True


async def closed_loop(call: Call, *, calls: int, clients: int) -> Figures:
    """``clients`` loops sharing ``calls`` calls, each sending its next call when the last returned."""
    numbers, samples, failures = itertools.count(), [], []

    async def client(index: int) -> None:
        while (number := next(numbers)) < calls:
            await _timed(call, index, number, samples, failures)

    started = time.perf_counter()
    await asyncio.gather(*(client(index) for index in range(clients)))
    return figures(samples, time.perf_counter() - started, len(failures), failures[0] if failures else "")


async def paced(call: Call, *, clients: int, interval: float, seconds: float) -> Figures:
    """``clients`` clients for ``seconds``, each calling once per ``interval`` seconds on average."""
    numbers, samples, failures = itertools.count(), [], []
    deadline = time.perf_counter() + seconds

    async def client(index: int) -> None:
        rng = random.Random(index)
        await asyncio.sleep(rng.uniform(0, interval))
        while time.perf_counter() < deadline:
            await _timed(call, index, next(numbers), samples, failures)
            # A think time past the end would only keep the run waiting, measuring nothing.
            await asyncio.sleep(min(rng.expovariate(1 / interval), max(0.0, deadline - time.perf_counter())))

    started = time.perf_counter()
    await asyncio.gather(*(client(index) for index in range(clients)))
    return figures(samples, time.perf_counter() - started, len(failures), failures[0] if failures else "")
