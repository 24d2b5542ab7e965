"""The installable app: web manifest, service worker (root scope), offline shell, static assets.

Everything is served by the app itself; nothing comes from a CDN.
"""

from __future__ import annotations

import json
from html import escape

from fastapi import Response
from nicegui import app

from components.format import ACTIVITY_LABELS, FOCUS_AREAS
from components.page_route import endpoint
from components.static_assets import STATIC, versioned


@endpoint("GET", "/sw.js")
def service_worker() -> Response:
    return Response(
        versioned("sw.js"),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@endpoint("GET", "/offline")
def offline_shell() -> Response:
    """The page the service worker shows for any page when there is no server: timer and log form."""
    shell = (
        versioned("offline.html")
        .replace("__ACTIVITIES__", escape(json.dumps(ACTIVITY_LABELS)))
        .replace("__FOCUS_AREAS__", escape(json.dumps(FOCUS_AREAS)))
    )
    return Response(shell, media_type="text/html", headers={"Cache-Control": "no-cache"})


@endpoint("GET", "/manifest.webmanifest")
def manifest() -> Response:
    return Response((STATIC / "manifest.webmanifest").read_bytes(), media_type="application/manifest+json")


def install_static() -> None:
    # Once per app build (NiceGUI serves the folder as "/static/{path:path}").
    if not any(str(getattr(route, "path", "")).startswith("/static/") for route in app.routes):
        app.add_static_files("/static", STATIC)
