"""The /import page in NiceGUI's simulated browser: upload, mapping, preview with problems, import with a summary."""

from __future__ import annotations

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from sqlmodel import col, func, select

from core.db import Database
from core.models import PracticeLog
from core.models import User as UserRow
from tests.pages.conftest import SignIn

CSV = b"Day,Zeit,What,Piece\n2024-03-01,30,scales,\n2024-03-02,-5,scales,\n2024-03-03,45,repertoire,Minuet\n"


async def test_a_csv_is_mapped_previewed_and_imported_with_a_summary(user: User, sign_in: SignIn, db: Database):
    await sign_in(user, "importer@example.com")
    await user.open("/import")
    await user.should_see(marker="import-upload")
    upload = user.find(ui.upload).elements.pop()
    await upload.handle_uploads([SmallFileUpload("history.csv", "text/csv", CSV)])
    # "Zeit" is not a name it knows: which column holds the duration? (Reading a file runs in a worker
    # thread, the first time with the catalogues of every language loaded: up to 3 s on a busy machine.)
    await user.should_see(marker="import-refused", retries=30)
    user.find(marker="import-map-duration").elements.pop().set_value("Zeit")
    await user.should_see(marker="import-preview", retries=30)
    await user.should_see("2 new logs to import")
    await user.should_see("Row 3, Zeit: must be more than 0 minutes")
    user.find(marker="import-confirm").click()
    await user.should_see("2 logs imported", retries=30)
    with db.transaction(write=False) as session:
        owner = session.exec(select(UserRow.id).where(UserRow.email == "importer@example.com")).one()
        count = select(func.count()).select_from(PracticeLog).where(col(PracticeLog.user_id) == owner)
        assert session.exec(count).one() == 2
