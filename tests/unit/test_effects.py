"""After-commit effects (core.effects): once per commit, never after a rollback, failures reported."""

from __future__ import annotations

import uuid

import pytest

from core import effects
from core.db import Database


@pytest.fixture
def database(tmp_path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'effects.db'}")


def test_effects_run_after_the_commit_once_each_and_never_after_a_rollback(database):
    seen: list[effects.Effect] = []
    database.after_commit.on(effects.LogsChanged, seen.append)
    user = uuid.uuid4()
    with database.transaction() as session:
        for _ in range(3):  # a batch changing the same user's logs three times
            effects.record(session, effects.LogsChanged(user))
        assert seen == []  # not before the commit
    assert seen == [effects.LogsChanged(user)]

    def fails_half_way() -> None:
        with database.transaction() as session:
            effects.record(session, effects.LogsChanged(uuid.uuid4()))
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        fails_half_way()
    assert seen == [effects.LogsChanged(user)]


def test_steps_before_the_commit_run_inside_the_transaction_once_per_name(database):
    ran: list[str] = []
    with database.transaction() as session:
        effects.before_commit(session, "progress", lambda s: ran.append(f"in {s.in_transaction()}"))
        effects.before_commit(session, "progress", lambda s: ran.append(f"again {s.in_transaction()}"))
        assert ran == []
    assert ran == ["again True"]


def test_a_failing_follow_up_is_raised_after_every_other_one_ran(database):
    mailed: list[str] = []

    def mail(effect: effects.SignInLinkRequested) -> None:
        raise ConnectionError("the mail server is down")

    def note(effect: effects.SignInLinkRequested) -> None:
        mailed.append(effect.email)

    database.after_commit.on(effects.SignInLinkRequested, mail)
    database.after_commit.on(effects.SignInLinkRequested, note)

    def sign_in_requested() -> None:
        with database.transaction() as session:
            link = "https://x/auth/verify?token=SECRET"
            effects.record(session, effects.SignInLinkRequested("a@example.com", link, 10))

    with pytest.raises(ConnectionError):
        sign_in_requested()
    assert mailed == ["a@example.com"]


def test_a_handler_registered_again_replaces_the_earlier_one(database):
    calls: list[str] = []

    def refresh(effect: effects.LogsChanged) -> None:
        calls.append("first")

    database.after_commit.on(effects.LogsChanged, refresh)

    def refresh(effect: effects.LogsChanged) -> None:
        calls.append("second")

    database.after_commit.on(effects.LogsChanged, refresh)
    with database.transaction() as session:
        effects.record(session, effects.LogsChanged(uuid.uuid4()))
    assert calls == ["second"]


def test_links_stay_out_of_the_text_of_an_effect():
    effect = effects.SignInLinkRequested("a@example.com", "https://x/auth/verify?token=SECRET", 10)
    assert "SECRET" not in repr(effect) and "SECRET" not in str(effect)
