"""Page outboxes that sleep while they have nothing to send, instead of waking to look.

NiceGUI's outbox loop (``nicegui/outbox.py``, 3.x; pinned below 4) has one task per page. While the
page has something queued and no socket, it wakes every 100 ms to look again, until the socket
connects or the page is pruned: 60 s for a page fetched and never connected (a prefetch, a link
preview, a tab closed while loading, a crawler), 30 s for a page left behind. Otherwise it waits
for its next update with a 1 s timeout, a task and a timer per page each second. ``loop`` below is
NiceGUI's with both changed: without a socket the loop clears its event and sleeps, and the wait
has no timeout, since every change of the queues, ``stop()`` and (through ``install``) the socket's
handshake set the event. The handshake is patched in ``Client`` itself, not added as an
``app.on_connect`` handler, which an app reset would drop. Measured with ``bench/idle_pages.py``:
2,000 pages fetched and never connected cost the server 25% of a core before, 0.3% after.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import Client, core
from nicegui import __version__ as nicegui_version
from nicegui.dependencies import JsComponent
from nicegui.outbox import Deleted, Outbox, deleted


async def loop(self: Outbox) -> None:
    """Send updates and messages to the page's browser; asleep while the page has no socket."""
    self._enqueue_event = asyncio.Event()
    self._enqueue_event.set()

    while not self._should_stop:
        try:
            # NiceGUI waits at most 1 s here (a task and a timer per page each second); every change
            # of the queues, and stop(), sets the event, so the wait needs no timeout.
            await self._enqueue_event.wait()

            client = self.client
            if not client or not client.has_socket_connection:
                # NiceGUI sleeps 0.1 s and looks again; the handshake sets the event (see install).
                self._enqueue_event.clear()
                continue

            self._enqueue_event.clear()

            coros = []
            if self.updates:
                data = {
                    element_id: None if element is deleted else element._to_dict()  # type: ignore[union-attr]  # as NiceGUI's loop
                    for element_id, element in self.updates.items()
                }
                js_components = [
                    component
                    for element in self.updates.values()
                    if not isinstance(element, Deleted)
                    and isinstance((component := element.component), JsComponent)
                    and component.name not in self._loaded_components
                ]
                if js_components:
                    coros.append(
                        self._emit(
                            (
                                client.id,
                                "load_js_components",
                                {"components": [{"key": c.key, "tag": c.tag} for c in js_components]},
                            )
                        )
                    )
                    self._loaded_components.update(c.name for c in js_components)
                coros.append(self._emit((client.id, "update", data)))
                self.updates.clear()

            if self.messages:
                for message in self.messages:
                    coros.append(self._emit(message))
                self.messages.clear()

            for coro in coros:
                try:
                    await coro
                except Exception as error:  # as NiceGUI's loop: reported, the loop goes on
                    core.app.handle_exception(error)
        except asyncio.CancelledError:
            break
        except Exception as error:  # as NiceGUI's loop
            core.app.handle_exception(error)
            await asyncio.sleep(0.1)


HANDSHAKE = Client.handle_handshake


async def handle_handshake(self: Client, *args: Any, **kwargs: Any) -> None:
    """NiceGUI's handshake, then the page's outbox woken to send what was queued before it."""
    await HANDSHAKE(self, *args, **kwargs)
    self.outbox._set_enqueue_event()


def install() -> None:
    """Use ``loop`` for every page's outbox from now on; call before the first page is built."""
    if not nicegui_version.startswith("3."):
        raise RuntimeError(f"web/idle_outbox.py copies NiceGUI 3's outbox loop; check it against {nicegui_version}")
    Outbox.loop = loop  # type: ignore[method-assign]  # the point of this module
    Client.handle_handshake = handle_handshake  # type: ignore[method-assign]  # wakes the sleeping loop
