"""The admin pages: users, catalogue import, audit log and system figures (admins only, decided in services)."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from fastapi.responses import RedirectResponse
from nicegui import app, events, ui
from pydantic.alias_generators import to_snake

from components.browser_sign_in import Me, act
from components.feedback import page_dialog, show_error
from components.frame import frame
from components.page_route import signed_in_page
from services import admin, catalogue, catalogue_import
from services.admin import AdminUser
from services.catalogue import PieceSummary
from services.catalogue_import import ImportReport, musicxml_from_mxl
from services.errors import Forbidden, InvalidInput, ServiceError

ROLES = {"musician": "Musician", "teacher": "Teacher", "admin": "Admin"}
ACTIONS = [
    "sign_in", "sign_out", "sign_out_everywhere", "admin_revoke_sessions", "admin_set_role", "admin_deactivate",
    "admin_activate", "admin_catalogue_import", "data_export", "account_delete", "share_invite", "share_accept",
    "share_revoke",
]  # fmt: skip


@signed_in_page("/admin")
async def admin_page(me: Me) -> RedirectResponse | None:
    with frame("Admin", me):
        try:
            await act(admin.system_figures, write=False)  # the service decides who may be here
        except Forbidden as error:
            ui.label(error.message).classes("text-negative").mark("admin-forbidden")
            return None
        with ui.tabs().classes("w-full") as tabs:
            users_tab, catalogue_tab = ui.tab("Users"), ui.tab("Catalogue")
            audit_tab, system_tab = ui.tab("Audit log"), ui.tab("System")
        with ui.tab_panels(tabs, value=users_tab).classes("w-full"):
            with ui.tab_panel(users_tab):
                await UsersPanel(me).load()
            with ui.tab_panel(catalogue_tab):
                await PiecesPanel().load()
                ui.separator().classes("q-my-md")
                ImportPanel()
            with ui.tab_panel(audit_tab):
                await AuditPanel().load()
            with ui.tab_panel(system_tab):
                await system_panel()
    return None


class UsersPanel:
    def __init__(self, me: Me) -> None:
        self.me = me
        with ui.row().classes("w-full items-center gap-2"):
            self.search = ui.input("Search by email or name").props("outlined dense clearable").classes("grow")
            self.role = ui.select({None: "All roles", **ROLES}, value=None).props("outlined dense")
            self.search.on("keydown.enter", self.load)
            self.role.on_value_change(self.load)
            ui.button("Search", icon="search", on_click=self.load).props("unelevated no-caps").mark("admin-search")
        self.list = ui.column().classes("w-full gap-2")

    async def load(self) -> None:
        found = await act(
            admin.search_users, write=False, query={"q": self.search.value or None, "role": self.role.value}
        )
        self.list.clear()
        with self.list:
            ui.label(f"{found.total} users").classes("text-caption text-grey-7")
            for user in found.items:
                self._row(user)

    def _row(self, user: AdminUser) -> None:
        with ui.card().classes("w-full q-py-sm").mark("admin-user"):
            with ui.row().classes("w-full items-center gap-3"):
                ui.icon("person" if user.is_active else "person_off", color="primary" if user.is_active else "grey")
                with ui.column().classes("gap-0 grow min-w-[12rem]"):
                    ui.label(f"{user.display_name or '—'} · {user.email}").classes("ellipsis")
                    last = f"{user.last_login_at:%d %b %Y}" if user.last_login_at else "never"
                    state = "" if user.is_active else " · deactivated"
                    ui.label(f"{user.logs} logs · last sign-in {last}{state}").classes("text-caption text-grey-7")
                ui.select(
                    ROLES, value=user.role.value, on_change=lambda e, u=user: self._change(u, {"role": e.value})
                ).props('outlined dense aria-label="Role"')
                label = "Deactivate" if user.is_active else "Reactivate"
                ui.button(label, on_click=lambda u=user: self._change(u, {"isActive": not u.is_active})).props(
                    "flat no-caps"
                )
                ui.button("Sign out", on_click=lambda u=user: self._sign_out(u)).props("flat no-caps")

    async def _change(self, user: AdminUser, change: dict[str, Any]) -> None:
        try:
            await act(admin.change_user, user_id=user.id, data=change)
        except ServiceError as error:
            show_error(error)
        await self.load()

    async def _sign_out(self, user: AdminUser) -> None:
        ended = await act(admin.sign_out_user, user_id=user.id)
        ui.notify(f"Ended {ended} sign-ins of {user.email}.")


PIECE_FIELDS = {
    "title": "Title",
    "composer": "Composer",
    "catalog_number": "Catalogue number (BWV, Op., ...)",
    "difficulty_level": "Difficulty (1-10)",
    "style_period": "Period",
    "key_signature": "Key",
    "time_signature": "Time signature",
    "suggested_tempo": "Suggested tempo (BPM)",
}
NUMBERS = {"difficulty_level", "suggested_tempo"}


class PiecesPanel:
    """Find pieces (deactivated ones too), add one, edit one, hide or show one."""

    def __init__(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            self.search = ui.input("Find pieces").props("outlined dense clearable").classes("grow")
            self.search.on("keydown.enter", self.load)
            ui.button("Find", icon="search", on_click=self.load).props("unelevated no-caps")
            ui.button("New piece", icon="add", on_click=lambda: self._form(None)).props("flat no-caps").mark(
                "new-piece"
            )
        self.list = ui.column().classes("w-full gap-1")

    async def load(self) -> None:
        query = {"q": self.search.value or None, "includeInactive": True, "limit": 20, "sort": "newest"}
        found = await act(catalogue.list_pieces, write=False, query=query)
        self.list.clear()
        with self.list:
            ui.label(f"{found.total} pieces (newest first)").classes("text-caption text-grey-7")
            for piece in found.items:
                with ui.row().classes("w-full items-center no-wrap gap-2").mark("admin-piece"):
                    state = "" if piece.is_active else " · hidden"
                    what = f"{piece.composer}: {piece.title}" if piece.composer else piece.title
                    ui.label(f"{what} · {piece.instrument} · level {piece.difficulty_level or '–'}{state}").classes(
                        "grow ellipsis min-w-0"
                    )
                    ui.button("Edit", on_click=lambda p=piece: self._form(p)).props("flat dense no-caps")
                    label = "Hide" if piece.is_active else "Show"
                    ui.button(label, on_click=lambda p=piece: self._save(p, {"is_active": not p.is_active})).props(
                        "flat dense no-caps"
                    )

    def _form(self, piece: PieceSummary | None) -> None:
        with page_dialog() as dialog, ui.card().classes("w-[30rem] max-w-full gap-2"):
            ui.label("Edit piece" if piece else "New piece").classes("text-h6")
            instrument = ui.select({"piano": "Piano", "guitar": "Guitar", "both": "Both"},
                                   value=piece.instrument if piece else "piano", label="Instrument")  # fmt: skip
            fields: dict[str, Any] = {"instrument": instrument}
            for name, label in PIECE_FIELDS.items():
                value = getattr(piece, name) if piece else None
                fields[name] = (ui.number(label, value=value, format="%d") if name in NUMBERS else
                                ui.input(label, value=value or "")).props("outlined dense")  # fmt: skip

            async def save() -> None:
                values = {name: _plain(field.value) for name, field in fields.items()}
                if await self._save(piece, values, fields):
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Save", on_click=save).props("unelevated color=primary").mark("piece-save")

    async def _save(
        self, piece: PieceSummary | None, values: dict[str, Any], fields: dict[str, Any] | None = None
    ) -> bool:
        try:
            if piece is None:
                await act(catalogue.create_piece, data={k: v for k, v in values.items() if v is not None})
            else:
                await act(catalogue.edit_piece, piece_id=piece.id, changes=values)
        except InvalidInput as error:
            for problem in error.problems:
                name = to_snake(problem.field)
                if fields and name in fields:
                    fields[name].props(f'error error-message="{problem.message}"')
            ui.notify(error.message, type="warning")
            return False
        await self.load()
        return True


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return int(value)
    return value or None


class ImportPanel:
    """Upload a file, read the preview with each bad row's problem, then import the good rows."""

    def __init__(self) -> None:
        self.pending: dict[str, str] | None = None
        ui.label(
            "CSV columns: title and instrument (required), composer, opus, catalog_number, difficulty (1-10), "
            "grade, period, key, time_signature, tempo_marking, suggested_tempo, duration_seconds, tags (a;b). "
            "Or one MusicXML file (.musicxml, .xml or .mxl)."
        ).classes("text-caption text-grey-7")
        ui.upload(label="Choose a file", auto_upload=True, on_upload=self.preview, max_file_size=3_000_000).props(
            'accept=".csv,.musicxml,.xml,.mxl" flat bordered'
        ).classes("w-full").mark("import-upload")
        self.report = ui.column().classes("w-full gap-2")

    async def preview(self, event: events.UploadEventArguments) -> None:
        name = event.file.name.lower()
        raw = await event.file.read()
        try:
            if name.endswith(".mxl"):
                data = {"format": "musicxml", "content": musicxml_from_mxl(raw)}
            else:
                data = {"format": "csv" if name.endswith(".csv") else "musicxml", "content": raw.decode("utf-8-sig")}
            report = await act(catalogue_import.import_catalogue, data=data)
        except (ServiceError, UnicodeDecodeError) as error:
            self._show_failure(error)
            return
        self.pending = data
        self._show(report)

    async def run_import(self) -> None:
        if self.pending is None:
            return
        report = await act(catalogue_import.import_catalogue, data={**self.pending, "dryRun": False})
        self.pending = None
        self._show(report)
        problems = "1 row had problems" if report.errors == 1 else f"{report.errors} rows had problems"
        ui.notify(f"Imported {report.added} pieces; {problems}.", type="positive")

    def _show(self, report: ImportReport) -> None:
        self.report.clear()
        with self.report:
            verb = "would add" if report.dry_run else "added"
            summary = f"{verb} {report.added} · already there {report.existing} · with problems {report.errors}"
            ui.label(summary).classes("text-subtitle1").mark("import-summary")
            for problem in report.problems:
                ui.label(f"Line {problem.line}: {problem.field} {problem.message}").classes("text-negative").mark(
                    "import-problem"
                )
            for row in report.rows[:200]:
                color = {"new": "positive", "exists": "grey", "error": "negative"}[row.status]
                with ui.row().classes("items-center gap-2"):
                    ui.badge(row.status, color=color)
                    ui.label(f"Line {row.line}: {row.composer + ': ' if row.composer else ''}{row.title}")
            if report.dry_run and report.added:
                ui.button(f"Import {report.added} pieces", icon="upload", on_click=self.run_import).props(
                    "unelevated color=primary no-caps"
                ).mark("import-confirm")

    def _show_failure(self, error: Exception) -> None:
        self.report.clear()
        with self.report:
            message = error.message if isinstance(error, ServiceError) else "The file is not UTF-8 text."
            ui.label(message).classes("text-negative").mark("import-problem")


class AuditPanel:
    def __init__(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            self.action = ui.select({None: "All actions", **{a: a for a in ACTIONS}}, value=None).props(
                "outlined dense"
            )
            self.date_from = ui.input("From").props("outlined dense type=date")
            self.date_to = ui.input("To").props("outlined dense type=date")
            for field in (self.action, self.date_from, self.date_to):
                field.on_value_change(self.load)
        self.list = ui.column().classes("w-full gap-1")

    async def load(self) -> None:
        query = {"action": self.action.value, "from": self.date_from.value or None, "to": self.date_to.value or None}
        try:
            events_page = await act(admin.audit_log, write=False, query=query)
        except ServiceError as error:
            show_error(error)
            return
        self.list.clear()
        with self.list:
            ui.label(f"{events_page.total} events").classes("text-caption text-grey-7")
            for event in events_page.items:
                who = event.actor_email or "—"
                whom = f" → {event.subject_email}" if event.subject_email and event.subject_email != who else ""
                ui.label(
                    f"{event.occurred_at:%Y-%m-%d %H:%M:%S} · {event.action} · {who}{whom} · {event.ip or ''}"
                ).classes("text-body2").mark("audit-event")


async def system_panel() -> None:
    traffic = admin.traffic_from(app.state.request_stats)
    figures = await act(admin.system_figures, write=False, traffic=traffic)
    with ui.element("div").classes("w-full grid gap-3 grid-cols-2 md:grid-cols-4"):
        for label, value in (
            ("Users", f"{figures.active_users} active of {figures.users}"),
            ("Practice logs", f"{figures.logs:,}"),
            ("Pieces", f"{figures.pieces:,}"),
            ("Errors (this process)", f"{figures.error_rate_percent} % of {figures.requests:,} requests"),
        ):
            with ui.card().classes("w-full gap-0").mark("system-figure"):
                ui.label(label).classes("text-caption text-uppercase text-grey-7")
                ui.label(value).classes("text-subtitle1")
    days = [d.day for d in figures.logs_per_day]
    chart = go.Figure()
    chart.add_bar(x=days, y=[d.count for d in figures.logs_per_day], name="Logs")
    chart.add_scatter(
        x=days, y=[d.count for d in figures.daily_active_users], name="Active users", mode="lines+markers"
    )
    chart.update_layout(
        title="The last two weeks",
        height=300,
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": "#8a8a8a"},
    )
    with ui.card().classes("w-full q-pa-xs"):
        ui.plotly(chart).classes("w-full")
    with ui.card().classes("w-full"):
        ui.label("Slowest endpoints (p95 of their last 500 requests, this process)").classes("text-subtitle1")
        for route in figures.slowest:
            ui.label(f"{route.route}: {route.p95_ms} ms over {route.requests} requests").classes("text-body2")
