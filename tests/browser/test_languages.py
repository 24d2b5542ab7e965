"""Each language in the browser: the dashboard, the progress page and the log form show no English.

"English" is caught two ways: a line of the page that is an English text of the catalogue (a text
marked but shown untranslated), and a line holding a word that only English uses (a text that was
never marked). Proper names (the musician's name, the piece, Mirubato) are allowed. The language is
first taken from the browser's Accept-Language, then from the musician's choice in Settings.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page
from sqlmodel import select

from app.translations import extract
from core import i18n
from core.db import Database
from core.models import SheetMusic, User
from services import practice_logs, users
from services.actor import Actor
from tests.browser.conftest import DESKTOP, Server, onboard
from tests.factories import log_body

EMAIL = "polyglot@example.com"
PAGES = ["/", "/progress", "/log/new"]
# Words no other of our languages writes ("minutes" is French, "Level" German too); whole words, any case.
ENGLISH_ONLY = {
    "the", "your", "you", "and", "with", "this", "of", "to", "for", "today", "yesterday", "practice", "practised",
    "week", "save", "add", "log", "logs", "pieces", "goal", "goals", "streak", "progress",
    "history", "settings", "show", "start", "new", "more", "what", "how", "when", "day", "days", "hours",
}  # fmt: skip
PROPER_NAMES = ["Mirubato", "Beethoven", "Bagatelle", "Polyglot", "J. S. Bach", "Invention No. 1", EMAIL]
WORD = re.compile(r"[A-Za-z]+")


def _english_texts() -> set[str]:
    """The catalogue's source texts of more than one word (one-word texts can be the same in French)."""
    texts = set()
    for message in extract():
        text = message.id if isinstance(message.id, str) else message.id[0]
        if text and " " in text and "{" not in text:
            texts.add(text)
    return texts


# The page's text without icons (Material icons are ligatures: their names are text in the DOM).
PAGE_TEXT = """() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('.q-icon, .material-icons, i').forEach(icon => icon.remove());
  document.body.appendChild(main);
  const text = main.innerText;
  main.remove();
  return text;
}"""


def _english_lines(page: Page, texts: set[str], names: list[str]) -> list[str]:
    found = []
    for line in page.evaluate(PAGE_TEXT).splitlines():
        line = line.strip()
        if not line:
            continue
        bare = line
        for name in names:
            bare = bare.replace(name, "")
        if line in texts or any(word.lower() in ENGLISH_ONLY for word in WORD.findall(bare)):
            found.append(line)
    return found


def _catalogue_names(server: Server) -> list[str]:
    """Titles and composers of the catalogue: data, shown as written in every language."""
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction(write=False) as session:
        rows = session.exec(select(SheetMusic.title, SheetMusic.composer)).all()
    database.dispose()
    names = {name for row in rows for name in row if name}
    return sorted(names | set(PROPER_NAMES), key=len, reverse=True)  # longest first: "Bach" inside a title


def _choose(server: Server, language: str) -> None:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        user = session.exec(select(User).where(User.email == EMAIL)).one()
        users.update_preferences(session, actor=Actor(id=user.id), data={"language": language})
    database.dispose()


@pytest.fixture(scope="module")
def musician_page(browser: Browser, server: Server):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    onboard(page, server, EMAIL, name="Polyglot")
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        user = session.exec(select(User).where(User.email == EMAIL)).one()
        practice_logs.log_practice(
            session, actor=Actor(id=user.id), data=log_body(composer="Beethoven", workTitle="Bagatelle")
        )
    database.dispose()
    yield page
    context.close()


@pytest.mark.parametrize("language", [language for language in i18n.LANGUAGES if language != "en"])
def test_the_everyday_pages_speak_the_chosen_language(musician_page: Page, server: Server, language: str):
    _choose(server, language)
    texts = _english_texts()
    names = _catalogue_names(server)
    english = {}
    for path in PAGES:
        musician_page.goto(server.url + path)
        musician_page.locator("main h1").wait_for()
        musician_page.wait_for_timeout(300)
        assert musician_page.evaluate("document.documentElement.lang") == language
        if lines := _english_lines(musician_page, texts, names):
            english[path] = lines
    assert english == {}


def test_the_browser_language_is_used_until_the_musician_chooses(browser: Browser, server: Server):
    context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    page = context.new_page()
    page.goto(f"{server.url}/login")
    with i18n.use_language("de"):
        expected = i18n._("Email me a sign-in link")
    assert expected != "Email me a sign-in link"
    page.get_by_role("button", name=expected).wait_for()
    assert page.evaluate("document.documentElement.lang") == "de"
    context.close()
