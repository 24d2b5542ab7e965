"""Settings: profile, preferences, your data, and your account."""

from __future__ import annotations

import json

from fastapi.responses import RedirectResponse
from nicegui import ui

from components.browser_sign_in import Me, act, forget_sign_in, sign_out
from components.feedback import page_dialog, show_error
from components.frame import frame
from components.page_route import signed_in_page
from services import account, users
from services.errors import InvalidInput, ServiceError
from services.validation import common_timezones

LEVELS = {
    "beginner": "Beginner",
    "intermediate": "Intermediate",
    "advanced": "Advanced",
    "professional": "Professional",
}


@signed_in_page("/settings")
async def settings_page(me: Me) -> RedirectResponse | None:
    with frame("Settings", me):
        _profile(me)
        _preferences(me)
        _data()
        _account(me)
    return None


def _profile(me: Me) -> None:
    profile = me.profile
    with ui.card().classes("w-full gap-3"):
        ui.label("Profile").classes("text-subtitle1 text-weight-medium")
        ui.label(profile.email).classes("text-grey-7")
        name = (
            ui.input("Name", value=profile.display_name or "")
            .props("outlined maxlength=100")
            .classes("w-full")
            .mark("settings-name")
        )
        with ui.row().classes("w-full gap-3"):
            instrument = ui.toggle({"piano": "Piano", "guitar": "Guitar"}, value=profile.primary_instrument)
            level = (
                ui.select(LEVELS, value=profile.skill_level, label="Skill level")
                .props("outlined dense")
                .classes("w-48")
            )
        zone = (
            ui.select(common_timezones(), value=profile.timezone, label="Time zone", with_input=True)
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
            ui.notify("Profile saved", type="positive")

        ui.button("Save profile", on_click=save).props("unelevated color=primary").mark("settings-save-profile")


def _preferences(me: Me) -> None:
    prefs = me.preferences
    with ui.card().classes("w-full gap-3"):
        ui.label("Preferences").classes("text-subtitle1 text-weight-medium")
        with ui.element("div").classes("w-full grid gap-3 grid-cols-1 sm:grid-cols-2"):
            theme = (
                ui.select(
                    {"auto": "Follow the device", "light": "Light", "dark": "Dark"}, value=prefs["theme"], label="Theme"
                )
                .props("outlined")
                .mark("settings-theme")
            )
            default = ui.select(
                {"piano": "Piano", "guitar": "Guitar"},
                value=prefs.get("defaultInstrument"),
                label="Default instrument for new logs",
                clearable=True,
            ).props("outlined")
            goal = ui.number("Daily goal (minutes)", value=prefs["dailyGoalMinutes"], min=1, max=720).props("outlined")
            reminder = ui.number(
                "Timer reminder every (minutes, 0 = off)", value=prefs["reminderMinutes"], min=0, max=240
            ).props("outlined")
            week = ui.select(
                {"monday": "Monday", "sunday": "Sunday"}, value=prefs["weekStartsOn"], label="Weeks start on"
            ).props("outlined")
            size = ui.select(
                {75: "Small", 100: "Normal", 125: "Large", 150: "Extra large"},
                value=prefs["notationSize"],
                label="Notation size",
            ).props("outlined")

        async def save() -> None:
            try:
                await act(
                    users.update_preferences,
                    data={
                        "theme": theme.value,
                        "defaultInstrument": default.value,
                        "dailyGoalMinutes": int(goal.value or 30),
                        "reminderMinutes": int(reminder.value or 0),
                        "weekStartsOn": week.value,
                        "notationSize": int(size.value or 100),
                    },
                )
            except InvalidInput as error:
                ui.notify(error.message, type="negative")
                return
            ui.notify("Preferences saved", type="positive")
            ui.navigate.reload()  # the theme applies to the whole frame

        ui.button("Save preferences", on_click=save).props("unelevated color=primary").mark("settings-save-prefs")


def _data() -> None:
    with ui.card().classes("w-full gap-3"):
        ui.label("Your data").classes("text-subtitle1 text-weight-medium")
        ui.label("Everything Mirubato keeps about you, to keep or to take elsewhere.").classes("text-grey-7")

        async def export_json() -> None:
            document = await act(account.export_account)
            ui.download.content(
                json.dumps(document, indent=2, ensure_ascii=False), "mirubato-export.json", "application/json"
            )

        async def export_csv() -> None:
            ui.download.content(await act(account.export_logs_csv, write=False), "mirubato-logs.csv", "text/csv")

        with ui.row().classes("gap-2"):
            ui.button("Export everything (JSON)", icon="download", on_click=export_json).props("outline").mark(
                "settings-export"
            )
            ui.button("Export logs (CSV)", icon="table_view", on_click=export_csv).props("outline")
            # A GET with this browser's own cookie: the zip streams from a file, takes can be large.
            ui.button(
                "Export with recordings (ZIP)",
                icon="folder_zip",
                on_click=lambda: ui.download.from_url("/api/users/me/export.zip"),
            ).props("outline").mark("settings-export-zip")


def _account(me: Me) -> None:
    with ui.card().classes("w-full gap-3"):
        ui.label("Account").classes("text-subtitle1 text-weight-medium")
        with ui.row().classes("gap-2"):
            ui.button(
                "Sign out everywhere", icon="devices_other", on_click=lambda: sign_out(me.actor, everywhere=True)
            ).props("outline").mark("settings-sign-out-everywhere")
            ui.button("Delete my account", icon="delete_forever", on_click=lambda: _confirm_delete(me)).props(
                "outline color=negative"
            ).mark("settings-delete")


def _confirm_delete(me: Me) -> None:
    with page_dialog() as dialog, ui.card().classes("max-w-md"):
        ui.label("Delete your account?").classes("text-h6")
        ui.label(
            "Your logs, sessions, repertoire and settings are deleted for good. Export them first if you "
            "want to keep them. Type your email address to confirm."
        )
        typed = ui.input("Email address").props("outlined").classes("w-full").mark("delete-confirm-email")

        async def delete() -> None:
            if (typed.value or "").strip().lower() != me.profile.email:
                typed.error = "Type your email address exactly to confirm."
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
            ui.button("Keep my account", on_click=dialog.close).props("flat")
            ui.button("Delete for good", on_click=delete).props("unelevated color=negative").mark("delete-confirm")
