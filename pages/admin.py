"""The admin pages: users, catalogue import, audit log and system figures (admins only, decided in services)."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
from fastapi.responses import RedirectResponse
from nicegui import app, events, ui
from pydantic.alias_generators import to_snake

from components.browser_sign_in import Me, act
from components.feedback import page_dialog, show_error
from components.format import short_date
from components.frame import frame
from components.page_route import signed_in_page
from core.i18n import N_, _, ngettext
from services import admin, catalogue, catalogue_import
from services.admin import AdminUser
from services.catalogue import PieceSummary
from services.catalogue_import import ImportReport, musicxml_from_mxl
from services.errors import Forbidden, InvalidInput, ServiceError

ROLES = {"musician": N_("Musician"), "teacher": N_("Teacher"), "admin": N_("Admin")}
ACTIONS = [
    "sign_in", "sign_out", "sign_out_everywhere", "admin_revoke_sessions", "admin_set_role", "admin_deactivate",
    "admin_activate", "admin_catalogue_import", "data_export", "account_delete", "share_invite", "share_accept",
    "share_revoke",
]  # fmt: skip


@signed_in_page("/admin")
async def admin_page(me: Me) -> RedirectResponse | None:
    with frame(_("Admin"), me):
        try:
            await act(admin.system_figures, write=False)  # the service decides who may be here
        except Forbidden as error:
            ui.label(error.message).classes("text-negative").mark("admin-forbidden")
            return None
        with ui.tabs().classes("w-full") as tabs:
            users_tab, catalogue_tab = ui.tab(_("Users")), ui.tab(_("Catalogue"))
            audit_tab, system_tab = ui.tab(_("Audit log")), ui.tab(_("System"))
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
            self.search = ui.input(_("Search by email or name")).props("outlined dense clearable").classes("grow")
            roles = {code: _(label) for code, label in ROLES.items()}
            self.role = ui.select({None: _("All roles"), **roles}, value=None).props("outlined dense")
            self.search.on("keydown.enter", self.load)
            self.role.on_value_change(self.load)
            ui.button(_("Search"), icon="search", on_click=self.load).props("unelevated no-caps").mark("admin-search")
        self.list = ui.column().classes("w-full gap-2")

    async def load(self) -> None:
        found = await act(
            admin.search_users, write=False, query={"q": self.search.value or None, "role": self.role.value}
        )
        self.list.clear()
        with self.list:
            ui.label(ngettext("{n} users", "{n} users", found.total)).classes("text-caption text-grey-7")
            for user in found.items:
                self._row(user)

    def _row(self, user: AdminUser) -> None:
        with ui.card().classes("w-full q-py-sm").mark("admin-user"):
            with ui.row().classes("w-full items-center gap-3"):
                ui.icon("person" if user.is_active else "person_off", color="primary" if user.is_active else "grey")
                with ui.column().classes("gap-0 grow min-w-[12rem]"):
                    ui.label(f"{user.display_name or '—'} · {user.email}").classes("ellipsis")
                    last = short_date(user.last_login_at) if user.last_login_at else _("never")
                    # Translators: {last} is a date (12 Mar 2027) or "never"
                    logs = ngettext(
                        "{n} logs · last sign-in {last}", "{n} logs · last sign-in {last}", user.logs, last=last
                    )
                    parts = [logs]
                    if not user.is_active:
                        parts.append(_("deactivated"))
                    ui.label(" · ".join(parts)).classes("text-caption text-grey-7")
                ui.select(
                    {code: _(name) for code, name in ROLES.items()},
                    value=user.role.value,
                    on_change=lambda e, u=user: self._change(u, {"role": e.value}),
                ).props("outlined dense aria-label=" + json.dumps(_("Role")))
                label = _("Deactivate") if user.is_active else _("Reactivate")
                ui.button(label, on_click=lambda u=user: self._change(u, {"isActive": not u.is_active})).props(
                    "flat no-caps"
                )
                ui.button(_("Sign out"), on_click=lambda u=user: self._sign_out(u)).props("flat no-caps")

    async def _change(self, user: AdminUser, change: dict[str, Any]) -> None:
        try:
            await act(admin.change_user, user_id=user.id, data=change)
        except ServiceError as error:
            show_error(error)
        await self.load()

    async def _sign_out(self, user: AdminUser) -> None:
        ended = await act(admin.sign_out_user, user_id=user.id)
        ui.notify(ngettext("Ended {n} sign-ins of {email}.", "Ended {n} sign-ins of {email}.", ended, email=user.email))


PIECE_FIELDS = {
    "title": N_("Title"),
    "composer": N_("Composer"),
    "catalog_number": N_("Catalogue number (BWV, Op., ...)"),
    "difficulty_level": N_("Difficulty (1-10)"),
    "style_period": N_("Period"),
    "key_signature": N_("Key"),
    "time_signature": N_("Time signature"),
    "suggested_tempo": N_("Suggested tempo (BPM)"),
}
NUMBERS = {"difficulty_level", "suggested_tempo"}
IMPORT_STATUSES = {"new": N_("new"), "exists": N_("exists"), "error": N_("error")}  # a preview row's badge


class PiecesPanel:
    """Find pieces (deactivated ones too), add one, edit one, hide or show one."""

    def __init__(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            self.search = ui.input(_("Find pieces")).props("outlined dense clearable").classes("grow")
            self.search.on("keydown.enter", self.load)
            ui.button(_("Find"), icon="search", on_click=self.load).props("unelevated no-caps")
            ui.button(_("New piece"), icon="add", on_click=lambda: self._form(None)).props("flat no-caps").mark(
                "new-piece"
            )
        self.list = ui.column().classes("w-full gap-1")

    async def load(self) -> None:
        query = {"q": self.search.value or None, "includeInactive": True, "limit": 20, "sort": "newest"}
        found = await act(catalogue.list_pieces, write=False, query=query)
        self.list.clear()
        with self.list:
            ui.label(ngettext("{n} pieces (newest first)", "{n} pieces (newest first)", found.total)).classes(
                "text-caption text-grey-7"
            )
            for piece in found.items:
                with ui.row().classes("w-full items-center no-wrap gap-2").mark("admin-piece"):
                    what = (
                        _("{composer}: {title}", composer=piece.composer, title=piece.title)
                        if piece.composer
                        else piece.title
                    )
                    # Translators: {instrument} is a code (piano, guitar, both); {level} a number from 1 to 10
                    text = _(
                        "{piece} · {instrument} · level {level}",
                        piece=what,
                        instrument=piece.instrument,
                        level=piece.difficulty_level or "–",
                    )
                    parts = [text]
                    if not piece.is_active:
                        parts.append(_("hidden"))
                    ui.label(" · ".join(parts)).classes("grow ellipsis min-w-0")
                    ui.button(_("Edit"), on_click=lambda p=piece: self._form(p)).props("flat dense no-caps")
                    label = _("Hide") if piece.is_active else _("Show")
                    ui.button(label, on_click=lambda p=piece: self._save(p, {"is_active": not p.is_active})).props(
                        "flat dense no-caps"
                    )

    def _form(self, piece: PieceSummary | None) -> None:
        with page_dialog() as dialog, ui.card().classes("w-[30rem] max-w-full gap-2"):
            ui.label(_("Edit piece") if piece else _("New piece")).classes("text-h6")
            instrument = ui.select({"piano": _("Piano"), "guitar": _("Guitar"), "both": _("Both")},
                                   value=piece.instrument if piece else "piano", label=_("Instrument"))  # fmt: skip
            fields: dict[str, Any] = {"instrument": instrument}
            for name, label in PIECE_FIELDS.items():
                value = getattr(piece, name) if piece else None
                fields[name] = (ui.number(_(label), value=value, format="%d") if name in NUMBERS else
                                ui.input(_(label), value=value or "")).props("outlined dense")  # fmt: skip

            async def save() -> None:
                values = {name: _plain(field.value) for name, field in fields.items()}
                if await self._save(piece, values, fields):
                    dialog.close()

            with ui.row().classes("w-full justify-end"):
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
                ui.button(_("Save"), on_click=save).props("unelevated color=primary").mark("piece-save")

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
            # Translators: the column names (title, catalog_number, ...) are read by the importer: keep them in English
            _(
                "CSV columns: title and instrument (required), composer, opus, catalog_number, difficulty (1-10), "
                "grade, period, key, time_signature, tempo_marking, suggested_tempo, duration_seconds, tags (a;b). "
                "Or one MusicXML file (.musicxml, .xml or .mxl)."
            )
        ).classes("text-caption text-grey-7")
        ui.upload(label=_("Choose a file"), auto_upload=True, on_upload=self.preview, max_file_size=3_000_000).props(
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
        problems = ngettext("{n} row had problems", "{n} rows had problems", report.errors)
        # Translators: {problems} is "1 row had problems" or "{n} rows had problems"
        imported = ngettext(
            "Imported {n} pieces; {problems}.", "Imported {n} pieces; {problems}.", report.added, problems=problems
        )
        ui.notify(imported, type="positive")

    def _show(self, report: ImportReport) -> None:
        self.report.clear()
        with self.report:
            counts = {"added": report.added, "existing": report.existing, "errors": report.errors}
            if report.dry_run:
                summary = _("would add {added} · already there {existing} · with problems {errors}", **counts)
            else:
                summary = _("added {added} · already there {existing} · with problems {errors}", **counts)
            ui.label(summary).classes("text-subtitle1").mark("import-summary")
            for problem in report.problems:
                # Translators: {field} is a CSV column name (kept in English), {message} what is wrong with it
                line = _(
                    "Line {line}: {field} {message}", line=problem.line, field=problem.field, message=problem.message
                )
                ui.label(line).classes("text-negative").mark("import-problem")
            for row in report.rows[:200]:
                color = {"new": "positive", "exists": "grey", "error": "negative"}[row.status]
                with ui.row().classes("items-center gap-2"):
                    ui.badge(_(IMPORT_STATUSES.get(row.status, row.status)), color=color)
                    if row.composer:
                        ui.label(
                            _("Line {line}: {composer}: {title}", line=row.line, composer=row.composer, title=row.title)
                        )
                    else:
                        ui.label(_("Line {line}: {title}", line=row.line, title=row.title))
            if report.dry_run and report.added:
                label = ngettext("Import {n} pieces", "Import {n} pieces", report.added)
                ui.button(label, icon="upload", on_click=self.run_import).props(
                    "unelevated color=primary no-caps"
                ).mark("import-confirm")

    def _show_failure(self, error: Exception) -> None:
        self.report.clear()
        with self.report:
            message = error.message if isinstance(error, ServiceError) else _("The file is not UTF-8 text.")
            ui.label(message).classes("text-negative").mark("import-problem")


class AuditPanel:
    def __init__(self) -> None:
        with ui.row().classes("w-full items-center gap-2"):
            self.action = ui.select({None: _("All actions"), **{a: a for a in ACTIONS}}, value=None).props(
                "outlined dense"
            )
            self.date_from = ui.input(_("From")).props("outlined dense type=date")
            self.date_to = ui.input(_("To")).props("outlined dense type=date")
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
            ui.label(ngettext("{n} events", "{n} events", events_page.total)).classes("text-caption text-grey-7")
            for event in events_page.items:
                who = event.actor_email or "—"
                whom = f" → {event.subject_email}" if event.subject_email and event.subject_email != who else ""
                ui.label(
                    f"{event.occurred_at:%Y-%m-%d %H:%M:%S} · {event.action} · {who}{whom} · {event.ip or ''}"
                ).classes("text-body2").mark("audit-event")


async def system_panel() -> None:
    traffic = admin.traffic_from(app.state.request_stats)
    figures = await act(admin.system_figures, write=False, traffic=traffic)
    requests = f"{figures.requests:,}"
    with ui.element("div").classes("w-full grid gap-3 grid-cols-2 md:grid-cols-4"):
        for label, value in (
            (_("Users"), _("{active} active of {total}", active=figures.active_users, total=figures.users)),
            (_("Practice logs"), f"{figures.logs:,}"),
            (_("Pieces"), f"{figures.pieces:,}"),
            (
                _("Errors (this process)"),
                # Translators: {rate} is a percentage (a number), {requests} a count of HTTP requests
                _("{rate} % of {requests} requests", rate=figures.error_rate_percent, requests=requests),
            ),
        ):
            with ui.card().classes("w-full gap-0").mark("system-figure"):
                ui.label(label).classes("text-caption text-uppercase text-grey-7")
                ui.label(value).classes("text-subtitle1")
    days = [d.day for d in figures.logs_per_day]
    chart = go.Figure()
    chart.add_bar(x=days, y=[d.count for d in figures.logs_per_day], name=_("Logs"))
    chart.add_scatter(
        x=days, y=[d.count for d in figures.daily_active_users], name=_("Active users"), mode="lines+markers"
    )
    chart.update_layout(
        title=_("The last two weeks"),
        height=300,
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": "#8a8a8a"},
    )
    with ui.card().classes("w-full q-pa-xs"):
        ui.plotly(chart).classes("w-full")
    with ui.card().classes("w-full"):
        ui.label(_("Slowest endpoints (p95 of their last 500 requests, this process)")).classes("text-subtitle1")
        for route in figures.slowest:
            # Translators: {route} is an HTTP route (GET /api/logs), {p95} a number of milliseconds
            text = _(
                "{route}: {p95} ms over {requests} requests",
                route=route.route,
                p95=route.p95_ms,
                requests=route.requests,
            )
            ui.label(text).classes("text-body2")
