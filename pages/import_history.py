"""Bring your history along (/import): choose a file, map a CSV's columns, read the preview with each
bad row's problem, then import batch by batch under a progress bar and read the summary.

Everything the page shows comes from ``services.history_import``: the preview is a checked plan of
the file; importing applies it in batches of ``BATCH_SIZE`` (each its own transaction, so the bar
moves), and the last step rebuilds progress once.
"""

from __future__ import annotations

from typing import Any

from nicegui import events, ui

from components.browser_sign_in import Me, act
from components.format import activity_label, duration, piece_name, short_date
from components.frame import frame
from components.page_route import signed_in_page
from core.i18n import _, format_number, ngettext, pgettext
from services import history_import
from services.errors import ServiceError
from services.history_csv import COLUMN_TARGETS, TARGET_LABELS
from services.history_import import BATCH_SIZE, MAX_FILE_BYTES, ImportPlan, ImportReport, RowProblem
from services.history_sources import FORMAT_LABELS, ImportFormat
from services.labels import instrument_label

SHOWN_PROBLEMS = 200
STATUS_COLORS = {"new": "positive", "exists": "grey", "error": "negative"}


@signed_in_page("/import")
async def import_page(me: Me) -> None:
    with frame(_("Import practice history"), me):
        ImportPanel()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class ImportPanel:
    """The file, its format and mapping, the preview, then the import and its summary."""

    def __init__(self) -> None:
        self.content: bytes | None = None
        self.plan: ImportPlan | None = None
        self.mapping: dict[str, Any] = {}
        ui.label(
            _(
                "Bring your practice history along: a CSV from a spreadsheet or another app, an export of "
                "Mirubato, or an export of the original Mirubato app. Nothing is saved until you press Import, "
                "and importing the same file again adds nothing."
            )
        ).classes("text-grey-7")
        with ui.row().classes("w-full items-end gap-3"):
            self.format = (
                ui.select(
                    {str(value): _(label) for value, label in FORMAT_LABELS.items()},
                    value=str(ImportFormat.CSV),
                    label=_("Format"),
                    on_change=self._format_changed,
                )
                .props("outlined dense")
                .classes("min-w-[16rem]")
                .mark("import-format")
            )
            ui.upload(
                label=_("Choose a file"),
                auto_upload=True,
                on_upload=self.receive,
                on_rejected=self._rejected,
                max_file_size=MAX_FILE_BYTES,
            ).props('accept=".csv,.json,.txt" flat bordered').classes("grow").mark("import-upload")
        ui.label(
            _(
                "CSV: the first line names the columns. The day and the duration are needed; the duration in "
                "minutes (45) or as h:mm (1:15). Up to {size} MB.",
                size=format_number(MAX_FILE_BYTES // 1024 // 1024),
            )
        ).classes("text-caption text-grey-7")
        self.mapping_area = ui.column().classes("w-full gap-2")
        self.preview_area = ui.column().classes("w-full gap-2")
        with ui.column().classes("w-full gap-1") as self.progress_area:
            self.progress = ui.linear_progress(value=0, show_value=False).props("instant-feedback size=12px")
            self.progress_label = ui.label().classes("text-caption").mark("import-progress")
        self.progress_area.set_visibility(False)
        self.result_area = ui.column().classes("w-full gap-2")

    # --- choosing ----------------------------------------------------------------------------------------

    async def receive(self, event: events.UploadEventArguments) -> None:
        self.content = await event.file.read()
        self.mapping = {}
        self.result_area.clear()
        guessed = history_import.guess_format(self.content)
        if guessed is not None and guessed != self.format.value:
            self.format.value = str(guessed)  # its change handler previews
        else:
            await self.preview()

    def _rejected(self) -> None:
        message = _(
            "This file is larger than {size} MB. Split it, or export a shorter period.",
            size=format_number(MAX_FILE_BYTES // 1024 // 1024),
        )
        ui.notify(message, type="negative", multi_line=True)

    async def _format_changed(self) -> None:
        self.mapping = {}
        await self.preview()

    async def _mapping_changed(self, target: str, value: Any) -> None:
        self.mapping[_camel(target)] = value
        await self.preview()

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"format": self.format.value}
        if self.format.value == ImportFormat.CSV and self.mapping:
            options["mapping"] = self.mapping
        return options

    # --- the preview -------------------------------------------------------------------------------------

    async def preview(self) -> None:
        if self.content is None:
            return
        self.plan = None
        self.preview_area.clear()
        try:
            self.plan = await act(
                history_import.prepare_import, write=False, content=self.content, data=self._options()
            )
        except ServiceError as error:
            if self.format.value == ImportFormat.CSV and not self.mapping:
                self.mapping = history_import.suggested_mapping(self.content)  # the columns it could tell
            self._show_mapping(None)
            with self.preview_area:
                ui.label(error.message).classes("text-negative").mark("import-refused")
            return
        report = self.plan.report
        if report.mapping is not None:
            self.mapping = dict(report.mapping)
        self._show_mapping(report)
        with self.preview_area:
            self._summary(report)
            self._table(report)
            self._problems(report)
            if report.added:
                label = ngettext("Import {n} log", "Import {n} logs", report.added)
                ui.button(label, icon="upload", on_click=self.run).props("unelevated color=primary no-caps").mark(
                    "import-confirm"
                )
            elif report.goals or report.plans or report.repertoire or report.templates:
                ui.button(_("Import"), icon="upload", on_click=self.run).props("unelevated color=primary no-caps").mark(
                    "import-confirm"
                )

    def _show_mapping(self, report: ImportReport | None) -> None:
        self.mapping_area.clear()
        if self.format.value != ImportFormat.CSV or self.content is None:
            return
        columns = report.columns if report else history_import.csv_columns(self.content)
        if not columns:
            return
        choices = {"": _("(not in the file)"), **{column: column for column in columns}}
        with self.mapping_area:
            ui.label(_("Which column holds what")).classes("text-subtitle1 text-weight-medium")
            with ui.row().classes("w-full gap-2"):
                for target in COLUMN_TARGETS:
                    current = self.mapping.get(_camel(target)) or ""
                    ui.select(
                        choices,
                        value=current if current in choices else "",
                        label=_(TARGET_LABELS[target]),
                        on_change=lambda e, t=target: self._mapping_changed(t, e.value or None),
                    ).props("outlined dense").classes("min-w-[11rem]").mark(f"import-map-{target}")
            with ui.row().classes("items-center gap-4"):
                ui.switch(
                    _("Day before month (03/04 is 3 April)"),
                    value=bool(self.mapping.get("dayFirst")),
                    on_change=lambda e: self._mapping_changed("day_first", e.value),
                ).mark("import-day-first")
                units = {"minutes": _("minutes"), "hours": _("hours"), "seconds": _("seconds")}
                ui.select(
                    units,
                    value=self.mapping.get("durationUnit") or "minutes",
                    label=_("Duration in"),
                    on_change=lambda e: self._mapping_changed("duration_unit", e.value),
                ).props("outlined dense").classes("min-w-[9rem]")

    def _summary(self, report: ImportReport) -> None:
        lines = [
            ngettext("{n} new log to import", "{n} new logs to import", report.added)
            if report.dry_run
            else ngettext("{n} log imported", "{n} logs imported", report.added),
            _("{time} of practice", time=duration(report.minutes * 60)),
        ]
        if report.existing:
            lines.append(ngettext("{n} already imported", "{n} already imported", report.existing))
        if report.errors:
            lines.append(ngettext("{n} row with problems", "{n} rows with problems", report.errors))
        if report.skipped:
            lines.append(
                ngettext("{n} entry that is not practice", "{n} entries that are not practice", report.skipped)
            )
        # Translators: what separates the facts of the import's summary ("12 logs imported · 3 h of practice").
        ui.label(pgettext("between facts of a summary", " · ").join(lines)).classes("text-subtitle1").mark(
            "import-summary"
        )
        extras = [
            (
                report.repertoire,
                ngettext("{n} piece for the repertoire", "{n} pieces for the repertoire", report.repertoire),
            ),
            (report.goals, ngettext("{n} goal", "{n} goals", report.goals)),
            (report.plans, ngettext("{n} plan", "{n} plans", report.plans)),
            (report.templates, ngettext("{n} template", "{n} templates", report.templates)),
        ]
        if shown := [text for count, text in extras if count]:
            items = pgettext("between items of a list", ", ").join(shown)
            # Translators: {items} lists what else comes along, e.g. "2 pieces for the repertoire, 1 goal".
            ui.label(_("Also: {items}", items=items)).classes("text-grey-8")

    def _table(self, report: ImportReport) -> None:
        if not report.preview:
            return
        status = {"new": _("new"), "exists": _("already there"), "error": _("problem")}
        columns = [
            {"name": "row", "label": _("Row"), "field": "row", "align": "right"},
            {"name": "status", "label": _("Status"), "field": "status", "align": "left"},
            {"name": "day", "label": _("Date"), "field": "day", "align": "left"},
            {"name": "minutes", "label": _("Minutes"), "field": "minutes", "align": "right"},
            {"name": "activity", "label": _("Activity"), "field": "activity", "align": "left"},
            {"name": "instrument", "label": _("Instrument"), "field": "instrument", "align": "left"},
            {"name": "piece", "label": _("Piece"), "field": "piece", "align": "left"},
        ]
        rows = [
            {
                "key": index,
                "row": row.row,
                "status": status[row.status],
                "day": short_date(row.start_time) if row.start_time else "",
                "minutes": format_number(row.minutes, 1) if row.minutes is not None else "",
                "activity": activity_label(row.activity_type) if row.activity_type else "",
                "instrument": instrument_label(row.instrument) if row.instrument else "",
                "piece": piece_name(row.composer, row.work_title, fallback=""),
            }
            for index, row in enumerate(report.preview)
        ]
        ui.label(_("The first rows as they will be saved")).classes("text-caption text-grey-7")
        ui.table(columns=columns, rows=rows, row_key="key").props("dense flat bordered").classes("w-full").mark(
            "import-preview"
        )

    def _problems(self, report: ImportReport) -> None:
        if report.problems:
            ui.label(_("Rows that will not be imported")).classes("text-subtitle2 q-mt-sm")
            for problem in report.problems[:SHOWN_PROBLEMS]:
                self._problem(problem)
            hidden = len(report.problems) - SHOWN_PROBLEMS + report.unlisted_problems
            if hidden > 0:
                ui.label(ngettext("… and {n} more", "… and {n} more", hidden)).classes("text-negative")
        if report.left_out:
            ui.label(_("Not brought along")).classes("text-subtitle2 q-mt-sm")
            for item in report.left_out[:SHOWN_PROBLEMS]:
                self._problem(item)

    def _problem(self, problem: RowProblem) -> None:
        if problem.row is not None:
            # Translators: {row} is a row number of the file, {field} the file's name of a column or field.
            text = _("Row {row}, {field}: {message}", row=problem.row, field=problem.field, message=problem.message)
        else:
            text = _("{field}: {message}", field=problem.field, message=problem.message)
        ui.label(text).classes("text-negative").mark("import-problem")

    # --- importing -------------------------------------------------------------------------------------

    async def run(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self.preview_area.clear()
        self.mapping_area.clear()
        self.result_area.clear()
        self.progress_area.set_visibility(True)
        total = len(plan.logs)
        try:
            for start in range(0, total, BATCH_SIZE):
                self._moved(start, total)
                await act(history_import.apply_batch, plan=plan, start=start, stop=start + BATCH_SIZE)
            self._moved(total, total)
            report = await act(history_import.finish_import, plan=plan)
        except ServiceError as error:
            self.progress_area.set_visibility(False)
            with self.result_area:
                ui.label(error.message).classes("text-negative").mark("import-refused")
                ui.label(_("What was imported stays; importing the file again adds only the rest.")).classes(
                    "text-grey-7"
                )
                ui.button(_("Try again"), icon="refresh", on_click=self.run).props("outline no-caps")
            return
        self.plan = None
        self.progress_area.set_visibility(False)
        with self.result_area:
            self._summary(report)
            self._problems(report)
            with ui.row().classes("gap-2"):
                ui.link(_("See your history"), "/history").classes("text-primary")
                ui.link(_("See your progress"), "/progress").classes("text-primary")
        ui.notify(ngettext("{n} log imported", "{n} logs imported", report.added), type="positive")

    def _moved(self, done: int, total: int) -> None:
        self.progress.value = done / total if total else 1
        self.progress_label.text = _(
            "{done} of {total} logs", done=format_number(min(done, total)), total=format_number(total)
        )
