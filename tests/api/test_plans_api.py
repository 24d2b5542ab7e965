"""Plans, goals, reminders and the calendar feed over HTTP: shapes, 4xx for bad input, public links."""

from __future__ import annotations

from icalendar import Calendar

from core.security import SignedLinks
from services import reminders
from tests.api.conftest import TEST_SECRET
from tests.factories import new_user

PLAN = {
    "title": "Evening",
    "repeat": {"frequency": "weekly", "days": ["MO", "WE", "FR"]},
    "blocks": [{"activityType": "scales", "minutes": 10}, {"activityType": "repertoire", "minutes": 25}],
}


def test_a_plan_round_trips_and_bad_ones_name_their_field(client, db, act_as):
    act_as(new_user(db))
    made = client.post("/api/plans", json=PLAN)
    assert made.status_code == 201, made.text
    plan = made.json()
    assert plan["rrule"] == "FREQ=WEEKLY;BYDAY=MO,WE,FR" and plan["minutes"] == 35 and len(plan["nextDays"]) == 5
    bad = [
        ({**PLAN, "repeat": {"frequency": "weekly", "days": []}}, "repeat.days"),
        ({**PLAN, "repeat": {"frequency": "monthly"}}, "repeat.frequency"),
        ({**PLAN, "blocks": [{"activityType": "scales", "minutes": 0}]}, "blocks[0].minutes"),
        ({**PLAN, "atTime": "25:00"}, "atTime"),
        ({**PLAN, "startsOn": "2027-01-10", "endsOn": "2027-01-01"}, "endsOn"),
    ]
    for body, field in bad:
        answer = client.post("/api/plans", json=body)
        assert answer.status_code == 422, (field, answer.text)
        assert field in [e["field"] for e in answer.json()["errors"]], (field, answer.text)
    assert client.get("/api/today").json()["total"] in (0, 2)  # 2 on Mondays, Wednesdays and Fridays
    assert client.delete(f"/api/plans/{plan['id']}").status_code == 204
    assert client.get(f"/api/plans/{plan['id']}").status_code == 404


def test_the_calendar_feed_is_served_as_text_calendar_and_404_once_revoked(client, db, act_as):
    owner = new_user(db)
    act_as(owner)
    client.post("/api/plans", json=PLAN)
    url = client.post("/api/users/me/calendar-feed").json()["url"]
    act_as(None)  # calendar apps fetch without signing in
    path = url.split("://", 1)[1].split("/", 1)[1]
    answer = client.get("/" + path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    assert [str(e["summary"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")] == ["Evening"]
    assert client.get("/api/calendar/plans.ics", params={"key": "x" * 40}).status_code == 404
    assert client.get("/api/calendar/plans.ics").status_code == 422
    act_as(new_user(db))  # someone else's DELETE does not touch it
    client.delete("/api/users/me/calendar-feed")
    assert client.get("/" + path).status_code == 200
    act_as(owner)  # a new address: the old one is gone
    fresh = client.post("/api/users/me/calendar-feed").json()["url"]
    act_as(None)
    assert client.get("/" + path).status_code == 404
    assert client.get("/" + fresh.split("://", 1)[1].split("/", 1)[1]).status_code == 200


def test_one_click_unsubscribe_turns_reminders_off(client, db, act_as):
    me = new_user(db)
    act_as(me)
    saved = client.put("/api/users/me/reminders", json={"enabled": True, "atTime": "18:30", "days": ["MO"]})
    assert saved.status_code == 200 and saved.json()["atTime"] == "18:30:00"
    assert (
        client.put("/api/users/me/reminders", json={"enabled": True, "atTime": "18:30", "days": ["XX"]}).status_code
        == 422
    )
    token = reminders.stop_link(SignedLinks(TEST_SECRET, purpose="reminders-stop"), "", me.id).split("token=")[1]
    act_as(None)
    assert client.post("/api/reminders/stop", params={"token": token[:-4] + "abcd"}).status_code == 422
    assert client.post("/api/reminders/stop", params={"token": token}).status_code == 204
    act_as(me)
    assert client.get("/api/users/me/reminders").json()["enabled"] is False
    key = client.get("/api/push/public-key").json()["publicKey"]
    assert isinstance(key, str) and len(key) == 87  # 65 bytes, base64url without padding


def test_goals_over_http(client, db, act_as):
    act_as(new_user(db))
    made = client.post("/api/goals", json={"kind": "instrument_minutes", "target": 120, "instrument": "guitar"})
    assert made.status_code == 201, made.text
    assert made.json()["title"] == "120 minutes a week of guitar"
    assert client.post("/api/goals", json={"kind": "instrument_minutes", "target": 120}).status_code == 422
    assert client.post("/api/goals", json={"kind": "weekly_minutes", "target": 0}).status_code == 422
    goal = made.json()["id"]
    changed = client.put(
        f"/api/goals/{goal}", json={"kind": "instrument_minutes", "target": 150, "instrument": "guitar"}
    )
    assert [h["before"]["target"] for h in changed.json()["history"]] == [120]
    assert [g["target"] for g in client.get("/api/goals").json()] == [150]
