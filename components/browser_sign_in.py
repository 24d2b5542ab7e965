"""The signed-in browser, checked on every page load and every UI event.

A browser session is a row in auth_sessions; NiceGUI's per-browser `app.storage.user` holds
only its id. Pages and handlers never open transactions or decide access themselves: they go
through `service` / `act`, which run a service function in one transaction off the event loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from nicegui import app, run, ui

from components import language
from core import i18n
from core.i18n import _
from core.request_context import new_request_id, request_id_var
from services import auth_sessions, users
from services.actor import Actor
from services.errors import ServiceError
from services.rate_limits import RateLimiter
from services.users import UserOut
from web.browser_storage import this_browsers_storage

SESSION_KEY = "sid"
T = TypeVar("T")


class ServerFault(ServiceError):
    """A service call failed for a reason of ours, not the user's; its transaction was rolled back."""

    def __init__(self) -> None:
        super().__init__(_("Something went wrong on our side, and nothing was changed. Please try again in a moment."))


class SignedOut(Exception):
    """The browser's sign-in has ended (signed out elsewhere, revoked, expired)."""


@dataclass(frozen=True)
class Me:
    """Who is looking at a page: the identity services authorize, and the profile pages show."""

    actor: Actor
    profile: UserOut

    @property
    def preferences(self) -> dict[str, Any]:
        return self.profile.preferences


async def service(fn: Callable[..., T], /, *, write: bool = True, **kwargs: Any) -> T:
    """Run ``fn(session, **kwargs)`` in one transaction in a worker thread."""
    database = app.state.database
    event_id = f"ui-{new_request_id()}"  # worker threads do not inherit context variables: pass it on
    language = i18n.current_language()

    def in_transaction() -> T:
        request_id_var.set(event_id)
        i18n.set_language(language)  # a service's error message in the page's language
        with database.transaction(write=write) as session:
            return fn(session, **kwargs)

    async with database.write_turns.turn(write=write):
        try:
            # NiceGUI answers None instead of running it only while the app shuts down.
            return cast(T, await run.io_bound(in_transaction))
        except ServiceError:
            raise
        except Exception as error:  # the page says so (components.page_route); NiceGUI logs the cause
            raise ServerFault from error


async def signed_in() -> Me | None:
    """On a page load: who this browser is (sliding its session forward), or None."""
    session_id = app.storage.user.get(SESSION_KEY)
    if not session_id:
        return None

    def open_page(session: Any) -> tuple[Me | None, bool]:
        actor, slide = auth_sessions.open_page(session, session_id=session_id)
        return (Me(actor=actor, profile=users.get_profile(session, actor=actor)) if actor else None), slide

    me, slide = await service(open_page, write=False)
    if me is None:
        app.storage.user.pop(SESSION_KEY, None)
        return None
    if slide and me.actor.session_id is not None:
        lifetime = app.state.auth_config.browser_lifetime
        await service(auth_sessions.touch_browser_session, session_id=me.actor.session_id, lifetime=lifetime)
    language.for_this_page(me.preferences)
    return me


async def browser_actor() -> Actor | None:
    """Who this browser is signed in as, or None (a dead session pointer is dropped)."""
    session_id = app.storage.user.get(SESSION_KEY)
    if not session_id:
        return None
    actor = await service(auth_sessions.actor_for_browser_session, write=False, session_id=session_id)
    if actor is None:
        app.storage.user.pop(SESSION_KEY, None)
    return actor


@dataclass
class _PageBuild:
    actor: Actor | None  # None once the build is over


_page_build: ContextVar[_PageBuild | None] = ContextVar("mirubato_page_build", default=None)


@contextmanager
def sign_in_checked_for_build(actor: Actor) -> Iterator[None]:
    """While a page is being built, its loads (``act``) take the sign-in its request just checked
    (``signed_in``) instead of checking it again, each in a thread and a transaction of its own:
    the progress page loaded four times, each after a check of its own.

    The check holds for this build only. A task started during the build (a timer, a background
    load) copies the variable; the holder it shares is emptied when the build ends, so from then on
    it checks every time, as events do.
    """
    build = _PageBuild(actor)
    token = _page_build.set(build)
    try:
        yield
    finally:
        build.actor = None
        _page_build.reset(token)


async def event_actor() -> Actor:
    """For UI events: who is still signed in here; otherwise off to the sign-in page (SignedOut)."""
    build = _page_build.get()
    if build is not None and build.actor is not None:
        return build.actor
    actor = await browser_actor()
    if actor is None:
        ui.notify(_("You have been signed out. Please sign in again."), type="warning")
        ui.navigate.to("/login")
        raise SignedOut
    return actor


async def act(fn: Callable[..., T], /, *, write: bool = True, **kwargs: Any) -> T:
    """For UI events: check the sign-in is still live and the user's rate limit (the same as over
    REST), then run ``fn(session, actor=..., **kwargs)``."""
    actor = await event_actor()
    limiter: RateLimiter = app.state.limiter
    count = limiter.writes if write else limiter.reads
    if limiter.windows.blocking:
        await run.io_bound(count, actor.id)  # a round trip to Redis must not hold up the event loop
    else:
        count(actor.id)
    return await service(fn, write=write, actor=actor, **kwargs)


def remember_sign_in(storage: dict[str, Any], session_id: str) -> None:
    storage[SESSION_KEY] = session_id


def forget_sign_in() -> None:
    stored = this_browsers_storage()  # None: already forgotten with a deleted account (core.effects)
    if stored is not None:
        stored.pop(SESSION_KEY, None)


async def sign_out(actor: Actor, *, everywhere: bool = False) -> None:
    """End this browser's sign-in (or all of the user's) and go to the sign-in page."""
    if everywhere:
        await service(auth_sessions.sign_out_everywhere, actor=actor)
    else:
        await service(auth_sessions.sign_out, actor=actor)
    forget_sign_in()
    # Every other tab of this browser showing this account follows to the sign-in page.
    ui.run_javascript(f"Mirubato.signedOut({json.dumps(str(actor.id))})")
    ui.navigate.to("/login")
