"""The one place that reaches into NiceGUI's per-browser storage beyond `app.storage.user`.

Signing in rotates the browser's storage id (so a planted session cookie is worth nothing), and
deleting an account removes the server-side storage of every browser it was used from.
Relies on nicegui.storage internals (pinned below 4); tests cover both paths.
"""

from __future__ import annotations

import logging

import redis.asyncio as redis
from nicegui import app, storage
from nicegui.storage import USER_PREFIX, Storage
from starlette.requests import Request

log = logging.getLogger(__name__)


async def rotate_browser_id(request: Request, new_id: str) -> None:
    """Give this browser a new storage id (a new signed cookie on the response) with empty storage."""
    old_id = request.session.get("id")
    request.session["id"] = new_id
    await app.storage._create_user_storage(new_id)
    # Emptied, not removed: other open tabs still hold the old id until their next page load.
    if old_id and (old := app.storage._users.get(old_id)) is not None:
        old.clear()


def storage_of(browser_id: str) -> dict:
    return app.storage._users[browser_id]


def this_browsers_storage() -> dict | None:
    """``app.storage.user`` of the browser being served, or None once it has been forgotten
    (NiceGUI asserts instead of answering None)."""
    request = storage.request_contextvar.get()
    browser_id = request.session.get("id") if request is not None else None
    return app.storage._users.get(browser_id) if browser_id else None


def forget_browsers(browser_ids: list[str]) -> None:
    """Empty and remove the server-side storage of these browsers."""
    users = app.storage._users
    for browser_id in browser_ids:
        stored = users.pop(browser_id, None)
        if stored is not None:
            stored.clear()
        if not Storage.redis_url:
            (Storage.path / f"storage-{USER_PREFIX}{browser_id}.json").unlink(missing_ok=True)


async def shared_storage_reachable() -> bool:
    """Whether a sign-in made here will hold on every process and after a restart.

    With ``NICEGUI_REDIS_URL`` the storage that points at a browser's sign-in lives in Redis;
    NiceGUI keeps it in this process's memory when Redis is down and only logs the failed
    writes, so the browser would look signed in and be signed out by the next restart or
    the next process. Without Redis the storage is a local file and always there.
    """
    if not Storage.redis_url:
        return True
    client = redis.from_url(Storage.redis_url, socket_timeout=1, socket_connect_timeout=1)
    try:
        await client.ping()
    except (redis.RedisError, OSError) as error:
        log.error("browser sign-in refused: the browser storage in Redis is unreachable (%s)", error)
        return False
    finally:
        await client.aclose()
    return True


def browser_session_of(request: Request) -> str | None:
    """The sign-in (browser session id) this HTTP request's browser holds, from NiceGUI's cookie.

    NiceGUI's middleware has loaded the browser's storage for every request by now; a fetch or an
    ``<audio>`` element of our own pages carries the same cookie as the page.
    """
    browser_id = request.session.get("id") if "session" in request.scope else None
    stored = app.storage._users.get(browser_id) if browser_id else None
    value = stored.get("sid") if stored is not None else None
    return str(value) if value else None
