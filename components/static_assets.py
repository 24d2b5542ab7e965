"""Our own static files (offline script, shell, service worker, icons) and their version stamp."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nicegui

import core as mirubato

STATIC = Path(__file__).resolve().parent / "static"


def _asset_version() -> str:
    """Changes whenever a static file or a version changes, so browsers pick up the new service worker."""
    digest = hashlib.sha256(f"{mirubato.__version__}:{nicegui.__version__}".encode())
    for path in sorted(STATIC.parent.rglob("*.js")) + sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ASSET_VERSION = _asset_version()
HEAD = (
    '<link rel="manifest" href="/manifest.webmanifest">'
    '<meta name="theme-color" content="#4f46b8">'
    '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">'
    f'<script src="/static/mirubato-offline.js?v={ASSET_VERSION}"></script>'
    f'<script src="/static/dom.js?v={ASSET_VERSION}"></script>'
    # The practice tools run on several pages and in the offline shell: one cached copy for all.
    f'<link rel="stylesheet" href="/static/practice-tools.css?v={ASSET_VERSION}">'
    f'<script src="/static/practice-tools.js?v={ASSET_VERSION}"></script>'
    f'<script src="/static/tuner.js?v={ASSET_VERSION}"></script>'
    # Recording: the recorder, the takes waiting on this device, and the player of kept takes.
    f'<link rel="stylesheet" href="/static/recorder.css?v={ASSET_VERSION}">'
    f'<link rel="stylesheet" href="/static/take-player.css?v={ASSET_VERSION}">'
    f'<script src="/static/recorder.js?v={ASSET_VERSION}"></script>'
    f'<script src="/static/takes.js?v={ASSET_VERSION}"></script>'
    f'<script src="/static/take-player.js?v={ASSET_VERSION}"></script>'
    f'<script src="/static/push.js?v={ASSET_VERSION}"></script>'
    '<script>if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");</script>'
)


def versioned(name: str) -> str:
    """A static text file with its __VERSION__ placeholders filled in."""
    return (STATIC / name).read_text(encoding="utf-8").replace("__VERSION__", ASSET_VERSION)


def page_identity(user_id: str, timezone: str, server_time: float) -> str:
    """Who the page is for, their time zone and the server's clock, for the browser's outbox
    (mirubato-offline.js), which keeps them for the offline shell."""
    values = (
        f"window.MirubatoUser = {json.dumps(user_id)}; window.MirubatoTimezone = {json.dumps(timezone)}; "
        f"window.MirubatoServerTime = {server_time * 1000:.0f};"
    )
    return f"<script>{values}</script>"
