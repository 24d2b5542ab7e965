"""Reminders: at each musician's local time, only if they have not practised that day, once a day
even with two processes looking at every moment, across daylight-saving changes; email through a
real SMTP server, Web Push through a local push service that decrypts what it receives."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from core.models import PushSubscription, ReminderSetting
from core.security import SignedLinks
from core.settings import Settings
from services import practice_logs, reminders
from services.adapters.mail import Mailer, SmtpConfig
from services.adapters.web_push import PushTarget, send_push
from services.errors import InvalidInput
from services.reminders import Couriers, send_due_reminders
from tests.factories import log_body, new_user
from tests.mail_sink import running_mail_sink
from tests.processes import clean_env
from tests.unit.test_web_push import browser, push_service  # noqa: F401  (the local push service and a browser)

LINKS = SignedLinks("reminder-test-secret-" + "x" * 40, purpose="reminders-stop")
MONDAY = datetime(2026, 3, 30, tzinfo=UTC)  # the day after Berlin's clocks went forward


def remind(db, actor, at: str, days=("MO", "TU", "WE", "TH", "FR", "SA", "SU"), **extra):
    with db.transaction() as session:
        reminders.set_reminders(session, actor=actor, data={"enabled": True, "atTime": at, "days": list(days), **extra})


def practised(db, actor, start: datetime):
    with db.transaction() as session:
        practice_logs.log_practice(session, actor=actor, data=log_body(startTime=start.isoformat()))


def simulated_day(start: datetime, hours: int = 30, step_minutes: int = 5):
    moment = start
    while moment < start + timedelta(hours=hours):
        yield moment
        moment += timedelta(minutes=step_minutes)


@pytest.fixture
def musicians(db):
    anna = new_user(db, email="anna@example.com", timezone="Europe/Berlin")
    remind(db, anna, "18:00", days=("MO", "TU", "WE", "TH", "FR"))
    bob = new_user(db, email="bob@example.com", timezone="America/New_York")
    remind(db, bob, "07:30")
    practised(db, bob, datetime(2026, 3, 30, 10, 0, tzinfo=UTC))  # 06:00 in New York: before his reminder
    chen = new_user(db, email="chen@example.com", timezone="Asia/Tokyo")
    remind(db, chen, "21:00")
    dora = new_user(db, email="dora@example.com", timezone="Europe/Berlin")
    remind(db, dora, "18:00", days=("SA", "SU"))
    eve = new_user(db, email="eve@example.com", timezone="Europe/Berlin")
    with db.transaction() as session:
        reminders.set_reminders(session, actor=eve, data={"enabled": False, "atTime": "09:00", "days": ["MO"]})
    return {"anna": anna, "bob": bob, "chen": chen, "dora": dora, "eve": eve}


def test_two_processes_send_each_musician_one_email_at_their_local_time(db, musicians):
    with running_mail_sink() as sink:
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.reminder_worker", db.url, str(sink.port)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=clean_env(),
            )
            for _ in range(2)
        ]
        try:
            for worker in workers:
                assert worker.stdout and worker.stdout.readline().strip() == "ready"
            arrived: dict[str, datetime] = {}
            total = 0
            for moment in simulated_day(MONDAY - timedelta(hours=2)):
                for worker in workers:  # both look at the same moment, at the same time
                    assert worker.stdin
                    worker.stdin.write(moment.isoformat() + "\n")
                    worker.stdin.flush()
                total += sum(int(worker.stdout.readline()) for worker in workers if worker.stdout)
                for message in sink.messages:
                    arrived.setdefault(str(message["To"]), moment)
        finally:
            for worker in workers:
                worker.kill()
                worker.wait()
    assert total == len(sink.messages) == 2
    # 18:00 in Berlin (summer time, UTC+2) and 21:00 in Tokyo (UTC+9); Bob had practised, Dora's
    # days are weekends, Eve turned reminders off.
    assert arrived == {
        "anna@example.com": datetime(2026, 3, 30, 16, 0, tzinfo=UTC),
        "chen@example.com": datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
    }
    [to_anna] = sink.to("anna@example.com")
    assert to_anna["Subject"] == "Time to practise"
    assert to_anna["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = to_anna.get_body(("plain",)).get_content().split("Stop these reminders: ")[1].split()[0]
    with db.transaction() as session:
        reminders.stop_by_link(session, token=stop.split("token=")[1], links=LINKS)
        assert session.get(ReminderSetting, musicians["anna"].id).enabled is False  # type: ignore[union-attr]
    with db.transaction() as session, pytest.raises(InvalidInput):
        reminders.stop_by_link(session, token=stop.split("token=")[1][:-3] + "abc", links=LINKS)


@pytest.mark.parametrize(
    ("day", "at", "expected_utc"),
    [
        (datetime(2026, 3, 27, tzinfo=UTC), "18:00", datetime(2026, 3, 27, 17, 0, tzinfo=UTC)),  # winter time
        (datetime(2026, 3, 29, tzinfo=UTC), "02:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # a skipped hour
        (datetime(2026, 10, 25, tzinfo=UTC), "02:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # twice: once
    ],
)
def test_daylight_saving_days_get_one_reminder_at_the_local_time(db, day, at, expected_utc):
    anna = new_user(db, email="anna@example.com", timezone="Europe/Berlin")
    remind(db, anna, at)
    sent: list[datetime] = []
    with running_mail_sink() as sink:
        couriers = Couriers(Mailer(SmtpConfig(host="127.0.0.1", port=sink.port)), None, LINKS, "http://m.test")
        for moment in simulated_day(day - timedelta(hours=3), hours=27):
            if send_due_reminders(db, moment, couriers):
                sent.append(moment)
    assert sent == [expected_utc]


def test_push_reminders_reach_the_browser_encrypted_and_gone_subscriptions_are_dropped(
    db,
    push_service,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    chen = new_user(db, email="chen@example.com", timezone="Asia/Tokyo")
    remind(db, chen, "21:00", byEmail=False, byPush=True)
    keys = Settings(data_dir=tmp_path).resolved_vapid_keys
    with db.transaction() as session:  # loopback http is the test's push service; the API asks for https
        for path in ("push/inbox", "gone/old-phone"):
            target = browser.target(f"{push_service.origin}/{path}")
            session.add(
                PushSubscription(
                    user_id=chen.id,
                    endpoint=target.endpoint,
                    endpoint_hash=path,
                    p256dh=target.p256dh,
                    auth=target.auth,
                )
            )
    couriers = Couriers(None, lambda target, payload: send_push(target, payload, keys, "mailto:a@m.test"), LINKS, "")
    assert send_due_reminders(db, datetime(2026, 3, 30, 12, 0, tzinfo=UTC), couriers) == 1
    assert send_due_reminders(db, datetime(2026, 3, 30, 12, 5, tzinfo=UTC), couriers) == 0
    message = json.loads(browser.decrypt(push_service.requests[-1].body))
    assert message["title"] == "Time to practise"
    with db.transaction(write=False) as session:
        left = session.exec(select(PushSubscription.endpoint_hash)).all()
    assert left == ["push/inbox"]


def test_a_push_subscription_must_be_https_and_is_kept_once(db):
    me = new_user(db)
    body = {"endpoint": "https://push.example/abc", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    with db.transaction() as session:
        reminders.add_push_subscription(session, actor=me, data=body)
        again = reminders.add_push_subscription(session, actor=me, data=body)
        with pytest.raises(InvalidInput) as plain:
            reminders.add_push_subscription(session, actor=me, data={**body, "endpoint": "http://push.example/x"})
    assert again.push_devices == 1 and plain.value.problems[0].field == "endpoint"
    with db.transaction() as session:
        left = reminders.remove_push_subscription(session, actor=me, data={"endpoint": body["endpoint"]})
    assert left.push_devices == 0
    assert PushTarget("https://push.example/abc", "k", "a").__repr__() == "PushTarget(host='push.example')"


def test_reminder_settings_round_trip(db):
    me = new_user(db)
    with db.transaction() as session:
        assert reminders.get_reminders(session, actor=me).enabled is False
        saved = reminders.set_reminders(
            session, actor=me, data={"enabled": True, "atTime": "07:15:42", "days": ["SU", "MO"]}
        )
        with pytest.raises(InvalidInput):
            reminders.set_reminders(session, actor=me, data={"enabled": True, "atTime": "07:15", "days": []})
    assert (saved.at_time, saved.days) == (time(7, 15), ["MO", "SU"])
