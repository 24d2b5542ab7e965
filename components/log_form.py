"""The practice log form: every field of a log, with the piece from the library or typed in.

Saving works with or without a connection. Each field keeps a draft in the browser
(window.MirubatoForms); the save button puts a change with a client-made id into the outbox
there, the outbox syncs it when it can, and the server's answer comes back to ``on_answer``.
The choice widgets update on the client by themselves (no server round trip), so the form is
fully usable while offline.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from nicegui import ui

from components.browser_sign_in import Me, act
from components.feedback import page_dialog
from components.format import ACTIVITY_LABELS, FOCUS_AREAS
from components.offline_fields import Select, Toggle
from components.outbox_sync import page_sync
from components.practice_tools import PracticeTools
from components.rating_field import RatingField
from core.i18n import N_, _, pgettext
from services import catalogue, suggestions
from services.errors import FieldProblem, InvalidInput
from services.sync import ChangeResult

Answer = Callable[[ChangeResult], Awaitable[None] | None]
FIELD_OF_ERROR = {"startTime": "start", "endTime": "minutes", "durationSeconds": "minutes"}
INSTRUMENTS = {"piano": N_("Piano"), "guitar": N_("Guitar")}  # translated where shown


class LogForm(ui.column):
    """Fields for one practice log, prefilled from ``initial`` (a log, the timer, or a template)."""

    def __init__(
        self,
        *,
        timezone: str,
        instrument: str,
        initial: dict[str, Any] | None = None,
        compact: bool = False,
        log_id: str | None = None,
        base_version: int | None = None,
        session_id: str | None = None,
        on_answer: Answer | None = None,
        me: Me | None = None,
    ) -> None:
        super().__init__()
        self.me = me  # given: a metronome button beside the tempo fields
        self.classes("w-full gap-3")
        self.key = f"log-{uuid.uuid4().hex[:12]}"
        self.log_id = log_id
        self.timezone = timezone
        self.on_answer = on_answer
        values = {"activityType": "repertoire", "instrument": instrument, **(initial or {})}
        start = _start_of(values, timezone)
        self.widgets: dict[str, Any] = {}
        with self:
            with ui.row().classes("w-full gap-3 items-start"):
                self._add(
                    "activityType",
                    Select(
                        {key: _(label) for key, label in ACTIVITY_LABELS.items()},
                        value=values["activityType"],
                        label=_("Activity"),
                    )
                    .props("outlined")
                    .classes("min-w-[12rem] grow"),
                )
                self._add("instrument", Toggle(instrument_names(), value=values["instrument"]))
            with ui.row().classes("w-full gap-3"):
                self._add(
                    "day",
                    ui.input(_("Date"), value=start.date().isoformat()).props("outlined type=date").classes("grow"),
                )
                self._add(
                    "start",
                    ui.input(pgettext("time of day", "Start"), value=start.strftime("%H:%M"))
                    .props("outlined type=time")
                    .classes("grow"),
                )
                self._add(
                    "minutes",
                    ui.number(
                        _("Minutes"),
                        value=round((values.get("durationSeconds") or 1800) / 60, 1),
                        min=1,
                        max=1440,
                        step=1,
                    )
                    .props("outlined")
                    .classes("grow"),
                )
            self._piece_fields(values)
            if compact:
                self._rating(values)
            else:
                self._practice_fields(values)
            self._add(
                "practiceNotes",
                ui.textarea(_("Notes"), value=values.get("practiceNotes") or "")
                .props("outlined autogrow maxlength=10000")
                .classes("w-full"),
            )
        self._start_draft(values, start, log_id=log_id, base_version=base_version, session_id=session_id)
        if (sync := page_sync()) is not None:
            sync.listen(self.key, self._answered)

    def save_button(self, label: str = N_("Save"), **props: Any) -> ui.button:
        """A button that saves through the outbox: it works offline and never saves twice."""
        button = ui.button(_(label), icon=props.pop("icon", "check")).props("unelevated color=primary")
        button.on("click", js_handler=f"() => MirubatoForms.submit({json.dumps(self.key)})")
        return button

    def show_problems(self, error: InvalidInput) -> None:
        """Put each problem next to its field; the rest in a notification."""
        self.clear_problems()
        unplaced = []
        for problem in error.problems:
            widget = self.widgets.get(FIELD_OF_ERROR.get(problem.field, problem.field.split("[")[0]))
            if widget is not None and hasattr(widget, "error"):
                widget.error = problem.message[:1].upper() + problem.message[1:]
            else:
                unplaced.append(problem.message)
        if unplaced or not error.problems:
            ui.notify("; ".join(unplaced) or error.message, type="negative", multi_line=True)

    def clear_problems(self) -> None:
        for widget in self.widgets.values():
            if hasattr(widget, "error"):
                widget.error = None

    def value(self, name: str) -> Any:
        widget = self.widgets.get(name)
        return widget.value if widget is not None else None

    async def _answered(self, answer: ChangeResult) -> None:
        if answer.status == "rejected":
            problems = [FieldProblem(p.field, p.message) for p in answer.problems]
            self.show_problems(InvalidInput(problems=problems) if problems else InvalidInput("", answer.message or ""))
        elif answer.status == "applied":
            self.clear_problems()
        if self.on_answer is not None:
            outcome = self.on_answer(answer)
            if outcome is not None:
                await outcome

    def _add(self, name: str, widget: Any) -> Any:
        """Register a field and mirror every change of it into the browser-side draft."""
        self.widgets[name] = widget
        widget.on(
            "update:model-value", js_handler=f"(v) => MirubatoForms.set({json.dumps(self.key)}, {json.dumps(name)}, v)"
        )
        return widget

    def _mirror(self, name: str, value: Any) -> None:
        """Tell the draft about a value set from Python (the browser sends no event for those)."""
        ui.run_javascript(f"MirubatoForms.set({json.dumps(self.key)}, {json.dumps(name)}, {json.dumps(value)})")

    def _start_draft(
        self,
        values: dict[str, Any],
        start: datetime,
        *,
        log_id: str | None,
        base_version: int | None,
        session_id: str | None,
    ) -> None:
        draft = {name: widget.value for name, widget in self.widgets.items() if name != "sheetMusicId"}
        config = {
            "kind": "update" if base_version else "create",
            "logId": log_id or str(uuid.uuid4()),
            "fixedId": log_id is not None,
            "baseVersion": base_version,
            "sessionId": session_id,
            "timezone": self.timezone,
            "exactStart": start.isoformat(),
            "exactDuration": values.get("durationSeconds"),
            "options": {
                "activityType": list(ACTIVITY_LABELS),
                "instrument": list(INSTRUMENTS),
                "focusAreas": list(self.widgets["focusAreas"].options) if "focusAreas" in self.widgets else [],
            },
            "values": {**draft, "sheetMusicId": values.get("sheetMusicId")},
        }
        script = f"MirubatoForms.init({json.dumps(self.key)}, {json.dumps(config, default=str)})"
        if ui.context.client.has_socket_connection:
            ui.run_javascript(script)  # a form opened later, e.g. in a dialog
        else:
            # Built with the page: the draft must exist even if the connection drops before the handshake.
            ui.add_body_html(f"<script>{_script_safe(script)}</script>")

    def _piece_fields(self, values: dict[str, Any]) -> None:
        piece_id = str(values["sheetMusicId"]) if values.get("sheetMusicId") else None
        options = {piece_id: _piece_label(values)} if piece_id else {}
        self.piece = (
            ui.select(
                options,
                value=piece_id,
                with_input=True,
                clearable=True,
                label=_("Piece from the library (type to search)"),
            )
            .props("outlined use-input input-debounce=250 hide-selected fill-input")
            .classes("w-full")
        )
        self.piece.on("input-value", lambda e: self._search_pieces(e.args))
        self.piece.on_value_change(self._piece_chosen)
        with ui.row().classes("w-full gap-3"):
            composer = self._add(
                "composer",
                ui.input(_("Composer"), value=values.get("composer") or "", autocomplete=[])
                .props("outlined maxlength=200")
                .classes("grow"),
            )
            title = self._add(
                "workTitle",
                ui.input(_("Title"), value=values.get("workTitle") or "", autocomplete=[])
                .props("outlined maxlength=300")
                .classes("grow"),
            )
        self._add(
            "movementSection",
            ui.input(_("Movement or section"), value=values.get("movementSection") or "")
            .props("outlined maxlength=200")
            .classes("w-full"),
        )
        composer.on("update:model-value", lambda e: self._suggest_composers(e.args), throttle=0.4)
        title.on("update:model-value", lambda e: self._suggest_titles(e.args), throttle=0.4)

    def _rating(self, values: dict[str, Any]) -> None:
        with ui.column().classes("w-full gap-0"):
            ui.label(_("How did it go? (1 = struggled, 10 = excellent)")).classes("text-caption text-grey-7")
            # Empty until chosen: a rating nobody gave must not feed the rating trend.
            self._add("selfRating", RatingField(values.get("selfRating"), label=N_("Self-rating")))

    def _practice_fields(self, values: dict[str, Any]) -> None:
        with ui.row().classes("w-full gap-3"):
            self._add(
                "tempoPracticed",
                ui.number(_("Tempo practised (BPM)"), value=values.get("tempoPracticed"), min=1, max=400)
                .props("outlined")
                .classes("grow"),
            )
            self._add(
                "targetTempo",
                ui.number(_("Target tempo (BPM)"), value=values.get("targetTempo"), min=1, max=400)
                .props("outlined")
                .classes("grow"),
            )
            if self.me is not None:
                ui.button(_("Metronome"), icon="av_timer", on_click=self._open_metronome).props(
                    "outline color=primary data-testid=log-metronome"
                ).classes("self-center")
                # Translators: a button that opens the recorder (to record audio), not a noun.
                ui.button(_("Record"), icon="mic", on_click=self._open_recorder).props(
                    "outline color=primary data-testid=log-record"
                ).classes("self-center")
        focus_values = list(values.get("focusAreas") or [])
        self._add(
            "focusAreas",
            Select(
                list(dict.fromkeys([*FOCUS_AREAS, *focus_values])),
                value=focus_values,
                multiple=True,
                new_value_mode="add-unique",
                label=_("Focus areas"),
            )
            .props("outlined use-chips use-input")
            .classes("w-full"),
        )
        self._rating(values)
        with ui.expansion(_("Accuracy and recording"), icon="tune").classes("w-full"):
            with ui.row().classes("w-full gap-3"):
                self._add(
                    "accuracyPercentage",
                    ui.number(_("Accuracy %"), value=values.get("accuracyPercentage"), min=0, max=100)
                    .props("outlined")
                    .classes("grow"),
                )
                self._add(
                    "notesPlayed",
                    ui.number(_("Notes played"), value=values.get("notesPlayed"), min=0)
                    .props("outlined")
                    .classes("grow"),
                )
                self._add(
                    "notesCorrect",
                    ui.number(_("Notes correct"), value=values.get("notesCorrect"), min=0)
                    .props("outlined")
                    .classes("grow"),
                )
            self._add(
                "audioRecordingUrl",
                ui.input(_("Recording link (https://...)"), value=values.get("audioRecordingUrl") or "")
                .props("outlined")
                .classes("w-full"),
            )

    def _open_metronome(self) -> None:
        """The metronome for this log: its piece and tempo go in, the tempo reached comes back."""
        assert self.me is not None
        tempo, target = self.value("tempoPracticed"), self.value("targetTempo")
        title = (self.value("workTitle") or "").strip()
        piece = {"id": self.piece.value, "title": title, "composer": self.value("composer")} if title else None
        # Deleted once closed: its metronome stops with it.
        with page_dialog(delete_on_hide=True) as dialog, ui.card().classes("w-full max-w-xl"):
            PracticeTools(
                self.me,
                piece=piece,
                tempo=int(tempo or target or 0) or None,
                target=int(target) if target else None,
                tabs=("metronome",),
                on_practised=self._practised,
            )
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Done"), on_click=dialog.close).props("flat")

    def _open_recorder(self) -> None:
        """Record takes for this log: kept on the device, uploaded once the log is saved and synced."""
        assert self.me is not None
        # Deleted once closed: the microphone is released with it.
        with page_dialog(delete_on_hide=True) as dialog, ui.card().classes("w-full max-w-xl"):
            PracticeTools(self.me, tabs=("record",), form_key=self.key)
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Done"), on_click=dialog.close).props("flat")

    def _practised(self, practice: dict[str, Any]) -> None:
        """The metronome stopped: offer the tempo reached, and its target where none is set."""
        for name, value in (("tempoPracticed", practice.get("tempo")), ("targetTempo", practice.get("target"))):
            if not isinstance(value, int) or not 1 <= value <= 400:
                continue
            if name == "targetTempo" and self.value(name):
                continue
            self.widgets[name].value = value
            self._mirror(name, value)

    async def _search_pieces(self, text: Any) -> None:
        if not isinstance(text, str) or len(text.strip()) < 2:
            return
        page = await act(catalogue.list_pieces, write=False, query={"q": text, "limit": 15})
        options = {
            str(p.id): f"{p.composer}: {p.title}" + (f" ({p.catalog_number})" if p.catalog_number else "")
            for p in page.items
        }
        if self.piece.value and self.piece.value not in options and isinstance(self.piece.options, dict):
            options[self.piece.value] = self.piece.options.get(self.piece.value, "")
        self.piece.set_options(options, value=self.piece.value)

    async def _piece_chosen(self, event: Any) -> None:
        self._mirror("sheetMusicId", event.value or None)
        if not event.value:
            return
        piece = await act(catalogue.get_piece, write=False, piece_id=uuid.UUID(event.value))
        self.widgets["composer"].value, self.widgets["workTitle"].value = piece.composer or "", piece.title
        self._mirror("composer", piece.composer or "")
        self._mirror("workTitle", piece.title)
        target = self.widgets.get("targetTempo")
        if piece.suggested_tempo and target is not None and not target.value:
            target.value = piece.suggested_tempo
            self._mirror("targetTempo", piece.suggested_tempo)

    async def _suggest_composers(self, text: Any) -> None:
        if isinstance(text, str) and len(text) >= 2:
            self.widgets["composer"].set_autocomplete(await act(suggestions.composers, write=False, text=text))

    async def _suggest_titles(self, text: Any) -> None:
        if isinstance(text, str) and len(text) >= 2:
            self.widgets["workTitle"].set_autocomplete(
                await act(suggestions.titles, write=False, text=text, composer=self.widgets["composer"].value or None)
            )


def instrument_names() -> dict[str, str]:
    """The instruments as the musician reads them (INSTRUMENTS, translated)."""
    return {key: _(label) for key, label in INSTRUMENTS.items()}


def _script_safe(script: str) -> str:
    """Keep JSON inside a <script> element from ending it early."""
    return script.replace("</", "<\\/")


def _start_of(values: dict[str, Any], timezone: str) -> datetime:
    start = _parse_time(values.get("startTime"))
    if start is None:
        start = datetime.now(ZoneInfo(timezone)) - timedelta(seconds=values.get("durationSeconds") or 1800)
    return start.astimezone(ZoneInfo(timezone))


def _piece_label(values: dict[str, Any]) -> str:
    return f"{values.get('composer') or ''}: {values.get('workTitle') or ''}".strip(": ")


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def initial_from_log(log: Any) -> dict[str, Any]:
    """Form values from a stored log."""
    return log.model_dump(by_alias=True, mode="json")
