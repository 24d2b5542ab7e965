"""The translation layer: choosing a language, applying catalogues, the catalogue check, the JS side,
and the ways of marking a text that would silently stay English (checked over the whole source)."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from app import translations as catalogues
from components import language as page_language
from core import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("core", "services", "web", "components", "pages", "app")
TRANSLATING = {"_": 1, "N_": 1, "ngettext": 2, "pgettext": 2}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr"),
        ("it, de;q=0.3", "de"),
        ("zh-TW,zh;q=0.9", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("ja-JP", "ja"),
        ("en;q=0.2, es;q=0.8", "es"),
        ("de;q=0", "en"),
        ("de;q=abc", "en"),
        ("", "en"),
        (None, "en"),
        (";;;,,,", "en"),
    ],
)
def test_the_language_is_negotiated_from_accept_language(header: str | None, expected: str):
    assert i18n.negotiate(header) == expected


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A French catalogue of two texts, one of them with a plural."""
    catalog = Catalog(locale="fr", domain=i18n.DOMAIN)
    catalog.add("Save", "Enregistrer")
    catalog.add("{minutes} min left", "encore {minutes} min")
    catalog.add(("{n} day", "{n} days"), ("{n} jour", "{n} jours", "{n} jours"))
    catalog.add("Fuzzy text", "Texte flou", flags=["fuzzy"])
    path = tmp_path / "fr" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as out:
        write_po(out, catalog)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.translations.cache_clear()
    yield tmp_path
    i18n.translations.cache_clear()


def test_texts_are_translated_in_the_language_in_use_and_english_elsewhere(french: Path):
    with i18n.use_language("fr"):
        assert i18n._("Save") == "Enregistrer"
        assert i18n._("{minutes} min left", minutes=5) == "encore 5 min"
        assert i18n.ngettext("{n} day", "{n} days", 1) == "1 jour"
        assert i18n.ngettext("{n} day", "{n} days", 3) == "3 jours"
        assert i18n._("Fuzzy text") == "Fuzzy text"  # a fuzzy entry is a guess: never shown
        assert i18n._("Not in the catalogue") == "Not in the catalogue"
    assert i18n._("Save") == "Save"
    with i18n.use_language("xx"):
        assert i18n._("Save") == "Save"


def test_numbers_and_dates_follow_the_language():
    from datetime import date

    with i18n.use_language("de"):
        assert i18n.format_number(1234.5, 1) == "1.234,5"
        assert i18n.day_month(date(2027, 3, 12)) == "12. März"
    with i18n.use_language("ja"):
        assert i18n.day_month(date(2027, 3, 12)) == "3月12日"
    with i18n.use_language("en"):
        assert i18n.format_number(1234.5, 1) == "1,234.5"


def test_the_catalogue_check_names_each_kind_of_problem(tmp_path: Path):
    source = tmp_path / "pages"
    source.mkdir()
    (source / "page.py").write_text(
        'from core.i18n import _\n_("Kept")\n_("Missing")\n_("Open")\n_("Guessed")\n_("{count} takes", count=2)\n'
    )
    catalog = Catalog(locale="fr", domain=i18n.DOMAIN)
    catalog.add("Kept", "Gardé")
    catalog.add("Open", "")
    catalog.add("Guessed", "Deviné", flags=["fuzzy"])
    catalog.add("{count} takes", "{nombre} prises")
    locales = tmp_path / "locales"
    for language in catalogues.translated_languages():
        path = catalogues.po_path(language, locales)
        path.parent.mkdir(parents=True)
        with path.open("wb") as out:
            write_po(out, catalog)
    problems = {(p.message, p.problem.split(" ")[0]) for p in catalogues.check(tmp_path, locales) if p.language == "fr"}
    assert problems == {
        ("Missing", "not"),
        ("Open", "untranslated"),
        ("Guessed", "fuzzy"),
        ("{count} takes", "placeholders"),
    }


def test_the_scripts_translate_with_the_pages_table_and_plural_rules(french: Path, tmp_path: Path):
    script = tmp_path / "page.js"
    script.write_text('_t("Save"); _t("{minutes} min left", {minutes: 5}); _nt("{n} day", "{n} days", 2);')
    page_language.js_head.cache_clear()
    original = page_language.JS_DIRS
    page_language.JS_DIRS = [tmp_path]
    page_language._js_messages.cache_clear()
    try:
        head = page_language.js_head("fr")
    finally:
        page_language.JS_DIRS = original
        page_language._js_messages.cache_clear()
        page_language.js_head.cache_clear()
    code = head.replace("<script>", "").replace("</script>", "\n").replace("window.", "globalThis.")
    probe = (
        "var window = globalThis;\n"
        + code
        + "console.log(JSON.stringify([_t('Save'), _t('{minutes} min left', {minutes: 5}),"
        " _nt('{n} day', '{n} days', 1), _nt('{n} day', '{n} days', 0), _nt('{n} day', '{n} days', 7),"
        " _t('Other')]))"
    )
    out = subprocess.run(["node", "-e", probe], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["Enregistrer", "encore 5 min", "1 jour", "0 jour", "7 jours", "Other"]


def _is_format_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def _marking_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    problems = []
    inside_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inside_function.update(id(child) for child in ast.walk(node) if child is not node)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATING):
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        texts = node.args[: TRANSLATING[node.func.id]]
        # A name or a lookup is fine (a text marked with N_ where it is defined); text built on the spot
        # is never in the catalogue, so it would always show in English.
        if any(isinstance(arg, ast.JoinedStr | ast.BinOp) or _is_format_call(arg) for arg in texts):
            problems.append(f"{where}: {node.func.id}() of text built on the spot is never extracted")
        if node.func.id == "N_" and not all(isinstance(arg, ast.Constant) for arg in texts):
            problems.append(f"{where}: N_() marks literal text only")
        if node.func.id != "N_" and id(node) not in inside_function:
            problems.append(f"{where}: {node.func.id}() at import time translates once, in no one's language")
    return problems


def test_every_marked_text_is_a_literal_and_none_is_translated_at_import_time():
    problems = [
        problem
        for folder in SOURCES
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "i18n.py"
        for problem in _marking_problems(path)
    ]
    assert problems == []


def test_note_names_follow_the_language_unless_the_musician_chooses():
    assert i18n.note_names("auto", "en")[11] == "B"
    assert i18n.note_names("auto", "de")[10:] == ["B", "H"]  # B flat is B, B natural is H
    assert i18n.note_names("auto", "fr")[:3] == ["Do", "Do♯", "Ré"]
    assert i18n.note_names("auto", "es")[2] == "Re"
    assert i18n.note_names("auto", "ja")[0] == "C"
    assert i18n.note_names("letters", "fr")[2] == "D"
    assert i18n.note_names("solfege", "en")[4] == "Mi"
    assert i18n.note_names("nonsense", "de")[11] == "H"
