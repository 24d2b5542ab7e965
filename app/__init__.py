"""Mirubato: a practice journal for musicians."""

__version__ = "0.1.0"
