"""One thread hop per request: every plain (def) endpoint runs, and finishes its transaction, in one.

FastAPI runs a plain endpoint in the threadpool, then validates its return value in the threadpool
again, and our per-request transaction took a third hop to commit. Under load each hop waits for a
thread and for the GIL, and that wait, not the work, was most of a read's time. Routes made by
``OneHopRoute`` wrap a plain endpoint in a coroutine that calls it in a worker thread and, in that
same thread, commits its transaction (or rolls it back when it raised): FastAPI then sees a
coroutine, and checks and encodes the result on the event loop, where it would have waited anyway.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import finish_request_transaction


class OneHopRoute(APIRoute):
    """An API route whose plain endpoint runs in one thread hop, commit included."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        super().__init__(path, in_one_hop(endpoint), **options)


def in_one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as a coroutine function with the same signature; coroutines and (async) generators as they are."""
    if (
        inspect.iscoroutinefunction(endpoint)
        or inspect.isgeneratorfunction(endpoint)
        or inspect.isasyncgenfunction(endpoint)  # a streamed answer: FastAPI iterates it itself
    ):
        return endpoint

    @functools.wraps(endpoint)  # FastAPI reads the parameters and return type through __wrapped__
    async def one_hop(**arguments: Any) -> Any:
        return await run_in_threadpool(_call_and_finish, endpoint, arguments)

    return one_hop


def _call_and_finish(endpoint: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    sessions = [value for value in arguments.values() if isinstance(value, Session)]
    try:
        result = endpoint(**arguments)
    except BaseException as error:
        for session in sessions:
            finish_request_transaction(session, error)
        raise
    for session in sessions:
        finish_request_transaction(session, None)
    return result
