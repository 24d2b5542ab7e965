"""Mirubato: a practice journal for musicians. This package wires the floors together and holds
the entry points: the app (`main.py`), the command line (`cli.py`) and the REST routers (`api/`)."""

from core import __version__

__all__ = ["__version__"]
