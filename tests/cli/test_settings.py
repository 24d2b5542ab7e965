"""Settings: every knob an environment variable; a bad value stops the start with one clear line."""

from __future__ import annotations

import stat

import pytest

from core.settings import Settings, SettingsError, load_settings
from tests.processes import run_cli


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("MIRUBATO_DATABASE_URL", "mysql://localhost/db", "unsupported database"),
        ("MIRUBATO_DATABASE_URL", "not a url", "not a database URL"),
        ("MIRUBATO_SECRET_KEY", "short", "too short"),
        ("MIRUBATO_BASE_URL", "mirubato.example", "absolute http"),
        ("MIRUBATO_PORT", "eighty", "integer"),
        ("MIRUBATO_LOG_LEVEL", "LOUD", "DEBUG"),
    ],
)
def test_a_bad_value_fails_with_one_line_naming_the_variable(tmp_path, variable, value, says):
    result = run_cli("db", "current", MIRUBATO_DATA_DIR=str(tmp_path), **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert says in lines[0]


def test_a_secret_is_generated_once_and_kept_private(tmp_path):
    first = Settings(data_dir=tmp_path).resolved_secret_key
    again = Settings(data_dir=tmp_path).resolved_secret_key
    assert first == again
    assert len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_given_secret_is_used_and_nothing_is_written(tmp_path):
    settings = Settings(data_dir=tmp_path, secret_key="s" * 40)
    assert settings.resolved_secret_key == "s" * 40
    assert not (tmp_path / "secret_key").exists()


def test_the_default_database_is_a_sqlite_file_in_the_data_directory(tmp_path):
    assert Settings(data_dir=tmp_path).resolved_database_url == f"sqlite:///{tmp_path / 'mirubato.db'}"


def test_a_plain_postgresql_url_uses_psycopg_3():
    settings = load_settings(database_url="postgresql://u@h/db")
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_load_settings_raises_a_settings_error():
    with pytest.raises(SettingsError, match="MIRUBATO_PORT"):
        load_settings(port=0)
