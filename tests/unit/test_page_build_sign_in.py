"""A page's build reuses the sign-in its request just checked; nothing after the build does."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from components import browser_sign_in
from services.actor import Actor


async def test_a_build_takes_its_checked_sign_in_and_a_task_it_started_checks_again(monkeypatch: pytest.MonkeyPatch):
    checks: list[str] = []
    now = Actor(id=uuid.uuid4())

    async def check_browser() -> Actor:
        checks.append("checked")
        return now

    monkeypatch.setattr(browser_sign_in, "browser_actor", check_browser)
    at_build = Actor(id=uuid.uuid4())
    release = asyncio.Event()

    async def started_during_build() -> Actor:  # a timer or a background load the page started
        await release.wait()
        return await browser_sign_in.event_actor()

    with browser_sign_in.sign_in_checked_for_build(at_build):
        assert await browser_sign_in.event_actor() is at_build
        assert await browser_sign_in.event_actor() is at_build
        task = asyncio.create_task(started_during_build())
    assert checks == []  # the build itself did not check again
    release.set()
    assert await task is now  # after the build, the task it started checks like any event
    assert await browser_sign_in.event_actor() is now
    assert checks == ["checked", "checked"]
