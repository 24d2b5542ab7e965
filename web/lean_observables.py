"""NiceGUI's props, classes and style without the bookkeeping objects the cyclic collector walks.

Every NiceGUI element holds three observable collections (its props, classes and style), and each
of them kept, besides its contents: a list of change handlers holding a tuple holding a bound
method of itself (a reference cycle of three tracked objects, for the one handler every
element's collections have: "update my element"), and an empty list of observers. That is 12 of
the 26 objects a bare element leaves for the collector. A page keeps its elements while it is
open, so these objects are walked by every pass of the collector: with pages built one after
another, a third of a history page's CPU (bench/request_cpu.py --pages) was the collector.

Here a collection's own handler is kept as its function (a class attribute: nothing new per
collection) and the empty lists are one shared empty tuple, replaced by a list when a handler or
an observer comes. Every handler runs as before and in the same order: the collection's own, the
ones added later, the observers', then the parent's. ``tests/unit/test_lean_observables.py`` holds
the changes to NiceGUI's own behaviour and counts the objects an element leaves.

Relies on ``nicegui.observables`` (NiceGUI is pinned below 4): the attributes replaced here are
only read and written in that module, and NiceGUI itself never changes ``_observer_refs`` or
``_change_handlers`` in place except in ``on_change``, which is replaced too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

from nicegui import helpers
from nicegui.observables import ObservableCollection

_NONE: tuple[Any, ...] = ()  # shared by every collection without extra handlers or observers


def _init(
    self: Any,
    *,
    factory: Callable[[], Any],
    data: Collection[Any] | None,
    on_change: Callable[..., Any] | None,
    _parent: ObservableCollection | None,
) -> None:
    super(ObservableCollection, self).__init__(factory() if data is None else data)
    self._parent = _parent
    self.last_modified = time.time()
    self._observer_refs = _NONE
    self._change_handlers = _NONE
    if on_change is None:
        return
    owner: Any = getattr(on_change, "__self__", None)
    if owner is self:  # props, classes, style: their element's update, a method of their own
        owner._own_change_handler = on_change.__func__  # type: ignore[attr-defined]  # a bound method's function
        owner._own_change_expects = helpers.expects_arguments(on_change)
    else:
        self._change_handlers = [(on_change, helpers.expects_arguments(on_change))]


def _change_handlers_with_args(self: Any) -> list[tuple[Callable[..., Any], bool]]:
    """The same handlers in the same order as NiceGUI's: own, added, observers', parent's."""
    own = self._own_change_handler
    handlers: list[tuple[Callable[..., Any], bool]] = (
        [(own.__get__(self), self._own_change_expects)] if own is not None else []
    )
    handlers.extend(self._change_handlers)
    for ref in self._observer_refs:
        observer = ref()
        if observer is not None:
            handlers.append((observer._handle_change, False))
    parent = self._parent
    if parent is not None:
        handlers.extend(parent._change_handlers_with_args)
    return handlers


def _on_change(self: Any, handler: Callable[..., Any]) -> None:
    """Register a handler to be called when the collection changes."""
    if handler != self._handle_change:
        self._change_handlers = [*self._change_handlers, (handler, helpers.expects_arguments(handler))]


def install() -> None:
    """Before any element is built (collections made earlier keep NiceGUI's lists, which still work)."""
    collection: Any = ObservableCollection
    collection._own_change_handler = None
    collection._own_change_expects = False
    collection.__init__ = _init
    collection._change_handlers_with_args = property(_change_handlers_with_args)
    collection.on_change = _on_change
