"""Online backups and restores of the database.

SQLite: the backup API copies the whole file inside one read transaction, so the copy is one
consistent moment even while the app keeps writing (WAL lets writers go on meanwhile); the copy
is checked with ``PRAGMA integrity_check`` and moved into place atomically. PostgreSQL: the
server's own ``pg_dump``/``pg_restore`` (custom format), which are consistent by design.

Recorded takes kept as files (the embedded deployment) are copied after the database, into a
folder beside the backup (``PATH.takes``), and put back by a restore; takes kept in PostgreSQL are
part of its dump. A take finished while the backup runs may be in the folder but not the database:
an unused file. Takes never change once finished, so the copy needs no snapshot of its own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why, in one line."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    practice_logs: int | None
    take_files: int | None = None


def takes_folder_of(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.name + ".takes")


def backup(database_url: str, target: Path, *, takes_dir: Path | None = None) -> BackupReport:
    """``takes_dir``: where takes are kept as files, when they are (they are copied beside the backup)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        report = _backup_sqlite(_sqlite_path(url), target)
        return _with_takes(report, takes_dir, takes_folder_of(target)) if takes_dir else report
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(database_url)])
    report = BackupReport(path=target, bytes=target.stat().st_size, practice_logs=None)
    return _with_takes(report, takes_dir, takes_folder_of(target)) if takes_dir else report


def restore(database_url: str, source: Path, *, takes_dir: Path | None = None) -> BackupReport:
    report = _restore_database(database_url, source)
    saved = takes_folder_of(source)
    if takes_dir is None or not saved.is_dir():
        return report
    staging = takes_dir.with_name(takes_dir.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(saved, staging)
    shutil.rmtree(takes_dir, ignore_errors=True)
    os.replace(staging, takes_dir)
    return replace(report, take_files=_count_files(takes_dir))


def _with_takes(report: BackupReport, takes_dir: Path, folder: Path) -> BackupReport:
    """Copy the take files beside the backup (a previous copy is replaced whole)."""
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    if takes_dir.is_dir():
        shutil.copytree(takes_dir, staging)
    else:
        staging.mkdir(parents=True)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    return replace(report, take_files=_count_files(folder))


def _count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def _restore_database(database_url: str, source: Path) -> BackupReport:
    """Put a backup in place of the database. Stop the app first: a running server keeps the old file open."""
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(database_url)}", str(source)])
        return BackupReport(path=source, bytes=source.stat().st_size, practice_logs=None)
    logs = _checked(source)
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, staging)
    _fsync(staging)
    for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)  # they belong to the replaced file
    os.replace(staging, target)
    return BackupReport(path=target, bytes=target.stat().st_size, practice_logs=logs)


def _backup_sqlite(source: Path, target: Path) -> BackupReport:
    if not source.is_file():
        raise BackupError(f"{source}: no database file to back up")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".partial")
    staging.unlink(missing_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(staging) as copy:
        live.execute("PRAGMA busy_timeout = 10000")
        live.backup(copy)  # all pages in one step: one read transaction, one consistent snapshot
    logs = _checked(staging)
    _fsync(staging)
    os.replace(staging, target)
    return BackupReport(path=target, bytes=target.stat().st_size, practice_logs=logs)


def _checked(path: Path) -> int:
    """The number of practice logs in a sound SQLite copy; BackupError when the file is damaged."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            logs = copy.execute("SELECT COUNT(*) FROM practice_logs").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a Mirubato SQLite database ({exc})") from None
    if verdict != "ok":
        raise BackupError(f"{path}: the copy failed its integrity check ({verdict})")
    return int(logs)


def _sqlite_path(url: object) -> Path:
    database = getattr(url, "database", None)
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(database).expanduser()


def _libpq(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            f"{command[0]} failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}"
        )


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
