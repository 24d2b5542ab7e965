"""A page's first HTML escapes its elements' JSON with ``str.replace``, not ``str.translate``.

NiceGUI (``Client.build_response``, 3.x; pinned below 4) makes the elements' JSON safe inside the
page's HTML with ``str.translate`` and a table of five replacements (``&``, ``<``, ``>``, backtick,
``$``), each longer than one character. CPython takes its slow path for such a table: a mapping
lookup per character of the page. For 65 kB of JSON with markup in it that took 4.8 ms; five
``str.replace`` calls give the same string in 0.6 ms (py-spy put the escaping at about an eighth
of the progress page's server time). ``build_response`` reaches the JSON through
``nicegui.client.json.dumps``, so that is where the faster ``translate`` is attached: the string
it returns escapes itself when asked with NiceGUI's table, and behaves as a plain ``str`` otherwise.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from nicegui import client as nicegui_client
from nicegui import json as nicegui_json


def _replacements() -> tuple[tuple[str, str], ...]:
    table: dict[int, str] = nicegui_client.HTML_ESCAPE_TABLE
    ordered = sorted(table.items(), key=lambda item: item[0] != ord("&"))  # "&" first: the others add one
    return tuple((chr(code), entity) for code, entity in ordered)


REPLACEMENTS = _replacements()


def escape(text: str) -> str:
    """What ``text.translate(nicegui.client.HTML_ESCAPE_TABLE)`` gives, at C speed."""
    for char, entity in REPLACEMENTS:
        text = text.replace(char, entity)
    return text


class _PageJson(str):
    __slots__ = ()

    def translate(self, table: Any, /) -> str:
        if table is nicegui_client.HTML_ESCAPE_TABLE:
            return escape(str(self))
        return str.translate(self, table)


class _ClientJson(ModuleType):
    """``nicegui.json`` as ``nicegui.client`` sees it: ``dumps`` returns a ``_PageJson``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(nicegui_json, name)

    @staticmethod
    def dumps(obj: Any, *args: Any, **kwargs: Any) -> str:
        return _PageJson(nicegui_json.dumps(obj, *args, **kwargs))


def install() -> None:
    if not isinstance(nicegui_client.json, _ClientJson):
        nicegui_client.json = _ClientJson("nicegui.json")
