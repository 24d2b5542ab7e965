"""The NiceGUI pages. Importing a page module declares its routes; install_pages registers them."""

from __future__ import annotations


def install_pages() -> None:
    """Register every page on NiceGUI's app (again after a reset: see components.page_route)."""
    from components.page_route import install_declared
    from pages import (  # noqa: F401
        admin,
        auth,
        history,
        home,
        import_history,
        library,
        log,
        oidc,
        piece,
        plans,
        progress,
        pwa,
        reminders_stop,
        repertoire,
        settings,
        sharing,
        studio,
        sync_review,
        timer,
        tools,
        welcome,
    )

    install_declared()
    pwa.install_static()
