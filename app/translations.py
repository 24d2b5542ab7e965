"""Keeping the catalogues in step with the code: extract, update, check (``mirubato translations ...``).

``update`` extracts every marked text from the Python and JavaScript sources into
``core/locales/mirubato.pot`` and merges it into each language's ``.po`` (new texts arrive
untranslated, changed ones fuzzy). ``check`` fails when a catalogue has a text the code no longer
matches, an untranslated or fuzzy entry, or a translation whose ``{placeholders}`` differ from the
source's: CI runs it (scripts/test), so no page ships half in English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from core.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALES_DIR, placeholders

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ["core", "services", "web", "components", "pages", "app"]
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_t": None,  # the JavaScript side (components/*.js): window.MirubatoText
    "_nt": (1, 2),
}
METHODS = [("**.py", "python"), ("**.js", "javascript")]
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"


def extract(root: Path = ROOT) -> Catalog:
    """Every marked text in the sources, with where it is used."""
    catalog = Catalog(project="Mirubato", domain=DOMAIN, fuzzy=False, creation_date=datetime(2026, 1, 1))
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            root / directory, METHODS, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            catalog.add(message, None, [(f"{directory}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str, locales: Path = LOCALES_DIR) -> Path:
    return locales / LANGUAGES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated_languages() -> list[str]:
    return [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]


def update() -> dict[str, int]:
    """Write the template and merge it into every catalogue; returns each language's open entries."""
    template = extract()
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as out:
        write_po(out, template, width=120, omit_header=False, sort_output=True)
    open_entries: dict[str, int] = {}
    for language in translated_languages():
        path = po_path(language)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=LANGUAGES[language])
        else:
            catalog = Catalog(locale=LANGUAGES[language], domain=DOMAIN, project="Mirubato")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write_po(out, catalog, width=120, sort_output=True, include_previous=False)
        open_entries[language] = sum(1 for message in catalog if message.id and not _done(message))
    return open_entries


@dataclass(frozen=True)
class Problem:
    language: str
    message: str
    problem: str

    def __str__(self) -> str:
        return f"{self.language}: {self.problem}: {self.message!r}"


def check(root: Path = ROOT, locales: Path = LOCALES_DIR) -> list[Problem]:
    """What keeps a catalogue from being complete and right (empty when all is well)."""
    wanted = {(message.context, _key(message.id)) for message in extract(root) if message.id}
    problems: list[Problem] = []
    for language in translated_languages():
        path = po_path(language, locales)
        if not path.exists():
            problems.append(Problem(language, str(path), "no catalogue"))
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=LANGUAGES[language])
        present = {(message.context, _key(message.id)) for message in catalog if message.id}
        for _context, key in sorted(wanted - present, key=str):
            problems.append(Problem(language, key, "not in the catalogue (run: mirubato translations update)"))
        for message in catalog:
            if message.id:
                problems.extend(Problem(language, _key(message.id), p) for p in _message_problems(message))
    return problems


def _message_problems(message: Message) -> Iterable[str]:
    if message.fuzzy:
        yield "fuzzy"
    sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
    targets = message.string if isinstance(message.string, tuple | list) else (message.string,)
    if not all(targets):
        yield "untranslated"
        return
    expected = set().union(*(placeholders(str(source)) for source in sources))
    for target in targets:
        found = placeholders(str(target))
        # A plural form may leave out {n} (Japanese and Chinese have one form, "one" may say "a").
        if found - expected or (expected - {"n"}) - found:
            yield f"placeholders {sorted(found)} differ from the source's {sorted(expected)}"


def _done(message: Message) -> bool:
    return not message.fuzzy and all(message.string if isinstance(message.string, tuple | list) else (message.string,))


def _key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]
