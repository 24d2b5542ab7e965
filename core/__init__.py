"""The floor every other stands on: tables, database, settings, security, write turns."""

__version__ = "0.1.0"
