"""The language a browser's pages speak: the musician's choice in Settings, else the browser's own.

Set when a page is built (the HTTP middleware has already taken the ``Accept-Language`` header);
NiceGUI event handlers run outside that request, so the choice is kept per client and found again
through the resolver that ``install`` registers with ``core.i18n``.
"""

from __future__ import annotations

import functools
import gettext
import json
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_javascript
from nicegui import Client, context, ui

from core import i18n

_by_client: WeakKeyDictionary[Client, str] = WeakKeyDictionary()


def install() -> None:
    i18n.set_resolver(_client_language)


def for_this_page(preferences: dict[str, Any] | None = None) -> str:
    """Fix this page's language (the preference wins over the header) and return it."""
    chosen = (preferences or {}).get("language")
    language = chosen if chosen in i18n.LANGUAGES else i18n.current_language()
    i18n.set_language(language)
    client = _current_client()
    if client is not None:
        _by_client[client] = language
        # Screen readers pick their voice from <html lang>; NiceGUI writes one language for all pages.
        ui.add_head_html(f"<script>document.documentElement.lang={json.dumps(language)}</script>")
        ui.add_head_html(js_head(language))
        names = i18n.note_names((preferences or {}).get("noteNames"), language)
        ui.add_head_html(f"<script>window.MirubatoNoteNames={json.dumps(names, ensure_ascii=False)};</script>")
    return language


def _client_language() -> str | None:
    client = _current_client()
    return _by_client.get(client) if client is not None else None


def _current_client() -> Client | None:
    try:
        return context.client
    except RuntimeError:  # no page in this task (a plain HTTP request, a background job)
        return None


# The JavaScript side: texts marked _t("...") / _nt("...", "...", n) in our scripts are translated
# from the same catalogues; each page carries the table of its language (a few kilobytes).
JS_DIRS = [Path(__file__).parent, Path(__file__).parent / "static"]
_JS_FUNCTIONS = """<script>
window._t = function (text, values) {
  var out = (window.MirubatoText && window.MirubatoText[text]) || text;
  return values ? out.replace(/\\{(\\w+)\\}/g, function (m, k) { return k in values ? values[k] : m; }) : out;
};
window._nt = function (one, other, n, values) {
  var forms = window.MirubatoText && window.MirubatoText["\\u0000" + one];
  var out = forms ? forms[window.MirubatoPlural(n)] || forms[0] : (n === 1 ? one : other);
  var all = Object.assign({ n: n }, values || {});
  return out.replace(/\\{(\\w+)\\}/g, function (m, k) { return k in all ? all[k] : m; });
};
</script>"""


@functools.cache
def _js_messages() -> tuple[tuple[str, ...], ...]:
    """Every text the scripts mark: ("one",) or ("one", "other") for plurals."""
    found: set[tuple[str, ...]] = set()
    for directory in JS_DIRS:
        for path in sorted(directory.glob("*.js")):
            with path.open("rb") as source:
                for _line, function, message, _comments in extract_javascript(
                    source, keywords={"_t": None, "_nt": (1, 2)}, comment_tags=(), options={}
                ):
                    # A call's further arguments come back too (as None): only _nt has a plural.
                    texts = (message,) if isinstance(message, str) else tuple(message)
                    found.add(texts[:2] if function == "_nt" else texts[:1])
    return tuple(sorted(found))


@functools.cache
def js_head(language: str) -> str:
    """The scripts' translation functions and this language's table, for a page's head."""
    translations = i18n.translations(language)
    rule = Catalog(locale=i18n.LANGUAGES[language]).plural_expr  # gettext's C expression, valid JavaScript
    plural = gettext.c2py(rule)
    # A sample count for each plural form index: ngettext gives that form for it.
    samples: dict[int, int] = {}
    for n in [*range(200), 1_000_000]:  # a million: French and Spanish have a form of their own for it
        samples.setdefault(plural(n), n)
    table: dict[str, Any] = {}
    for message in _js_messages():
        if len(message) == 1:
            translated = translations.gettext(message[0])
            if translated != message[0]:
                table[message[0]] = translated
        else:
            forms = [translations.ngettext(message[0], message[1], samples[index]) for index in sorted(samples)]
            table["\u0000" + message[0]] = forms
    return (
        f"{_JS_FUNCTIONS}<script>window.MirubatoText={json.dumps(table, ensure_ascii=False)};"
        f"window.MirubatoPlural=function(n){{return +({rule});}};</script>"
    )
