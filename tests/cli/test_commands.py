"""The `mirubato` command: help, migrations, seeding, and a first start on an empty data directory."""

from __future__ import annotations

import subprocess

import httpx

from tests.processes import MIRUBATO, clean_env, free_port, run_cli, wait_until_healthy


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "db", "seed"):
        assert command in result.stdout


def test_db_upgrade_downgrade_and_seed_work_on_a_fresh_data_directory(tmp_path):
    env = {"MIRUBATO_DATA_DIR": str(tmp_path)}
    assert run_cli("db", "current", **env).returncode == 1  # empty: behind the newest revision
    upgraded = run_cli("db", "upgrade", **env)
    assert upgraded.returncode == 0
    assert "at revision" in upgraded.stdout
    assert run_cli("db", "current", **env).returncode == 0
    downgraded = run_cli("db", "downgrade", "base", **env)
    assert downgraded.returncode == 0
    assert "base" in downgraded.stdout
    seeded = run_cli("seed", **env)
    assert seeded.returncode == 0, seeded.stderr
    assert "0 updated" in seeded.stdout
    assert " added" in seeded.stdout
    assert "0 added" in run_cli("seed", **env).stdout


def test_the_first_serve_on_an_empty_data_directory_creates_migrates_and_seeds(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(
            [MIRUBATO, "serve", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=clean_env(MIRUBATO_DATA_DIR=str(tmp_path / "data")),
        )
        try:
            wait_until_healthy(base, server)
            page = httpx.get(f"{base}/api/sheet-music", params={"instrument": "piano"}).json()
            assert page["total"] >= 100
            assert httpx.get(f"{base}/api/practice/logs").status_code == 401
            assert httpx.get(f"{base}/openapi.json").status_code == 200
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert (tmp_path / "data" / "mirubato.db").exists()


def test_create_admin_makes_an_account_an_administrator(tmp_path):
    env = {"MIRUBATO_DATA_DIR": str(tmp_path)}
    made = run_cli("create-admin", "Boss@Example.com", **env)
    assert made.returncode == 0, made.stderr
    assert "boss@example.com is an administrator" in made.stdout
    assert run_cli("create-admin", "boss@example.com", **env).returncode == 0
    bad = run_cli("create-admin", "not-an-email", **env)
    assert bad.returncode == 2 and "email" in bad.stderr


def test_create_admin_accepts_a_studio_mail_domain_when_the_setting_names_it(tmp_path):
    env = {"MIRUBATO_DATA_DIR": str(tmp_path)}
    refused = run_cli("create-admin", "admin@studio.test", **env)
    assert refused.returncode == 2 and "MIRUBATO_PRIVATE_MAIL_DOMAINS" in refused.stderr
    made = run_cli("create-admin", "admin@studio.test", MIRUBATO_PRIVATE_MAIL_DOMAINS="test", **env)
    assert made.returncode == 0, made.stderr
    unknown = run_cli("create-admin", "admin@studio.lan", MIRUBATO_PRIVATE_MAIL_DOMAINS="lan", **env)
    assert unknown.returncode == 2 and "MIRUBATO_PRIVATE_MAIL_DOMAINS: lan is not a special-use name" in unknown.stderr
