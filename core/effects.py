"""What a transaction did that the world outside the database must hear of, once it has committed.

Services record plain facts on their session (:func:`record`): a user's logs changed, a sign-in
link was asked for, an invitation is to be mailed, some browsers are to be forgotten. Handlers for
them are registered once at start-up (``app.main``: mail, open pages, browser storage) and run
after the commit, in the thread that committed (a worker thread for pages and REST alike), so
whichever entry point made the change, the same things follow, and nothing follows a rollback.

Work that must happen *inside* the transaction, just before it commits (the progress rows that
follow the logs), is a named step (:func:`before_commit`) that ``core.db`` runs explicitly.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

log = logging.getLogger("mirubato.effects")

EFFECTS_KEY = "mirubato_effects"
STEPS_KEY = "mirubato_before_commit"


@dataclass(frozen=True)
class LogsChanged:
    """A user's practice logs changed: their open pages show fresh figures."""

    user_id: uuid.UUID


@dataclass(frozen=True)
class SignInLinkRequested:
    """Mail this sign-in link (the link works once the transaction that made it has committed)."""

    email: str
    link: str = ""
    minutes: int = 0

    def __repr__(self) -> str:  # the link is a secret: never in a log line
        return f"SignInLinkRequested(email={self.email!r})"


@dataclass(frozen=True)
class InvitationMailed:
    """Mail a teacher the invitation link a student made."""

    email: str
    student: str
    link: str
    days: int

    def __repr__(self) -> str:
        return f"InvitationMailed(email={self.email!r})"


@dataclass(frozen=True)
class BrowsersForgotten:
    """These browsers' stored sign-in must go (the account behind them was deleted)."""

    browser_ids: tuple[str, ...]


@dataclass(frozen=True)
class TakesErased:
    """These takes' rows are gone: their bytes go too (a file store removes its files after the commit)."""

    take_ids: tuple[uuid.UUID, ...]


Effect = LogsChanged | SignInLinkRequested | InvitationMailed | BrowsersForgotten | TakesErased
E = TypeVar("E")


def record(session: Session, effect: Effect) -> None:
    """Have ``effect`` carried out after this session's transaction commits (never if it rolls back)."""
    effects: list[Effect] = session.info.setdefault(EFFECTS_KEY, [])
    if effect not in effects:  # a batch of 100 synced changes refreshes the pages once
        effects.append(effect)


def before_commit(session: Session, name: str, step: Callable[[Session], None]) -> None:
    """Run ``step(session)`` once, inside the transaction, just before it commits."""
    session.info.setdefault(STEPS_KEY, {})[name] = step


def run_before_commit(session: Session) -> None:
    steps: dict[str, Callable[[Session], None]] = session.info.pop(STEPS_KEY, {})
    for step in steps.values():
        step(session)


def take_effects(session: Session) -> list[Effect]:
    effects: list[Effect] = session.info.pop(EFFECTS_KEY, [])
    return effects


class AfterCommit:
    """The handlers of each kind of effect, registered once at start-up."""

    def __init__(self) -> None:
        self._handlers: dict[type, dict[str, Callable[[Any], None]]] = {}

    def on(self, kind: type[E], handler: Callable[[E], None]) -> None:
        """Run ``handler(effect)`` after each commit that recorded an effect of ``kind``. A handler of
        the same name replaces the earlier one (an app built again on the same database)."""
        self._handlers.setdefault(kind, {})[handler.__qualname__] = handler

    def run(self, effects: list[Effect]) -> None:
        """Every handler of every effect, each once; then the first failure is raised to the caller
        (a mail server that is down must say so: the link will not arrive), the others logged."""
        failure: Exception | None = None
        for effect in effects:
            for handler in list(self._handlers.get(type(effect), {}).values()):
                try:
                    handler(effect)
                except Exception as error:
                    if failure is None:
                        failure = error
                    else:
                        log.exception("after-commit handler %s failed for %r", handler.__qualname__, effect)
        if failure is not None:
            raise failure
