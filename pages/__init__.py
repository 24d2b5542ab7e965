"""The NiceGUI pages. Importing a page module registers its routes."""

from __future__ import annotations


def install_pages() -> None:
    from pages import auth, history, home, log, welcome  # noqa: F401
