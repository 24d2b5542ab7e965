"""The app frame: header, navigation (drawer on desktop, bottom bar on phones), theme, shortcuts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from html import escape

from nicegui import events, ui

from components import html_rows
from components.browser_sign_in import Me, sign_out
from components.connection_badge import ConnectionBadge
from components.feedback import page_dialog
from components.outbox_sync import install_page_sync
from components.static_assets import HEAD, page_identity
from core.i18n import N_, _, pgettext
from services.users import Role

# Labels are marked (N_) here and translated where shown: the language is not known at import.
NAV = [
    (N_("Dashboard"), "/", "space_dashboard"),
    (N_("Timer"), "/timer", "timer"),
    (N_("Plans"), "/plans", "event_repeat"),
    (N_("Metronome and tuner"), "/tools", "av_timer"),
    (N_("New log"), "/log/new", "edit_note"),
    (N_("History"), "/history", "history"),
    (N_("Library"), "/library", "library_music"),
    (N_("Repertoire"), "/repertoire", "queue_music"),
    (N_("Progress"), "/progress", "insights"),
    (N_("Share with a teacher"), "/sharing", "share"),
    (N_("Settings"), "/settings", "settings"),
]
STUDIO = (N_("Studio"), "/studio", "groups")  # for teachers (and admins), above Settings
ADMIN = (N_("Admin"), "/admin", "admin_panel_settings")  # for admins, above Settings
PHONE_NAV = ["Dashboard", "Timer", "History", "Library", "Progress"]  # NAV's English labels, as keys
SHORTCUTS = {
    "t": ("/timer", N_("Practice timer")),
    "n": ("/log/new", N_("New log")),
    "/": ("/library", N_("Search the library")),
    "h": ("/history", N_("History")),
    "d": ("/", N_("Dashboard")),
    "r": ("/repertoire", N_("Repertoire")),
    "p": ("/progress", N_("Progress")),
}
PAGE_KEYS = [
    ("space", N_("Start, pause or resume the timer (timer page); start or stop the metronome (tools page)")),
    ("m", N_("Start or stop the metronome (timer and tools pages)")),
    ("← →", N_("Metronome tempo 1 slower or faster")),
    ("↓ ↑", N_("Metronome tempo 5 slower or faster")),
    ("b", N_("Tap the tempo")),
]
THEMES = {"dark": True, "light": False, "auto": None}

PRIMARY = "#4f46b8"


@contextmanager
def frame(title: str, me: Me, *, shortcuts: Mapping[str, Callable[[], object]] | None = None) -> Iterator[None]:
    """Wrap a page's content in the app frame; ``shortcuts`` add page keys over the global ones."""
    ui.page_title(f"{title} · Mirubato")
    # Before the offline script: it tags what this page queues with the user and corrects the clock.
    ui.add_head_html(page_identity(str(me.actor.id), me.actor.timezone, time.time()))
    ui.add_head_html(HEAD)
    install_page_sync()
    ui.dark_mode(THEMES.get(me.preferences.get("theme", "auto")))
    ui.colors(primary=PRIMARY, secondary="#0f766e", accent="#b45309")
    ui.add_css(_CSS)
    _header(me)
    _drawer(me)
    _phone_nav()
    _keyboard(shortcuts or {})
    with ui.column().classes("mirubato-page w-full max-w-5xl mx-auto q-pa-md gap-4") as content:
        # The page's content is its <main> landmark, headed by an <h1>: what screen readers jump between.
        content.tag = "main"
        content.props('id=main tabindex="-1"')
        heading = ui.label(title).classes("text-h5 text-weight-medium q-my-none").mark("page-title")
        heading.tag = "h1"
        yield


def _header(me: Me) -> None:
    account_menu = _("Account menu")
    with ui.header().classes("items-center q-px-md q-py-xs bg-primary"):
        # Static markup as one element (it grows to push what follows to the right, as ui.space did).
        ui.html(_brand(_("Skip to content")), sanitize=False).classes("q-space row items-center no-wrap")
        ConnectionBadge().classes("text-white q-mr-sm").mark("connection")
        with (
            ui.button(icon="account_circle")
            .props(f'flat round color=white aria-label="{account_menu}"')
            .mark("user-menu"),
            ui.menu(),
        ):
            ui.menu_item(me.profile.display_name or me.profile.email).props("disable")
            ui.menu_item(_("Settings"), on_click=lambda: ui.navigate.to("/settings"))
            ui.menu_item(_("Keyboard shortcuts"), on_click=_shortcut_help)
            ui.separator()
            ui.menu_item(_("Sign out"), on_click=lambda: _sign_out(me)).mark("sign-out")


def _brand(skip: str) -> str:
    """The skip link and the app's name as the markup ui.link, ui.icon and ui.label make: one element
    instead of five on every page (see _link)."""
    name = html_rows.icon("music_note", "white", size="24px") + html_rows.text("Mirubato", "text-h6 text-weight-bold")
    return (
        # The first stop of the Tab key: past the header and the navigation, straight to the page.
        f'<a href="#main" class="nicegui-link mirubato-skip">{escape(skip)}</a>'
        + html_rows.link_row("/", name, "items-center no-wrap text-white no-underline gap-1")
    )


def _nav(me: Me) -> list[tuple[str, str, str]]:
    extra = [STUDIO] if me.profile.role in (Role.TEACHER, Role.ADMIN) else []
    extra += [ADMIN] if me.profile.role == Role.ADMIN else []
    return [*NAV[:-1], *extra, NAV[-1]]


def _drawer(me: Me) -> None:
    # value=None: open beside the page on wide screens, absent on phones (they get the bottom bar).
    with ui.left_drawer(value=None, bordered=True).props("width=220 breakpoint=1023").classes("q-pa-sm"):
        links = "".join(
            _link(target, icon, _(label), "mirubato-nav row items-center no-wrap gap-3 q-pa-sm rounded")
            for label, target, icon in _nav(me)
        )
        # Translators: how screen readers name the main navigation (the list of the app's pages).
        main = pgettext("navigation", "Main")
        ui.html(links, sanitize=False, tag="nav").classes("nicegui-column").props(f'aria-label="{main}"')


def _phone_nav() -> None:
    # Colours from our own CSS (_CSS), not Quasar's bg-white/text-grey-9: those are !important inside
    # NiceGUI's cascade layers, which beats any !important of ours, so the bar stayed white in dark mode.
    with ui.footer().classes("lt-md mirubato-phone-nav q-pa-none"):
        links = "".join(
            _link(target, icon, _(label), "column items-center q-py-xs no-underline", "text-caption")
            for label, target, icon in [item for item in NAV if item[0] in PHONE_NAV]
        )
        main = pgettext("navigation", "Main")
        ui.html(links, sanitize=False, tag="nav").classes("nicegui-row w-full justify-around no-wrap").props(
            f'aria-label="{main}"'
        )


def _link(target: str, icon: str, label: str, classes: str, label_classes: str = "") -> str:
    """A navigation link as the markup ui.link, ui.icon and ui.label make, without their three elements.

    Every page carries the same navigation twice (drawer and phone bar); as elements it was a
    third of the elements of a page, each of them created, tracked and sent for every page load.
    """
    return (
        f'<a href="{escape(target)}" class="nicegui-link {classes}">'
        f'<i class="q-icon notranslate material-icons" aria-hidden="true" style="font-size: 24px;">{escape(icon)}</i>'
        f'<div class="{label_classes}">{escape(label)}</div></a>'
    )


def _keyboard(extra: Mapping[str, Callable[[], object]]) -> None:
    def handle(event: events.KeyEventArguments) -> None:
        if not event.action.keydown or event.action.repeat or event.modifiers.ctrl or event.modifiers.meta:
            return
        key = str(event.key.name)
        if key in extra:
            extra[key]()
        elif key in SHORTCUTS:
            ui.navigate.to(SHORTCUTS[key][0])
        elif key == "?":
            _shortcut_help()

    ui.keyboard(on_key=handle, ignore=["input", "select", "button", "textarea"])


def _shortcut_help() -> None:
    with page_dialog() as dialog, ui.card():
        ui.label(_("Keyboard shortcuts")).classes("text-h6")
        for key, (_target, label) in SHORTCUTS.items():
            with ui.row().classes("items-center gap-3"):
                ui.badge(key).props("outline")
                ui.label(_(label))
        for key, label in PAGE_KEYS:
            with ui.row().classes("items-center gap-3"):
                # Translators: the space bar, on a key cap in the list of keyboard shortcuts.
                name = pgettext("keyboard key", "space") if key == "space" else key
                ui.badge(name).props("outline")
                ui.label(_(label))
        ui.button(_("Close"), on_click=dialog.close).props("flat")


async def _sign_out(me: Me) -> None:
    await sign_out(me.actor)


_CSS = """
.mirubato-nav { color: inherit; text-decoration: none; }
.mirubato-nav:hover { background: rgba(79, 70, 184, 0.08); }
.mirubato-phone-nav { background: #fff; color: #212121; }
.mirubato-phone-nav a { color: inherit; }
.body--dark .mirubato-phone-nav { background: #1d1d1d; color: #eee; }
.mirubato-connection { display: inline-flex; align-items: center; font-size: 0.8rem; opacity: 0.95; }
.mirubato-connection[data-state="offline"], .mirubato-connection[data-state="attention"] { color: #fde68a; }
.mirubato-page { padding-bottom: 88px; }
.mirubato-skip { position: absolute; left: -10000px; top: 4px; }
.mirubato-skip:focus { left: 8px; z-index: 10000; padding: 8px 12px; background: #fff; color: #1a1a1a; }
/* A focus ring that shows on both themes wherever the keyboard is (Quasar's own is a faint overlay). */
a:focus-visible, button:focus-visible, [tabindex]:focus-visible, input:focus-visible, select:focus-visible,
textarea:focus-visible, .q-btn:focus-visible, .q-item:focus-visible, .q-tab:focus-visible, .q-chip:focus-visible {
  outline: 3px solid #f59e0b !important; outline-offset: 2px;
}
#main:focus-visible { outline: none !important; }
/* A chip written as HTML (components.html_rows) has no q-chip--dark class: its icon takes the
   text's colour, as Quasar's dark chips do. */
.body--dark .q-chip__icon { color: inherit; }
/* Contrast AA (4.5:1) for the muted greys and the brand colour on both themes (axe-core checks it). */
/* In NiceGUI's 'overrides' layer: an !important there beats Quasar's colour classes (layer quasar_importants). */
@layer overrides {
  .body--light .text-grey-5, .body--light .text-grey-6 { color: #666 !important; }
  .body--dark .text-grey-6, .body--dark .text-grey-7, .body--dark .text-grey-8 { color: #ababab !important; }
  .body--dark .text-primary, .body--dark .q-btn.text-primary { color: #aaa5f7 !important; }
  .body--dark .q-chip--outline.text-grey-8 { color: #bdbdbd !important; }
  .body--dark .text-negative { color: #ff8a80 !important; }
}
@media (min-width: 1024px) { .mirubato-page { padding-bottom: 24px; } }
"""
