"""Settings: profile, preferences, your data, and your account."""

from __future__ import annotations

import json

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from components.browser_sign_in import Me, act, forget_sign_in, sign_out
from components.feedback import page_dialog, show_error
from components.frame import frame
from components.linked_accounts import linked_accounts
from components.page_route import signed_in_page
from components.plan_editor import DAYS, weekday_chips
from core import i18n
from core.i18n import N_, _, ngettext
from services import account, calendar_feed, reminders, users
from services.calendar_feed import FeedOut
from services.errors import InvalidInput, ServiceError
from services.validation import common_timezones

LEVELS = {
    "beginner": N_("Beginner"),
    "intermediate": N_("Intermediate"),
    "advanced": N_("Advanced"),
    "professional": N_("Professional"),
}


@signed_in_page("/settings")
async def settings_page(me: Me) -> RedirectResponse | None:
    with frame(_("Settings"), me):
        _profile(me)
        _preferences(me)
        await _reminders()
        await _calendar()
        await linked_accounts()
        _data()
        _account(me)
    return None


def _profile(me: Me) -> None:
    profile = me.profile
    with ui.card().classes("w-full gap-3"):
        ui.label(_("Profile")).classes("text-subtitle1 text-weight-medium")
        ui.label(profile.email).classes("text-grey-7")
        name = (
            ui.input(_("Name"), value=profile.display_name or "")
            .props("outlined maxlength=100")
            .classes("w-full")
            .mark("settings-name")
        )
        with ui.row().classes("w-full gap-3"):
            instrument = ui.toggle({"piano": _("Piano"), "guitar": _("Guitar")}, value=profile.primary_instrument)
            levels = {code: _(label) for code, label in LEVELS.items()}
            level = (
                ui.select(levels, value=profile.skill_level, label=_("Skill level"))
                .props("outlined dense")
                .classes("w-48")
            )
        zone = (
            ui.select(common_timezones(), value=profile.timezone, label=_("Time zone"), with_input=True)
            .props("outlined")
            .classes("w-full")
            .mark("settings-zone")
        )

        async def save() -> None:
            try:
                await act(
                    users.update_profile,
                    data={
                        "displayName": name.value or None,
                        "timezone": zone.value,
                        "primaryInstrument": instrument.value,
                        "skillLevel": level.value,
                    },
                )
            except InvalidInput as error:
                name.error = next((p.message for p in error.problems if p.field == "displayName"), None)
                zone.error = next((p.message for p in error.problems if p.field == "timezone"), None)
                return
            ui.notify(_("Profile saved"), type="positive")

        ui.button(_("Save profile"), on_click=save).props("unelevated color=primary").mark("settings-save-profile")


def _preferences(me: Me) -> None:
    prefs = me.preferences
    with ui.card().classes("w-full gap-3"):
        ui.label(_("Preferences")).classes("text-subtitle1 text-weight-medium")
        with ui.element("div").classes("w-full grid gap-3 grid-cols-1 sm:grid-cols-2"):
            theme = (
                ui.select(
                    {"auto": _("Follow the device"), "light": _("Light"), "dark": _("Dark")},
                    value=prefs["theme"],
                    label=_("Theme"),
                )
                .props("outlined")
                .mark("settings-theme")
            )
            # Each language is named in itself, so anyone can find their own.
            languages = {"auto": _("Follow the browser"), **i18n.LANGUAGE_NAMES}
            chosen = prefs.get("language", "auto")
            language = (
                ui.select(languages, value=chosen if chosen in languages else "auto", label=_("Language"))
                .props("outlined")
                .mark("settings-language")
            )
            note_systems = {
                "auto": _("As my language names them"),
                "letters": _("Letters: C D E F G A B"),
                "german": _("German letters: C D E F G A H"),
                "solfege": _("Solfège: do ré mi fa sol la si"),
            }
            chosen_notes = prefs.get("noteNames", "auto")
            note_names = (
                ui.select(
                    note_systems, value=chosen_notes if chosen_notes in note_systems else "auto", label=_("Note names")
                )
                .props("outlined")
                .mark("settings-note-names")
            )
            default = ui.select(
                {"piano": _("Piano"), "guitar": _("Guitar")},
                value=prefs.get("defaultInstrument"),
                label=_("Default instrument for new logs"),
                clearable=True,
            ).props("outlined")
            goal = ui.number(_("Daily goal (minutes)"), value=prefs["dailyGoalMinutes"], min=1, max=720).props(
                "outlined"
            )
            reminder = ui.number(
                _("Timer reminder every (minutes, 0 = off)"), value=prefs["reminderMinutes"], min=0, max=240
            ).props("outlined")
            week = ui.select(
                {"monday": _("Monday"), "sunday": _("Sunday")}, value=prefs["weekStartsOn"], label=_("Weeks start on")
            ).props("outlined")
            size = ui.select(
                {75: _("Small"), 100: _("Normal"), 125: _("Large"), 150: _("Extra large")},
                value=prefs["notationSize"],
                label=_("Notation size"),
            ).props("outlined")
            quiet = ui.switch(_("Quiet mode: no levels, XP or achievements"), value=bool(prefs.get("quietMode"))).mark(
                "settings-quiet"
            )
            streaks = ui.switch(_("Show streaks"), value=bool(prefs.get("showStreaks", True))).mark("settings-streaks")

        async def save() -> None:
            try:
                await act(
                    users.update_preferences,
                    data={
                        "theme": theme.value,
                        "language": language.value,
                        "noteNames": note_names.value,
                        "defaultInstrument": default.value,
                        "dailyGoalMinutes": int(goal.value or 30),
                        "reminderMinutes": int(reminder.value or 0),
                        "weekStartsOn": week.value,
                        "notationSize": int(size.value or 100),
                        "quietMode": bool(quiet.value),
                        "showStreaks": bool(streaks.value),
                    },
                )
            except InvalidInput as error:
                ui.notify(error.message, type="negative")
                return
            ui.notify(_("Preferences saved"), type="positive")
            ui.navigate.reload()  # the theme and the language apply to the whole frame

        ui.button(_("Save preferences"), on_click=save).props("unelevated color=primary").mark("settings-save-prefs")


async def _reminders() -> None:
    current = await act(reminders.get_reminders, write=False)
    chosen: set[str] = set(current.days)
    with ui.card().classes("w-full gap-3").mark("settings-reminders"):
        ui.label(_("Practice reminders")).classes("text-subtitle1 text-weight-medium")
        ui.label(_("Only on days you have not practised yet, at your local time.")).classes("text-grey-7")
        enabled = ui.switch(_("Remind me"), value=current.enabled).mark("reminders-enabled")
        with ui.row().classes("w-full items-center gap-3"):
            at = (
                ui.input(_("At"), value=current.at_time.strftime("%H:%M"))
                .props("outlined type=time")
                .mark("reminders-time")
            )
            by_email = ui.checkbox(_("By email"), value=current.by_email)
            by_push = ui.checkbox(_("On this device (notification)"), value=current.by_push).mark("reminders-push")
        weekday_chips(chosen)
        devices = ui.label(_devices(current.push_devices)).classes("text-caption text-grey-7")

        async def save() -> None:
            if by_push.value:
                await _subscribe_this_device(devices)
            try:
                saved = await act(
                    reminders.set_reminders,
                    data={
                        "enabled": enabled.value,
                        "atTime": at.value,
                        "days": sorted(chosen, key=list(DAYS).index),
                        "byEmail": by_email.value,
                        "byPush": by_push.value,
                    },
                )
            except InvalidInput as error:
                ui.notify(error.message, type="negative")
                return
            devices.set_text(_devices(saved.push_devices))
            ui.notify(_("Reminders saved"), type="positive")

        ui.button(_("Save reminders"), on_click=save).props("unelevated color=primary").mark("reminders-save")


def _devices(count: int) -> str:
    return ngettext("Notifications go to {n} device.", "Notifications go to {n} devices.", count) if count else ""


async def _subscribe_this_device(devices: ui.label) -> None:
    """Ask the browser for a push subscription (it asks the musician) and keep it."""
    key = app.state.vapid_public_key
    try:
        subscription = await ui.run_javascript(
            f"MirubatoPush.supported() ? MirubatoPush.subscribe({json.dumps(key)}) : null", timeout=60
        )
    except Exception:  # the musician refused, or the browser has no push service
        subscription = None
    if not subscription:
        ui.notify(_("This browser did not allow notifications; reminders will come by email."), type="warning")
        return
    try:
        saved = await act(reminders.add_push_subscription, data=subscription)
    except ServiceError as error:
        ui.notify(error.message, type="warning")
        return
    devices.set_text(_devices(saved.push_devices))


async def _calendar() -> None:
    state = app.state
    with ui.card().classes("w-full gap-3").mark("settings-calendar"):
        ui.label(_("Calendar")).classes("text-subtitle1 text-weight-medium")
        ui.label(
            _(
                "Subscribe to your plans from Google, Apple or any calendar. The address is private: "
                "anyone who has it sees your plans. Make a new one to stop the old one."
            )
        ).classes("text-grey-7")
        box = ui.column().classes("w-full gap-2")

        async def show(feed: FeedOut) -> None:
            box.clear()
            with box:
                if feed.url:
                    ui.input(_("Calendar address"), value=feed.url).props("outlined readonly").classes("w-full").mark(
                        "calendar-url"
                    )
                with ui.row().classes("gap-2"):
                    ui.button(_("New address") if feed.url else _("Make an address"), on_click=renew).props(
                        "outline no-caps color=primary"
                    ).mark("calendar-new")
                    if feed.url:
                        ui.button(_("Turn off"), on_click=revoke).props("flat no-caps color=negative")

        async def renew() -> None:
            await show(await act(calendar_feed.new_feed, links=state.feed_links, base_url=state.settings.base_url))

        async def revoke() -> None:
            await act(calendar_feed.revoke_feed)
            await show(FeedOut(url=None, created_at=None))

        await show(
            await act(calendar_feed.current_feed, write=False, links=state.feed_links, base_url=state.settings.base_url)
        )


def _data() -> None:
    with ui.card().classes("w-full gap-3"):
        ui.label(_("Your data")).classes("text-subtitle1 text-weight-medium")
        ui.label(_("Everything Mirubato keeps about you, to keep or to take elsewhere.")).classes("text-grey-7")

        async def export_json() -> None:
            document = await act(account.export_account)
            ui.download.content(
                json.dumps(document, indent=2, ensure_ascii=False), "mirubato-export.json", "application/json"
            )

        async def export_csv() -> None:
            ui.download.content(await act(account.export_logs_csv, write=False), "mirubato-logs.csv", "text/csv")

        with ui.row().classes("gap-2"):
            ui.button(_("Export everything (JSON)"), icon="download", on_click=export_json).props("outline").mark(
                "settings-export"
            )
            ui.button(_("Export logs (CSV)"), icon="table_view", on_click=export_csv).props("outline")
            # A GET with this browser's own cookie: the zip streams from a file, takes can be large.
            ui.button(
                _("Export with recordings (ZIP)"),
                icon="folder_zip",
                on_click=lambda: ui.download.from_url("/api/users/me/export.zip"),
            ).props("outline").mark("settings-export-zip")
            ui.button(
                _("Import practice history"), icon="upload_file", on_click=lambda: ui.navigate.to("/import")
            ).props("outline").mark("settings-import")


def _account(me: Me) -> None:
    with ui.card().classes("w-full gap-3"):
        ui.label(_("Account")).classes("text-subtitle1 text-weight-medium")
        with ui.row().classes("gap-2"):
            ui.button(
                _("Sign out everywhere"), icon="devices_other", on_click=lambda: sign_out(me.actor, everywhere=True)
            ).props("outline").mark("settings-sign-out-everywhere")
            ui.button(_("Delete my account"), icon="delete_forever", on_click=lambda: _confirm_delete(me)).props(
                "outline color=negative"
            ).mark("settings-delete")


def _confirm_delete(me: Me) -> None:
    with page_dialog() as dialog, ui.card().classes("max-w-md"):
        ui.label(_("Delete your account?")).classes("text-h6")
        ui.label(
            _(
                "Your logs, sessions, repertoire and settings are deleted for good. Export them first if you "
                "want to keep them. Type your email address to confirm."
            )
        )
        typed = ui.input(_("Email address")).props("outlined").classes("w-full").mark("delete-confirm-email")

        async def delete() -> None:
            if (typed.value or "").strip().lower() != me.profile.email:
                typed.error = _("Type your email address exactly to confirm.")
                return
            try:
                await act(account.delete_account)
            except ServiceError as error:
                show_error(error)
                return
            forget_sign_in()  # this browser's now; the others' went after the commit (core.effects)
            ui.run_javascript(f"Mirubato.signedOut({json.dumps(str(me.actor.id))})")  # its other tabs too
            ui.navigate.to("/login?problem=deleted")

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Keep my account"), on_click=dialog.close).props("flat")
            ui.button(_("Delete for good"), on_click=delete).props("unelevated color=negative").mark("delete-confirm")
