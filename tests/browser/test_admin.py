"""The admin pages in a real browser: users, a catalogue import with one bad row, audit log, system figures."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from core.db import Database
from core.models import User
from services.users import make_admin_from_console
from tests.browser.conftest import onboard, screenshot, wait_until_connected

CSV = """title,composer,instrument,difficulty,period
Arabesque No. 1,Friedrich Burgmüller,piano,3,Romantic
Broken row,Nobody,theremin,12,Romantic
Study in B minor (test arrangement),Fernando Sor,guitar,5,Classical
"""


def make_admin(server, email: str) -> None:
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    with database.transaction() as session:
        make_admin_from_console(session, email=email)
        assert session.exec(select(User).where(User.email == email)).one().role == "admin"
    database.dispose()


def test_an_admin_imports_a_catalogue_file_and_sees_the_bad_row(page, server, tmp_path: Path):
    onboard(page, server, "boss@example.com", name="Boss")
    page.goto(f"{server.url}/admin")
    expect(page.get_by_text("Only administrators")).to_be_visible()  # not yet an admin

    make_admin(server, "boss@example.com")
    page.goto(f"{server.url}/admin")
    expect(page.get_by_text("boss@example.com")).to_be_visible()
    screenshot(page, "admin-users")

    wait_until_connected(page)  # the tab shows its panel through the server
    page.get_by_role("tab", name="Catalogue").click()
    upload = tmp_path / "new-pieces.csv"
    upload.write_text(CSV, encoding="utf-8")
    page.locator(".q-uploader").wait_for()
    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.get_by_text("would add 2 · already there 0 · with problems 1")).to_be_visible()
    expect(page.get_by_text("Line 3: instrument")).to_be_visible()
    expect(page.get_by_text("Line 3: difficulty")).to_be_visible()
    page.get_by_role("button", name="Import 2 pieces").click()
    expect(page.get_by_text("added 2 · already there 0 · with problems 1")).to_be_visible()
    screenshot(page, "admin-import")

    # Its own title: the starter catalogue has Sor's Study in B minor at level 4 already.
    page.get_by_label("Find pieces").fill("test arrangement")
    page.get_by_role("button", name="Find").click()
    # The one match, once the list is redrawn: clicking before that hit the old list's first piece
    # (or a button already removed) under a loaded CI run, and no edit dialog opened.
    expect(page.get_by_role("button", name="Edit")).to_have_count(1)
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Suggested tempo (BPM)").fill("132")
    dialog.get_by_label("Difficulty (1-10)").fill("14")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_text("must be less than or equal to 10")).to_be_visible()  # next to the field
    dialog.get_by_label("Difficulty (1-10)").fill("4")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Fernando Sor: Study in B minor (test arrangement) · guitar · level 4")).to_be_visible()
    page.get_by_role("button", name="Hide").first.click()
    expect(page.get_by_text("level 4 · hidden")).to_be_visible()

    page.get_by_role("tab", name="Audit log").click()
    page.get_by_role("tab", name="System").click()
    expect(page.get_by_text("Practice logs")).to_be_visible()
    screenshot(page, "admin-system")

    page.goto(f"{server.url}/library?q=Arabesque")  # the library shows the musician's instrument, piano
    expect(page.get_by_text("Arabesque No. 1").first).to_be_visible()
    page.goto(f"{server.url}/library?q=Broken")
    expect(page.get_by_text("Broken row")).to_have_count(0)
