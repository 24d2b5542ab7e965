"""Translation: gettext catalogues (Babel), the language of the moment, and locale-aware formatting.

Every user-facing string is written in English in the code and passed through ``_`` (or ``ngettext``
for counts) when it is shown. Catalogues live in ``core/locales/<locale>/LC_MESSAGES/mirubato.po``;
they are compiled in memory on first use (no build step, no ``.mo`` files to keep in step).

Which language: inside an API request, the ``Accept-Language`` header (set by a middleware);
inside a page, the musician's choice in Settings, else the browser's header (set when the page is
built, and found again from NiceGUI's client in event handlers through a registered resolver);
anywhere else (a reminder, a worker), what the caller sets with ``use_language``; English otherwise.

Placeholders are ``{name}`` fields filled after translating: ``_("{minutes} min", minutes=5)``.
Module-level texts are marked with ``N_`` (extracted, not translated at import) and translated with
``_`` where they are shown.
"""

from __future__ import annotations

import functools
import io
import re
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_skeleton
from babel.dates import format_time as _babel_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "mirubato"

# Language tags (BCP 47, as browsers send them and as Settings stores them) -> Babel locale ids.
LANGUAGES: dict[str, str] = {
    "en": "en",
    "es": "es",
    "fr": "fr",
    "de": "de",
    "zh-Hans": "zh_Hans",
    "zh-Hant": "zh_Hant",
    "ja": "ja",
}
# Each language named in itself, for the picker in Settings.
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "ja": "日本語",
}
DEFAULT_LANGUAGE = "en"

_language: ContextVar[str | None] = ContextVar("mirubato_language", default=None)
_resolver: Callable[[], str | None] | None = None

_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}(?!\})")
_TRADITIONAL_REGIONS = {"tw", "hk", "mo"}


def N_(message: str) -> str:  # noqa: N802  (the gettext convention extraction looks for)
    """Mark a text for extraction without translating it now (it is translated where shown)."""
    return message


def _(message: str, /, **values: object) -> str:
    """``message`` in the current language, with ``{name}`` fields filled from ``values``."""
    if not message:
        return message  # gettext("") is the catalogue's header, not a text
    translated = translations(current_language()).gettext(message)
    return translated.format(**values) if values else translated


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The singular or plural form for ``n`` by the language's plural rules; ``{n}`` is filled too."""
    translated = translations(current_language()).ngettext(singular, plural, n)
    return translated.format(n=format_number(n), **values)


def pgettext(context: str, message: str, /, **values: object) -> str:
    """A text whose translation depends on where it is used (``context``), e.g. a note name."""
    translated = str(translations(current_language()).pgettext(context, message))
    return translated.format(**values) if values else translated


@functools.cache
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of ``language`` (English, the source language, has none to apply)."""
    locale_id = LANGUAGES.get(language)
    path = LOCALES_DIR / str(locale_id) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if locale_id is None or language == DEFAULT_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=locale_id)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is shown in English, never guessed
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current_language() -> str:
    language = _language.get()
    if language is None and _resolver is not None:
        language = _resolver()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def set_language(language: str | None) -> None:
    """Set the language for the rest of this task or thread (a page build, a request)."""
    _language.set(language if language in LANGUAGES else None)


@contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Speak ``language`` inside the block (an email to a musician, a test)."""
    token = _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _language.reset(token)


def set_resolver(resolver: Callable[[], str | None] | None) -> None:
    """Where to find the language when none is set for the task (the UI's per-browser choice)."""
    global _resolver
    _resolver = resolver


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an ``Accept-Language`` header (English when none fits)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        match = language_of_tag(tag)
        if match and quality > 0:
            ranked.append((-quality, position, match))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def language_of_tag(tag: str) -> str | None:
    """One of our languages for a BCP 47 tag: 'fr-CA' -> 'fr', 'zh-TW' -> 'zh-Hant', 'it' -> None."""
    parts = [p.lower() for p in tag.replace("_", "-").split("-") if p]
    if not parts:
        return None
    if parts[0] == "zh":
        traditional = "hant" in parts or any(p in _TRADITIONAL_REGIONS for p in parts[1:])
        return "zh-Hant" if traditional else "zh-Hans"
    return parts[0] if parts[0] in LANGUAGES else None


def placeholders(message: str) -> set[str]:
    """The ``{name}`` fields of a message (the translation must keep the same ones)."""
    return {name for _text, name, _spec, _conv in string.Formatter().parse(message) if name}


def locale() -> Locale:
    return Locale.parse(LANGUAGES[current_language()])


# Note names: letters (C D E ... B), German letters (... A B H: B is B flat, H is B natural), or fixed-do
# solfège (do ré mi) as French, Spanish and Italian musicians name notes. "auto" picks by language.
NOTE_NAMES: dict[str, list[str]] = {
    "letters": ["C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"],
    "german": ["C", "Cis", "D", "Dis", "E", "F", "Fis", "G", "Gis", "A", "B", "H"],
    "solfege": ["Do", "Do♯", "Ré", "Ré♯", "Mi", "Fa", "Fa♯", "Sol", "Sol♯", "La", "La♯", "Si"],
}
_SOLFEGE_ES = ["Do", "Do♯", "Re", "Re♯", "Mi", "Fa", "Fa♯", "Sol", "Sol♯", "La", "La♯", "Si"]
_NOTES_BY_LANGUAGE = {"de": "german", "fr": "solfege", "es": "solfege"}


def note_names(choice: str | None, language: str | None = None) -> list[str]:
    """The twelve pitch classes from C, named the way the musician reads them."""
    language = language or current_language()
    system = choice if choice in NOTE_NAMES else _NOTES_BY_LANGUAGE.get(language, "letters")
    if system == "solfege" and language == "es":
        return list(_SOLFEGE_ES)  # Spanish writes Re without the accent
    return list(NOTE_NAMES[system])


# Locale-aware formatting: dates, numbers and durations as the current language writes them.


def format_number(value: float | int, digits: int | None = None) -> str:
    pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return str(_babel_decimal(value, format=pattern, locale=locale()))


def format_percent(fraction: float) -> str:
    return str(_babel_percent(fraction, locale=locale()))


def format_day(day: date, form: str = "medium") -> str:
    """'12 Mar 2027' / '2027年3月12日'; ``form`` is Babel's short, medium, long or full, or a skeleton."""
    return str(_babel_date(day, format=form, locale=locale()))


def format_moment(moment: datetime, form: str = "medium") -> str:
    return str(_babel_datetime(moment, format=form, locale=locale()))


def format_clock(moment: datetime | time) -> str:
    """Hours and minutes as the language writes them (18:00, 6:00 PM)."""
    return str(_babel_time(moment, format="short", locale=locale()))


def day_month(day: date) -> str:
    """A short day and month for chart axes and lists ('12 Mar', '3月12日')."""
    return str(format_skeleton("MMMd", day, locale=locale()))


def weekday_name(day: date, width: str = "wide") -> str:
    return str(locale().days["format"][width][day.weekday()])


def first_week_day() -> int:
    """0 for Monday, 6 for Sunday: where the language's usual week begins."""
    return int(locale().first_week_day)
