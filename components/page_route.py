"""How every page is declared: NiceGUI's ``ui.page`` with time limits that suit phones and busy servers.

NiceGUI gives a page 3 s to build and otherwise answers with its error page (a 500). Under a burst
of page loads (measured: 50 dashboards at once, p50 2.7 s) that turned waiting into failing.
A page that is slow because the server is busy should arrive late, not break.

It also forgets a page whose socket has been gone for 3 s, and the page then reloads when the
socket comes back: measured here, a 1.5-2 s network drop on a phone or a busy server missing a
keep-alive lost what was on screen. Kept for 30 s, the page resumes: the server replays what
the browser missed, including the answers to saves. (The keep-alive itself stays global: a
large global value would let proxies cut idle sockets.)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from components import language
from components.browser_sign_in import Me, sign_in_checked_for_build, signed_in
from components.feedback import report_event_error

PAGE_BUILD_SECONDS = 30.0
RECONNECT_SECONDS = 30.0


R = TypeVar("R")


# What the page modules declare, registered on NiceGUI's app by install_declared() when the app is
# built (app.main.create_app): not as a side effect of importing them, so an app reset and built
# again (the simulated-user tests do it for each test) has every page.
_DECLARED: dict[tuple[str, str], Callable[[], None]] = {}


def page(path: str, **kwargs: Any) -> Callable[[Callable[..., Awaitable[R]]], Callable[..., Awaitable[R]]]:
    """Declare a page; an error in any of its event handlers is shown to the user, never swallowed."""

    def decorate(build: Callable[..., Awaitable[R]]) -> Callable[..., Awaitable[R]]:
        @functools.wraps(build)  # NiceGUI reads the query parameters from the wrapped signature
        async def build_with_error_reports(*args: Any, **kw: Any) -> R:
            ui.context.client.on_exception(report_event_error)
            language.for_this_page()  # the browser's language; a signed-in musician's choice replaces it
            return await build(*args, **kw)

        def register() -> None:
            ui.page(path, response_timeout=PAGE_BUILD_SECONDS, reconnect_timeout=RECONNECT_SECONDS, **kwargs)(
                build_with_error_reports
            )

        _DECLARED[("PAGE", path)] = register
        return build_with_error_reports

    return decorate


def endpoint(method: str, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a plain HTTP endpoint of the pages (a form post, the service worker's files)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        def register() -> None:
            app.add_api_route(path, handler, methods=[method], include_in_schema=False)

        _DECLARED[(method, path)] = register
        return handler

    return decorate


def install_declared() -> None:
    """Register every declared page and endpoint that NiceGUI's app does not have yet."""
    present = {(method, getattr(route, "path", "")) for route in app.routes for method in _methods(route)}
    for key, register in _DECLARED.items():
        if key not in present:
            register()


def _methods(route: Any) -> set[str]:
    methods = set(getattr(route, "methods", None) or ())
    return methods | ({"PAGE"} if "GET" in methods else set())


def signed_in_page(
    path: str, *, signed_out: Callable[[], None] | None = None, **kwargs: Any
) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
    """Declare a page for a signed-in user: ``build(me, ...)``; anyone else goes to the sign-in page,
    or sees what ``signed_out()`` builds instead.

    The one place that checks the browser's sign-in on a page load (events check it in
    ``components.browser_sign_in.act``). What a user may see stays with the services.
    """

    def decorate(build: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def gate(*args: Any, **kw: Any) -> Any:
            me = await signed_in()
            if me is None and signed_out is not None:
                signed_out()
                return None
            if me is None:
                return RedirectResponse("/login")
            with sign_in_checked_for_build(me.actor):
                return await build(me, *args, **kw)

        # NiceGUI reads path and query parameters from the signature: all but `me`.
        own = inspect.signature(build)
        gate.__signature__ = own.replace(parameters=list(own.parameters.values())[1:])  # type: ignore[attr-defined]  # inspect.signature reads this attribute
        gate.__name__, gate.__qualname__, gate.__doc__ = build.__name__, build.__qualname__, build.__doc__
        gate.__module__ = build.__module__
        return page(path, **kwargs)(gate)

    return decorate


__all__ = ["Me", "page", "signed_in_page"]
