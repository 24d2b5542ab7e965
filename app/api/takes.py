"""REST: recorded takes (/api/takes, /api/practice/logs/{id}/takes) and feedback pinned to them.

Besides bearer tokens, these endpoints accept the signed-in browser's own cookie, because the
browser uploads takes with ``fetch`` and plays them with an ``<audio>`` element, neither of which
can carry a bearer token the page does not hold. A write with the cookie must also carry the
``X-Mirubato`` header, which no other site can add to a request without our consent (CORS), and
the cookie itself is SameSite=Lax.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from app.api.deps import READ_METHODS, SessionDep, optional_actor, run_limited
from app.api.errors import error_body
from app.api.routing import OneHopRoute
from core.db import Database
from core.i18n import _
from services import account, auth_sessions, take_feedback, takes
from services.actor import Actor
from services.errors import Unauthenticated
from services.take_feedback import TakeCommentIn, TakeCommentOut
from services.takes import MAX_CHUNK, Playable, Refusal, TakeIn, TakeOut, TakeRename, TakeShelf, UploadState, Usage
from web.browser_storage import browser_session_of

router = APIRouter(route_class=OneHopRoute, tags=["recordings"], max_body_size=MAX_CHUNK + 64 * 1024)
BROWSER_HEADER = "x-mirubato"
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def takes_actor(
    request: Request, session: SessionDep, bearer: Annotated[Actor | None, Depends(optional_actor)]
) -> Actor:
    """A bearer token's user, or else the signed-in browser's (writes need the X-Mirubato header)."""
    actor = bearer
    if actor is None:
        if request.method not in READ_METHODS and request.headers.get(BROWSER_HEADER) != "1":
            raise Unauthenticated(_("Sign in to use this endpoint."))
        actor = auth_sessions.actor_for_browser_session(session, session_id=browser_session_of(request))
    if actor is None:
        raise Unauthenticated(_("Sign in to use this endpoint."))
    return actor


async def limited_actor(request: Request, actor: Annotated[Actor, Depends(takes_actor)]) -> Actor:
    limiter = request.app.state.limiter
    count = limiter.reads if request.method in READ_METHODS else limiter.writes
    await run_limited(limiter, lambda: count(actor.id))
    return actor


TakesActor = Annotated[Actor, Depends(limited_actor)]


def _shelf(request: Request) -> TakeShelf:
    return request.app.state.takes


@router.put("/api/takes/{take_id}")
def begin_upload(
    request: Request, session: SessionDep, actor: TakesActor, take_id: uuid.UUID, body: TakeIn
) -> UploadState:
    """Start the upload of a take whose id the device made; the same id again answers how far it got."""
    return takes.begin_upload(session, actor=actor, take_id=take_id, data=body, shelf=_shelf(request))


@router.get("/api/takes/{take_id}/upload")
def upload_state(session: SessionDep, actor: TakesActor, take_id: uuid.UUID) -> UploadState:
    """How many bytes of the take have arrived: where to resume."""
    return takes.upload_state(session, actor=actor, take_id=take_id)


@router.patch(
    "/api/takes/{take_id}/upload",
    response_model=UploadState,
    responses={409: {"description": "The chunk does not start where the upload stands"}, 413: {}, 415: {}},
    openapi_extra={"requestBody": {"content": {"application/octet-stream": {"schema": {"type": "string"}}}}},
)
async def append_chunk(
    request: Request,
    session: SessionDep,
    actor: TakesActor,
    take_id: uuid.UUID,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1, description="Where this chunk starts in the file")],
) -> UploadState | JSONResponse:
    """The next bytes of the take, starting exactly where the upload stands (else 409 with the offset)."""
    data = await request.body()
    append = partial(takes.append_chunk, actor=actor, take_id=take_id, offset=offset, data=data, shelf=_shelf(request))
    result = await run_in_threadpool(append, session)  # file writes and fsync stay off the event loop
    if isinstance(result, Refusal):  # answered after the commit that removed every trace of it
        return JSONResponse(error_body(result.detail), status_code=result.status)
    return result


@router.get("/api/takes/{take_id}")
def get_take(session: SessionDep, actor: TakesActor, take_id: uuid.UUID) -> TakeOut:
    return takes.get_take(session, actor=actor, take_id=take_id)


@router.patch("/api/takes/{take_id}")
def rename(session: SessionDep, actor: TakesActor, take_id: uuid.UUID, body: TakeRename) -> TakeOut:
    return takes.rename_take(session, actor=actor, take_id=take_id, data=body)


@router.delete("/api/takes/{take_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete(session: SessionDep, actor: TakesActor, take_id: uuid.UUID) -> None:
    takes.delete_take(session, actor=actor, take_id=take_id)


@router.get("/api/takes/{take_id}/audio", responses={206: {"description": "The requested byte range"}})
def audio(request: Request, session: SessionDep, actor: TakesActor, take_id: uuid.UUID) -> Response:
    """The take's bytes, with HTTP range requests (206) for seeking; who may hear it is checked each time."""
    take = takes.playable(session, actor=actor, take_id=take_id)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    wanted = _byte_range(request.headers.get("range"), take.size)
    if wanted is None:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{take.size}"})
    start, end = wanted
    partial = request.headers.get("range") is not None
    if partial:
        headers["Content-Range"] = f"bytes {start}-{end}/{take.size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        _stream(request.app.state.database, take, start, end, _shelf(request)),
        status_code=206 if partial else 200,
        media_type=take.mime,
        headers=headers,
    )


@router.get("/api/practice/logs/{log_id}/takes")
def takes_of_log(session: SessionDep, actor: TakesActor, log_id: uuid.UUID) -> list[TakeOut]:
    """The log's takes: yours, or a student's who shares with you."""
    return takes.takes_of_log(session, actor=actor, log_id=log_id)


@router.get("/api/takes/{take_id}/comments")
def comments(session: SessionDep, actor: TakesActor, take_id: uuid.UUID) -> list[TakeCommentOut]:
    return take_feedback.comments_on_take(session, actor=actor, take_id=take_id)


@router.post("/api/takes/{take_id}/comments", status_code=status.HTTP_201_CREATED)
def comment(session: SessionDep, actor: TakesActor, take_id: uuid.UUID, body: TakeCommentIn) -> TakeCommentOut:
    """Feedback at a moment of the take, optionally on a bar or bars of the piece."""
    return take_feedback.add_comment(session, actor=actor, take_id=take_id, data=body)


@router.delete("/api/take-comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_comment(session: SessionDep, actor: TakesActor, comment_id: uuid.UUID) -> None:
    take_feedback.delete_comment(session, actor=actor, comment_id=comment_id)


@router.get("/api/users/me/takes")
def usage(request: Request, session: SessionDep, actor: TakesActor) -> Usage:
    """How much of your recordings quota is used."""
    return takes.usage(session, actor=actor, shelf=_shelf(request))


@router.get("/api/users/me/export.zip", response_class=FileResponse)
def export_zip(request: Request, session: SessionDep, actor: TakesActor) -> FileResponse:
    """Everything the app holds about you: the JSON export and your recorded takes, in one zip."""
    handle, name = tempfile.mkstemp(prefix="mirubato-export-", suffix=".zip")
    path = Path(name)
    with os.fdopen(handle, "wb") as target:
        account.write_export_zip(session, actor=actor, shelf=_shelf(request), target=target)
    return FileResponse(
        path, media_type="application/zip", filename="mirubato-export.zip",
        headers={"Cache-Control": "private, no-store"}, background=BackgroundTask(path.unlink, missing_ok=True),
    )  # fmt: skip


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive range a ``Range`` header asks for (one range; the whole file without one)."""
    if header is None:
        return 0, size - 1
    match = RANGE.match(header.strip())
    if match is None or not (match[1] or match[2]):
        return None
    if not match[1]:  # the last N bytes
        length = min(int(match[2]), size)
        return (size - length, size - 1) if length else None
    start = int(match[1])
    end = min(int(match[2]), size - 1) if match[2] else size - 1
    return (start, end) if start <= end and start < size else None


def _stream(database: Database, take: Playable, start: int, end: int, shelf: TakeShelf) -> Iterator[bytes]:
    # Each piece in its own short read transaction: a slow listener holds no transaction open.
    position = start
    while position <= end:
        with database.transaction(write=False) as session:
            piece = next(takes.read_range(session, take=take, start=position, end=end, shelf=shelf), b"")
        if not piece:
            return
        yield piece
        position += len(piece)
