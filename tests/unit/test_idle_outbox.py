"""web.idle_outbox: a page without its socket sleeps, and what it queued goes out at the handshake."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from nicegui import Client

from web import idle_outbox


@dataclass
class Page:
    id: str = "page"
    has_socket_connection: bool = False


@dataclass
class StubOutbox:
    """What the loop touches of NiceGUI's Outbox."""

    client: Page = field(default_factory=Page)
    updates: dict[str, Any] = field(default_factory=dict)
    messages: deque[Any] = field(default_factory=deque)
    sent: list[Any] = field(default_factory=list)
    _should_stop: bool = False
    _loaded_components: set[str] = field(default_factory=set)
    _enqueue_event: asyncio.Event | None = None

    async def _emit(self, message: Any) -> None:
        self.sent.append(message)

    def queue(self, message: Any) -> None:
        self.messages.append(message)
        assert self._enqueue_event is not None
        self._enqueue_event.set()


async def test_a_page_without_its_socket_sleeps_until_the_handshake_then_sends_what_it_queued() -> None:
    outbox = StubOutbox()
    loop = asyncio.create_task(idle_outbox.loop(outbox))  # type: ignore[arg-type]  # the stub has what loop reads
    await asyncio.sleep(0.01)
    outbox.queue(("page", "run_javascript", {"code": "1"}))
    await asyncio.sleep(0.05)
    # Asleep, not polling: the event is cleared and nothing went out.
    assert outbox._enqueue_event is not None and not outbox._enqueue_event.is_set()
    assert outbox.sent == []

    outbox.client.has_socket_connection = True
    outbox._enqueue_event.set()  # what the patched handshake does
    await asyncio.sleep(0.01)
    assert outbox.sent == [("page", "run_javascript", {"code": "1"})]

    outbox._should_stop = True
    outbox._enqueue_event.set()  # as Outbox.stop does
    await asyncio.wait_for(loop, timeout=1)


def test_install_replaces_the_loop_and_wakes_the_outbox_at_the_handshake() -> None:
    from nicegui.outbox import Outbox

    loop, handshake = Outbox.loop, Client.handle_handshake
    try:
        idle_outbox.install()
        assert Outbox.loop is idle_outbox.loop
        assert Client.handle_handshake is idle_outbox.handle_handshake
    finally:
        Outbox.loop, Client.handle_handshake = loop, handshake  # type: ignore[method-assign]  # restored for other tests
