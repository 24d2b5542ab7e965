"""Backups while the app writes, restores, and a server killed during 1,000 acknowledged writes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from core import schema
from core.backup import backup
from core.db import Database
from services import practice_logs
from tests.conftest import fresh_postgres_database
from tests.factories import log_body, new_user
from tests.mail_sink import running_mail_sink
from tests.processes import MIRUBATO, clean_env, free_port, run_cli, wait_until_healthy


def count_logs(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT COUNT(*) FROM practice_logs").fetchone()[0]


def test_a_backup_taken_during_writes_is_consistent_and_restores(tmp_path):
    live = tmp_path / "live"
    database = Database(f"sqlite:///{live / 'mirubato.db'}")
    schema.upgrade(database)
    actor = new_user(database)
    stop, written = threading.Event(), []

    def keep_writing() -> None:
        while not stop.is_set():
            with database.transaction() as session:
                practice_logs.log_practice(session, actor=actor, data=log_body(durationSeconds=60))
            written.append(1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    while len(written) < 100:
        stop.wait(0.01)
    before = len(written)
    report = backup(database.url, tmp_path / "copy.db")
    after = len(written)
    while len(written) < after + 50:
        stop.wait(0.01)
    stop.set()
    writer.join()
    database.dispose()
    print(f"backup during writes: {before} logs before it began, {report.practice_logs} in it, {after} when it ended")
    assert before <= report.practice_logs <= after + 1
    assert count_logs(live / "mirubato.db") > report.practice_logs  # the app went on writing

    restored = tmp_path / "restored"
    done = run_cli("restore", str(tmp_path / "copy.db"), MIRUBATO_DATA_DIR=str(restored))
    assert done.returncode == 0, done.stderr
    assert count_logs(restored / "mirubato.db") == report.practice_logs
    assert run_cli("db", "current", MIRUBATO_DATA_DIR=str(restored)).returncode == 0


def test_a_damaged_backup_is_refused(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    done = run_cli("restore", str(bad), MIRUBATO_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 2
    assert "not a Mirubato SQLite database" in done.stderr


@pytest.mark.skipif(
    not os.environ.get("MIRUBATO_TEST_DATABASE_URL") or not shutil.which("pg_dump"), reason="needs PostgreSQL"
)
def test_postgresql_backups_go_through_pg_dump(tmp_path):
    url = fresh_postgres_database("mirubato_backup")
    database = Database(url)
    schema.upgrade(database)
    actor = new_user(database)
    with database.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=log_body())
    database.dispose()
    assert run_cli("backup", str(tmp_path / "pg.dump"), MIRUBATO_DATABASE_URL=url).returncode == 0
    target = fresh_postgres_database("mirubato_restored")
    done = run_cli("restore", str(tmp_path / "pg.dump"), MIRUBATO_DATABASE_URL=target)
    assert done.returncode == 0, done.stderr
    restored = Database(target)
    with restored.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM practice_logs").scalar() == 1
    restored.dispose()


def test_killing_the_server_during_1000_writes_loses_no_acknowledged_log(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with running_mail_sink() as mail:
        env = clean_env(MIRUBATO_DATA_DIR=str(tmp_path), MIRUBATO_BASE_URL=url, MIRUBATO_SMTP_HOST=mail.host,
                        MIRUBATO_SMTP_PORT=str(mail.port), MIRUBATO_RATE_WRITES_PER_USER="100000")  # fmt: skip
        server = subprocess.Popen([MIRUBATO, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            wait_until_healthy(url, server)
            httpx.post(f"{url}/api/auth/login", json={"email": "writer@example.com"})
            token = httpx.post(f"{url}/api/auth/verify", json={"token": mail.last_token("writer@example.com")})
            headers = {"Authorization": f"Bearer {token.json()['accessToken']}"}
            acknowledged: list[str] = []
            ids = [str(uuid.uuid4()) for _ in range(1000)]

            def write(log_id: str) -> None:
                if server.poll() is not None:
                    return
                try:
                    answer = httpx.post(
                        f"{url}/api/practice/logs", json=log_body(id=log_id), headers=headers, timeout=5
                    )
                except httpx.HTTPError:
                    return  # the server died before answering: not acknowledged
                if answer.status_code == 201:
                    acknowledged.append(log_id)
                    if len(acknowledged) == 300:
                        os.kill(server.pid, signal.SIGKILL)

            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(write, ids))
            server.wait()
        finally:
            if server.poll() is None:
                server.kill()
    stored = {row[0] for row in sqlite3.connect(tmp_path / "mirubato.db").execute("SELECT id FROM practice_logs")}
    stored_ids = {str(uuid.UUID(value)) for value in stored}
    lost = [log_id for log_id in acknowledged if log_id not in stored_ids]
    print(f"SIGKILL during 1000 writes: acknowledged {len(acknowledged)}, stored {len(stored_ids)}, lost {len(lost)}")
    assert len(acknowledged) >= 300
    assert lost == []


def test_backup_and_restore_carry_the_recordings_kept_as_files(tmp_path):
    from services import takes
    from services.adapters.take_store import FileStore
    from services.takes import TakeShelf
    from tests.takes_data import real_take

    live = tmp_path / "live"
    database = Database(f"sqlite:///{live / 'mirubato.db'}")
    schema.upgrade(database)
    shelf = TakeShelf(store=FileStore(live / "takes"))
    actor, data, take_id = new_user(database), real_take(), uuid.uuid4()
    with database.transaction() as session:
        log_id = practice_logs.log_practice(session, actor=actor, data=log_body()).log.id
        takes.begin_upload(
            session, actor=actor, take_id=take_id, shelf=shelf, data={"logId": str(log_id), "sizeBytes": len(data)}
        )
        takes.append_chunk(session, actor=actor, take_id=take_id, offset=0, data=data, shelf=shelf)
    database.dispose()

    made = run_cli("backup", str(tmp_path / "copy.db"), MIRUBATO_DATA_DIR=str(live))
    assert made.returncode == 0, made.stderr
    assert "1 recording files" in made.stdout
    restored = tmp_path / "restored"
    done = run_cli("restore", str(tmp_path / "copy.db"), MIRUBATO_DATA_DIR=str(restored))
    assert done.returncode == 0, done.stderr
    assert FileStore(restored / "takes").path(take_id).read_bytes() == data
