"""Sliding-window rate limits: a key may act ``limit`` times per ``window`` seconds.

Counted in process memory, or, when the processes share a Redis (``NICEGUI_REDIS_URL``), in
Redis (``services.adapters.redis_windows``), so that a limit holds across all of them.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.i18n import N_, _
from services.errors import ServiceError

FIFTEEN_MINUTES = 15 * 60
ONE_MINUTE = 60
ONE_HOUR = 60 * 60
ONE_DAY = 24 * ONE_HOUR


class RateLimited(ServiceError):
    """Too many attempts; ``retry_after`` says how many seconds until the next one is allowed."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class Limits:
    login_per_address: int = 5  # per 15 minutes
    login_per_ip: int = 20  # per 15 minutes
    verify_per_ip: int = 30  # per 15 minutes
    writes_per_user: int = 300  # per minute: each saved change, whatever way it arrives
    reads_per_user: int = 1200  # per minute
    mail_per_recipient: int = 10  # per hour, every kind of email to one address
    invites_per_user: int = 10  # per day, invitation emails a user sends


class Windows(Protocol):
    """Where the hits are counted; ``blocking``: a hit waits on the network (keep it off the event loop)."""

    blocking: bool

    def hit(self, key: str, *, limit: int, window: float, cost: int = 1) -> float | None:
        """Count ``cost`` hits unless that would pass ``limit`` in the last ``window`` seconds.

        Returns None when counted, else the seconds until they may be (nothing counted then).
        """


class RateLimiter:
    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        windows: Windows | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.windows = windows or MemoryWindows(clock)

    def hit(self, key: str, *, limit: int, window: float, message: str | Callable[[], str], cost: int = 1) -> None:
        """Count ``cost`` attempts for ``key``; raise RateLimited when that is over the limit.

        ``message``: the text for the user, already translated, or what makes it (called only when
        the limit is reached, so a hit that passes does not translate anything).

        A cost above the limit counts as the limit: a batch larger than the limit gets through
        on an empty window instead of never.
        """
        wait = self.windows.hit(key, limit=limit, window=window, cost=max(1, min(cost, limit)))
        if wait is not None:
            text = message if isinstance(message, str) else message()
            raise RateLimited(text, retry_after=max(1, math.ceil(wait)))

    # The limits every entry point shares (REST, page events, offline sync), by what is limited.

    def writes(self, user_id: object, *, count: int = 1) -> None:
        """``count`` changes saved by one user (a sync batch counts each of its changes)."""
        self.hit(f"writes:{user_id}", limit=self.limits.writes_per_user, window=ONE_MINUTE, cost=count, message=_slow)

    def reads(self, user_id: object) -> None:
        self.hit(f"reads:{user_id}", limit=self.limits.reads_per_user, window=ONE_MINUTE, message=_slow)

    def mail_to(self, address: str) -> None:
        """One more email to ``address``, of any kind (sign-in link, invitation)."""
        self.hit(
            f"mail-to:{address.strip().lower()}",
            limit=self.limits.mail_per_recipient,
            window=ONE_HOUR,
            message=lambda: _(
                "Too many emails to {address} in the last hour. Please try again later.", address=address
            ),
        )

    def invites(self, user_id: object) -> None:
        """One more invitation email sent by a user."""
        self.hit(
            f"invites:{user_id}",
            limit=self.limits.invites_per_user,
            window=ONE_DAY,
            message=lambda: _("You have sent the most invitations allowed for today. Please try again tomorrow."),
        )


SLOW = N_("Too many requests in a short time. Please slow down for a moment.")


def _slow() -> str:
    return _(SLOW)


class MemoryWindows:
    """This process's count."""

    blocking = False

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window: float, cost: int = 1) -> float | None:
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) + cost > limit:
                # Free once enough of the oldest hits have left the window for ``cost`` new ones.
                return hits[min(len(hits) + cost - limit, len(hits)) - 1] + window - now
            hits.extend([now] * cost)
            if len(self._hits) > 50_000:
                self._forget_idle(now, window)
            return None

    def _forget_idle(self, now: float, window: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window]:
            del self._hits[key]
