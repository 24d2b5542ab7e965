"""The NiceGUI pages. Importing a page module registers its routes."""

from __future__ import annotations


def install_pages() -> None:
    from pages import (  # noqa: F401
        admin,
        auth,
        history,
        home,
        library,
        log,
        piece,
        progress,
        pwa,
        repertoire,
        settings,
        sharing,
        studio,
        sync_review,
        timer,
        welcome,
    )

    pwa.install_static()
