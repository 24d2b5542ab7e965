"""Settings: profile, preferences, your data, and your account."""

from __future__ import annotations

import json

from fastapi.responses import RedirectResponse
from nicegui import app, ui

from components.browser_sign_in import Me, act, forget_sign_in, sign_out
from components.feedback import page_dialog, show_error
from components.frame import frame
from components.page_route import signed_in_page
from components.plan_editor import DAYS, weekday_chips
from services import account, calendar_feed, reminders, users
from services.calendar_feed import FeedOut
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
        await _reminders()
        await _calendar()
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
            quiet = ui.switch("Quiet mode: no levels, XP or achievements", value=bool(prefs.get("quietMode"))).mark(
                "settings-quiet"
            )
            streaks = ui.switch("Show streaks", value=bool(prefs.get("showStreaks", True))).mark("settings-streaks")

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
                        "quietMode": bool(quiet.value),
                        "showStreaks": bool(streaks.value),
                    },
                )
            except InvalidInput as error:
                ui.notify(error.message, type="negative")
                return
            ui.notify("Preferences saved", type="positive")
            ui.navigate.reload()  # the theme applies to the whole frame

        ui.button("Save preferences", on_click=save).props("unelevated color=primary").mark("settings-save-prefs")


async def _reminders() -> None:
    current = await act(reminders.get_reminders, write=False)
    chosen: set[str] = set(current.days)
    with ui.card().classes("w-full gap-3").mark("settings-reminders"):
        ui.label("Practice reminders").classes("text-subtitle1 text-weight-medium")
        ui.label("Only on days you have not practised yet, at your local time.").classes("text-grey-7")
        enabled = ui.switch("Remind me", value=current.enabled).mark("reminders-enabled")
        with ui.row().classes("w-full items-center gap-3"):
            at = (
                ui.input("At", value=current.at_time.strftime("%H:%M"))
                .props("outlined type=time")
                .mark("reminders-time")
            )
            by_email = ui.checkbox("By email", value=current.by_email)
            by_push = ui.checkbox("On this device (notification)", value=current.by_push).mark("reminders-push")
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
            ui.notify("Reminders saved", type="positive")

        ui.button("Save reminders", on_click=save).props("unelevated color=primary").mark("reminders-save")


def _devices(count: int) -> str:
    return f"Notifications go to {count} device{'s' if count != 1 else ''}." if count else ""


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
        ui.notify("This browser did not allow notifications; reminders will come by email.", type="warning")
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
        ui.label("Calendar").classes("text-subtitle1 text-weight-medium")
        ui.label(
            "Subscribe to your plans from Google, Apple or any calendar. The address is private: "
            "anyone who has it sees your plans. Make a new one to stop the old one."
        ).classes("text-grey-7")
        box = ui.column().classes("w-full gap-2")

        async def show(feed: FeedOut) -> None:
            box.clear()
            with box:
                if feed.url:
                    ui.input("Calendar address", value=feed.url).props("outlined readonly").classes("w-full").mark(
                        "calendar-url"
                    )
                with ui.row().classes("gap-2"):
                    ui.button("New address" if feed.url else "Make an address", on_click=renew).props(
                        "outline no-caps color=primary"
                    ).mark("calendar-new")
                    if feed.url:
                        ui.button("Turn off", on_click=revoke).props("flat no-caps color=negative")

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
