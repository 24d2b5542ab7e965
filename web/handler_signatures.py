"""NiceGUI inspects a handler's signature for every observable it creates: cache the answer.

Each element builds three or four observable collections (props, classes, style, ...) and NiceGUI
asks ``inspect.signature`` of each one's change handler, a bound method of the same few classes
every time. Measured with 200 open dashboards, that was a quarter of the event loop's time
spent building elements. The answer depends only on the underlying function, so it is kept per
function (weakly: a lambda's entry goes with the lambda). Relies on ``nicegui.helpers``
(pinned below 4); a callable that cannot be weakly referenced is inspected as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from nicegui import helpers

_inspect = helpers.expects_arguments
_known: weakref.WeakKeyDictionary[Any, dict[bool, bool]] = weakref.WeakKeyDictionary()


def expects_arguments(func: Callable[..., Any]) -> bool:
    target = getattr(func, "__func__", func)
    bound = target is not func  # a bound method's signature lacks its first parameter
    try:
        answers = _known.get(target)
    except TypeError:  # not weakly referenceable: inspect every time, as NiceGUI does
        return _inspect(func)
    if answers is None:
        answers = _known[target] = {}
    if bound not in answers:
        answers[bound] = _inspect(func)
    return answers[bound]


def install() -> None:
    helpers.expects_arguments = expects_arguments
