"""Small pieces of escaped HTML for lists that only show things (and link somewhere).

A list built from NiceGUI elements costs five to thirteen elements per row, each created,
serialized and mounted; as HTML a list is one element (history, library, dashboard lists:
README, "Benchmarks"). Quasar's and NiceGUI's classes keep the look. Every text passes through
``escape`` here, so the HTML needs no sanitizing in the browser; a caller passes only texts
and the names of icons and colours.
"""

from __future__ import annotations

from html import escape


def icon(name: str, color: str, *, label: str | None = None, size: str | None = None) -> str:
    """A Material icon; hidden from screen readers unless it has a ``label``; ``size`` a CSS length."""
    named = f'role="img" aria-label="{escape(label)}" title="{escape(label)}"' if label else 'aria-hidden="true"'
    sized = f' style="font-size: {escape(size)};"' if size else ""
    return f'<i class="q-icon notranslate material-icons text-{color}" {named}{sized}>{escape(name)}</i>'


def two_lines(first: str, second: str, *, first_classes: str = "ellipsis w-full", grow: bool = True) -> str:
    """A line of text over a grey caption, the column that takes a row's free width."""
    return (
        f'<div class="nicegui-column gap-0 {"grow " if grow else ""}min-w-0">'
        f'<div class="{first_classes}">{escape(first)}</div>'
        f'<div class="text-caption text-grey-7 ellipsis w-full">{escape(second)}</div></div>'
    )


def text(value: str, classes: str) -> str:
    return f'<div class="{classes}">{escape(value)}</div>'


def row(inner: str, classes: str, *, testid: str | None = None) -> str:
    test = f' data-testid="{escape(testid)}"' if testid else ""
    return f'<div class="nicegui-row row {classes}"{test}>{inner}</div>'


def link_row(href: str, inner: str, classes: str, *, testid: str | None = None) -> str:
    test = f' data-testid="{escape(testid)}"' if testid else ""
    return f'<a class="nicegui-link row {classes}" href="{escape(href)}"{test}>{inner}</a>'


def chip(label: str, icon_name: str, classes: str, *, title: str, testid: str | None = None) -> str:
    """A Quasar chip (``q-chip``) with a leading icon and a native tooltip."""
    test = f' data-testid="{escape(testid)}"' if testid else ""
    return (
        f'<div class="q-chip row inline no-wrap items-center {classes}" title="{escape(title)}"{test}>'
        '<i class="q-icon notranslate material-icons q-chip__icon q-chip__icon--left" aria-hidden="true">'
        f"{escape(icon_name)}</i>"
        '<div class="q-chip__content col row no-wrap items-center q-anchor--skip">'
        f'<div class="ellipsis">{escape(label)}</div></div></div>'
    )
