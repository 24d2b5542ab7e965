"""Wiring only: build the application for a given configuration and serve it."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from nicegui import App, Client, background_tasks, run, ui
from nicegui import app as nicegui_app
from nicegui.storage import Storage

from app import __version__
from app.api import api_routes, has_middleware, has_route, install_api
from app.api.openapi import install_openapi
from app.logging_setup import configure_logging
from components import language
from core import metrics, schema
from core.db import Database
from core.effects import BrowsersForgotten, InvitationMailed, LogsChanged, SignInLinkRequested
from core.models import utcnow
from core.security import AccessTokens, SignedLinks
from core.settings import Settings
from pages import install_pages
from services import takes
from services.adapters.chart_images import find_browser
from services.adapters.mail import Mailer, SmtpConfig, deliver_share_invite, deliver_sign_in_link
from services.adapters.redis_windows import RedisWindows
from services.adapters.take_store import store_for
from services.adapters.web_push import PushOutcome, PushTarget, send_push
from services.auth import AuthConfig
from services.catalogue_seed import seed_if_empty
from services.progress_tracking import rebuild_progress, users_without_progress
from services.rate_limits import Limits, RateLimiter
from services.reminders import Couriers, send_due_reminders
from services.sharing import InviteLinks
from services.takes import MB, TakeShelf
from web import gc_tuning, handler_signatures, idle_outbox, lean_observables, nicegui_middleware, page_escape
from web.browser_storage import forget_browsers
from web.events import logs_changed, on_event_loop
from web.security_headers import SecurityHeaders, install_socket_origin_check, storage_cookie_options

log = logging.getLogger(__name__)


def _gzip(app: Any) -> GZipMiddleware:
    # Starlette's default level is 9: twice the CPU of level 5 for under 1% fewer bytes here
    # (Quasar's 491 kB script 21 -> 12 ms, 151 -> 152 kB; a progress page 1.7 -> 1.1 ms, 14 -> 15 kB).
    return GZipMiddleware(app, minimum_size=500, compresslevel=5)


def create_app(settings: Settings, database: Database | None = None) -> App:
    """NiceGUI's app with our database, migrations applied, API and pages installed."""
    handler_signatures.install()
    lean_observables.install()  # before any element is built
    page_escape.install()
    language.install()
    database = database or Database(
        settings.resolved_database_url,
        synchronous=settings.sqlite_synchronous,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )
    schema.upgrade(database)
    if settings.seed_on_start:
        with database.transaction() as session:
            added = seed_if_empty(session)
        if added:
            log.info("catalogue was empty: loaded %d pieces", added)
    _build_missing_progress(database)
    nicegui_app.state.settings = settings
    nicegui_app.state.database = database
    _measure(database)
    _install_services(nicegui_app, settings)
    nicegui_app.state.takes = take_shelf(settings, database)
    _follow_commits(database, nicegui_app.state.mailer, nicegui_app.state.takes)
    _remind(nicegui_app, settings, database)
    _secure(nicegui_app, settings)
    _describe_api(nicegui_app)
    install_api(nicegui_app)
    install_pages()
    return nicegui_app


def serve(settings: Settings) -> None:
    """Create the app and run the server until interrupted."""
    configure_logging(settings)
    if "NICEGUI_STORAGE_PATH" not in os.environ:
        # Per-browser storage lives with the rest of the data, not in the working directory.
        Storage.path = (settings.data_dir / "nicegui").resolve()
    app = create_app(settings)
    app.on_shutdown(app.state.database.dispose)
    log.info(
        "Mirubato %s on http://%s:%d (database: %s)",
        __version__,
        settings.host,
        settings.port,
        app.state.database.engine.url.render_as_string(hide_password=True),
    )
    app.on_startup(gc_tuning.tune_for_serving)
    # Workers for run.cpu_bound (notation) start fresh instead of as forks of the server: a fork
    # inherits every open client socket, so a connection the server closed stayed open in the
    # worker, unread; a browser reusing it waited forever for a page (seen after a piece's page).
    run.process_pool_start_method = "spawn"
    nicegui_middleware.install()  # before ui.run, which adds the middlewares
    idle_outbox.install()
    ui.run(
        host=settings.host,
        port=settings.port,
        title="Mirubato",
        storage_secret=storage_secret(settings),
        reload=False,
        show=False,
        show_welcome_message=False,
        uvicorn_logging_level=settings.log_level.lower(),
        gzip_middleware_factory=_gzip,
        session_middleware_kwargs=storage_cookie_options(
            base_url=settings.base_url, days=settings.browser_session_days
        ),
    )


def _measure(database: Database) -> None:
    metrics.time_statements(database.engine)
    metrics.time_gc_pauses()
    metrics.count_clients(lambda: len(Client.instances))


def _build_missing_progress(database: Database) -> None:
    """Users whose logs predate progress tracking, or the practice days, get them built once, at the
    first start after upgrading (a user at a time, before the app serves: 170-280 ms for a musician
    with 20,000 logs on SQLite)."""
    with database.transaction(write=False) as session:
        missing = users_without_progress(session)
    for user_id in missing:
        with database.transaction() as session:
            rebuild_progress(session, user_id)
    if missing:
        log.info("built progress from the logs of %d users", len(missing))


def take_shelf(settings: Settings, database: Database) -> TakeShelf:
    """Where this deployment keeps recorded takes, and how big they may be."""
    store = store_for(settings.take_storage, is_sqlite=database.is_sqlite, data_dir=settings.data_dir)
    return TakeShelf(
        store=store,
        max_bytes=settings.take_max_mb * MB,
        quota_bytes=settings.take_quota_mb * MB,
        max_ms=settings.take_max_minutes * 60_000,
    )


def storage_secret(settings: Settings) -> str:
    """A key for NiceGUI's signed session cookie, derived so it never equals the JWT secret."""
    return hashlib.sha256(b"nicegui-storage:" + settings.resolved_secret_key.encode()).hexdigest()


def _secure(app: FastAPI, settings: Settings) -> None:
    """Security headers on every response (once per app build) and the websocket's Origin check."""
    install_socket_origin_check(settings.base_url)
    if not has_middleware(app, SecurityHeaders):
        app.add_middleware(SecurityHeaders)


def _install_services(app: FastAPI, settings: Settings) -> None:
    """What request handlers and pages share: limits, token signer, sign-in settings, mailer."""
    app.state.limiter = RateLimiter(
        Limits(
            login_per_address=settings.rate_login_per_address,
            login_per_ip=settings.rate_login_per_ip,
            verify_per_ip=settings.rate_verify_per_ip,
            writes_per_user=settings.rate_writes_per_user,
            reads_per_user=settings.rate_reads_per_user,
            mail_per_recipient=settings.rate_mail_per_recipient,
            invites_per_user=settings.rate_invites_per_user,
        ),
        windows=RedisWindows(Storage.redis_url) if Storage.redis_url else None,
    )
    app.state.access_tokens = AccessTokens(
        settings.resolved_secret_key,
        issuer=settings.base_url,
        lifetime=timedelta(minutes=settings.access_token_minutes),
    )
    app.state.auth_config = AuthConfig(
        base_url=settings.base_url,
        link_lifetime=timedelta(minutes=settings.login_link_minutes),
        refresh_lifetime=timedelta(days=settings.refresh_token_days),
        browser_lifetime=timedelta(days=settings.browser_session_days),
        refresh_reuse_grace=timedelta(seconds=settings.refresh_reuse_grace_seconds),
    )
    app.state.chart_browser = find_browser(settings.chart_browser)
    app.state.invite_links = InviteLinks(
        SignedLinks(settings.resolved_secret_key, purpose="share-invite"), base_url=settings.base_url
    )
    app.state.feed_links = SignedLinks(settings.resolved_secret_key, purpose="calendar-feed")
    app.state.reminder_links = SignedLinks(settings.resolved_secret_key, purpose="reminders-stop")
    app.state.vapid_public_key = settings.resolved_vapid_keys.public_key
    app.state.mailer = Mailer(
        SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
            sender=settings.mail_from,
            undelivered_dir=settings.data_dir / "mail",
        )
    )


def _follow_commits(database: Database, mailer: Mailer, shelf: TakeShelf) -> None:
    """What follows a committed change, whichever page, router or command made it (core.effects)."""

    def mail_sign_in_link(effect: SignInLinkRequested) -> None:
        deliver_sign_in_link(mailer, email=effect.email, link=effect.link, minutes=effect.minutes)

    def mail_invitation(effect: InvitationMailed) -> None:
        deliver_share_invite(mailer, email=effect.email, student=effect.student, link=effect.link, days=effect.days)

    def refresh_open_pages(effect: LogsChanged) -> None:
        logs_changed.emit(effect.user_id)

    def forget_stored_sign_ins(effect: BrowsersForgotten) -> None:
        forget_browsers(list(effect.browser_ids))

    database.after_commit.on(SignInLinkRequested, mail_sign_in_link)
    takes.erase_after_commits(database.after_commit, shelf)
    database.after_commit.on(InvitationMailed, mail_invitation)
    database.after_commit.on(LogsChanged, on_event_loop(refresh_open_pages))
    database.after_commit.on(BrowsersForgotten, on_event_loop(forget_stored_sign_ins))


def _remind(app: App, settings: Settings, database: Database) -> None:
    """The reminder loop: every process looks every minute; the database lets one send each (services.reminders)."""
    keys = settings.resolved_vapid_keys

    def push(target: PushTarget, payload: Mapping[str, Any]) -> PushOutcome:
        return send_push(target, payload, keys, settings.vapid_subject)

    couriers = Couriers(app.state.mailer, push, app.state.reminder_links, settings.base_url)

    async def loop() -> None:
        while True:
            await asyncio.sleep(settings.reminder_check_seconds)
            try:
                await run.io_bound(send_due_reminders, database, utcnow(), couriers)
            except Exception:  # a database that is down for a minute must not end the loop for good
                log.exception("the reminder loop failed; it tries again in %d s", settings.reminder_check_seconds)

    if settings.reminders and not getattr(app.state, "reminder_loop_installed", False):
        app.state.reminder_loop_installed = True
        app.on_startup(lambda: background_tasks.create(loop(), name="reminders"))


def _describe_api(app: FastAPI) -> None:
    if has_route(app, "/openapi.json"):
        return
    app.title = "Mirubato API"
    app.version = __version__
    app.description = "Practice journal for musicians: catalogue, practice logs, sessions, templates, users."
    app.openapi_url = "/openapi.json"
    app.docs_url = "/api/docs"
    app.redoc_url = None
    app.setup()
    install_openapi(app, api_routes())
