"""A musician in New York with known logs: seven evenings at 23:30 local across the DST change.

In UTC each 23:30 log falls on the next day, so every number computed from them tells whether
local days were used.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from core.db import Database
from services import practice_logs
from services.actor import Actor
from tests.factories import new_user

NEW_YORK = ZoneInfo("America/New_York")  # clocks go forward on 2026-03-08


def at(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, 3, day, hour, minute, tzinfo=NEW_YORK).isoformat()


def known_logs() -> list[dict]:
    """Seven evenings at 23:30 local (3/2 to 3/8, across the DST change) and a guitar morning on 3/8."""
    piece = {"composer": "J. S. Bach", "workTitle": "Invention No. 1"}
    logs = [
        {"activityType": "repertoire", "accuracyPercentage": 80, **piece},
        {"activityType": "repertoire", "accuracyPercentage": 90, **piece},
        {"activityType": "scales"},
        {"activityType": "scales"},
        {"activityType": "sight_reading"},
        {"activityType": "repertoire", "tempoPracticed": 100, "targetTempo": 100, **piece},
        {"activityType": "repertoire", **piece},
    ]
    bodies = [
        {"id": str(uuid.uuid4()), "instrument": "piano", "startTime": at(2 + i, 23, 30), "durationSeconds": 1800, **log}
        for i, log in enumerate(logs)
    ]
    guitar = {"activityType": "technique", "instrument": "guitar", "startTime": at(8, 9), "durationSeconds": 3600}
    return [*bodies, {"id": str(uuid.uuid4()), **guitar}]


def musician_with_known_logs(db: Database) -> tuple[Actor, list[dict]]:
    actor = new_user(db, timezone="America/New_York")
    bodies = known_logs()
    for body in bodies:
        with db.transaction() as session:
            practice_logs.log_practice(session, actor=actor, data=body)
    return actor, bodies
