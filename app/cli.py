"""The `mirubato` command line: serve, migrate, seed, rebuild progress, back up and restore, make an admin."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from core.settings import Settings, SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = load_settings(**_overrides(args))
        return int(args.run(settings, args) or 0)
    except SettingsError as exc:
        print(f"mirubato: configuration error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mirubato",
        description="Mirubato, a practice journal for musicians. Settings come from MIRUBATO_* variables.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = _command(commands, "serve", "run the web app (migrates the database first)", _serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1, or MIRUBATO_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8080, or MIRUBATO_PORT)")

    db = commands.add_parser("db", help="database schema: upgrade, downgrade, current")
    db_commands = db.add_subparsers(title="db commands", metavar="DB_COMMAND", required=True)
    upgrade = _command(db_commands, "upgrade", "migrate to a revision (default: the newest)", _db_upgrade)
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = _command(db_commands, "downgrade", "migrate back to REV ('base' drops everything)", _db_downgrade)
    downgrade.add_argument("revision", metavar="REV")
    _command(db_commands, "current", "print the database's revision and the newest one", _db_current)

    _command(commands, "seed", "load (or refresh) the starter catalogue of sheet music", _seed)
    progress = commands.add_parser("progress", help="progress: rebuild levels, streaks and achievements from the logs")
    progress_commands = progress.add_subparsers(title="progress commands", metavar="PROGRESS_COMMAND", required=True)
    rebuild = _command(progress_commands, "rebuild", "recompute progress from the logs alone", _progress_rebuild)
    rebuild.add_argument("--email", help="only this user (default: everyone)")
    backup = _command(commands, "backup", "copy the database to PATH while the app keeps running", _backup)
    backup.add_argument("path", metavar="PATH")
    restore = _command(
        commands, "restore", "replace the database with the backup at PATH (stop the app first)", _restore
    )
    restore.add_argument("path", metavar="PATH")
    admin = _command(commands, "create-admin", "give EMAIL the admin role (creating the account if new)", _create_admin)
    admin.add_argument("email", metavar="EMAIL")
    translations = commands.add_parser("translations", help="translation catalogues: update, check")
    translation_commands = translations.add_subparsers(title="translation commands", metavar="COMMAND", required=True)
    _command(
        translation_commands, "update", "extract the texts and merge them into every catalogue", _translations_update
    )
    _command(
        translation_commands,
        "check",
        "fail on a missing, untranslated or fuzzy entry, or a placeholder that differs",
        _translations_check,
    )
    return parser


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    help_text: str,
    run: Callable[[Settings, argparse.Namespace], int | None],
) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(run=run)
    return sub


def _translations_update(_settings: Settings, _: argparse.Namespace) -> int:
    from app.translations import update

    for language, open_entries in update().items():
        print(f"{language}: {open_entries} to translate")
    return 0


def _translations_check(_settings: Settings, _: argparse.Namespace) -> int:
    from app.translations import check

    problems = check()
    for problem in problems[:200]:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problems", file=sys.stderr)
        return 1
    print("translations: complete")
    return 0


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    return {name: value for name in ("host", "port") if (value := getattr(args, name, None)) is not None}


def _database(settings: Settings):
    from core.db import Database

    return Database(
        settings.resolved_database_url,
        synchronous=settings.sqlite_synchronous,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    from app.main import serve

    serve(settings)
    return 0


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from core import schema

    database = _database(settings)
    schema.upgrade(database, args.revision)
    print(f"database at revision {schema.current_revision(database)}")
    return 0


def _db_downgrade(settings: Settings, args: argparse.Namespace) -> int:
    from core import schema

    database = _database(settings)
    schema.downgrade(database, args.revision)
    print(f"database at revision {schema.current_revision(database) or 'base (empty)'}")
    return 0


def _db_current(settings: Settings, _: argparse.Namespace) -> int:
    from core import schema

    database = _database(settings)
    current, head = schema.current_revision(database), schema.head_revision()
    print(f"current: {current or 'base (empty)'}\nnewest:  {head}")
    return 0 if current == head else 1


def _seed(settings: Settings, _: argparse.Namespace) -> int:
    from core import schema
    from services.catalogue_seed import seed_catalogue

    database = _database(settings)
    schema.upgrade(database)
    with database.transaction() as session:
        report = seed_catalogue(session)
    print(f"catalogue: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")
    return 0


def _progress_rebuild(settings: Settings, args: argparse.Namespace) -> int:
    from core import schema
    from services.progress_tracking import rebuild_progress, users_to_rebuild

    database = _database(settings)
    schema.upgrade(database)
    with database.transaction(write=False) as session:
        user_ids = users_to_rebuild(session, email=args.email)
    if args.email and not user_ids:
        print(f"mirubato: no user has the email {args.email}", file=sys.stderr)
        return 2
    changed = 0
    for user_id in user_ids:  # one transaction per user: a long rebuild never holds the write lock for long
        with database.transaction() as session:
            changed += rebuild_progress(session, user_id)
    print(f"progress rebuilt for {len(user_ids)} users: {changed} rows changed")
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    from core.backup import BackupError, backup

    try:
        report = backup(
            settings.resolved_database_url, Path(args.path).expanduser().resolve(), takes_dir=_takes_dir(settings)
        )
    except BackupError as exc:
        print(f"mirubato: {exc}", file=sys.stderr)
        return 2
    logs = f", {report.practice_logs} practice logs" if report.practice_logs is not None else ""
    files = f"; {report.take_files} recording files in {report.path}.takes" if report.take_files is not None else ""
    print(f"backup written to {report.path} ({report.bytes} bytes{logs}){files}")
    return 0


def _restore(settings: Settings, args: argparse.Namespace) -> int:
    from core import schema
    from core.backup import BackupError, restore

    try:
        report = restore(
            settings.resolved_database_url, Path(args.path).expanduser().resolve(), takes_dir=_takes_dir(settings)
        )
    except BackupError as exc:
        print(f"mirubato: {exc}", file=sys.stderr)
        return 2
    schema.upgrade(_database(settings))  # a backup from an older version is brought up to date
    logs = f" ({report.practice_logs} practice logs)" if report.practice_logs is not None else ""
    print(f"restored {args.path}{logs}; start the app again")
    return 0


def _takes_dir(settings: Settings) -> Path | None:
    """Where recordings are kept as files, when they are (else they are in the database and its backup)."""
    from services.adapters.take_store import FileStore, store_for

    is_sqlite = settings.resolved_database_url.startswith("sqlite")
    store = store_for(settings.take_storage, is_sqlite=is_sqlite, data_dir=settings.data_dir)
    return store.root if isinstance(store, FileStore) else None


def _create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from core import schema
    from services.errors import InvalidInput
    from services.users import make_admin_from_console

    database = _database(settings)
    schema.upgrade(database)
    try:
        with database.transaction() as session:
            user = make_admin_from_console(session, email=args.email)
    except InvalidInput as exc:
        print(f"mirubato: {exc.message}", file=sys.stderr)
        if "special-use" in exc.message:
            print(
                "mirubato: a studio on its own network can accept such addresses: "
                "set MIRUBATO_PRIVATE_MAIL_DOMAINS (e.g. test,local)",
                file=sys.stderr,
            )
        return 2
    print(f"{user.email} is an administrator (user id {user.id})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
