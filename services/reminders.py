"""Practice reminders that respect the day: at the musician's local time on the days they chose,
only when they have not practised yet that day, by email and/or Web Push, at most once a day.

"Once a day" holds with several app processes looking at the same moment: a reminder is first
*claimed* by inserting its (musician, local day) row in a transaction of its own; the database's
primary key lets one insert win and the others fail, and only the winner sends. A claim whose
every delivery failed is released, so a later look (within the window) tries again.

Time comes in as an argument (``now``): the server's loop passes the clock, tests pass any
moment, so a whole simulated day runs in a second and daylight-saving changes are tested.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlalchemy import delete, exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from core import i18n
from core.db import Database
from core.i18n import _, ngettext
from core.models import PracticeLog, PushSubscription, ReminderSent, ReminderSetting, User, utcnow
from core.security import InvalidToken, SignedLinks
from services.actor import Actor
from services.adapters.mail import Mailer, MailUnavailable
from services.adapters.web_push import PushOutcome, PushTarget
from services.calendar_days import day_start
from services.errors import InvalidInput
from services.recurrence import WEEKDAYS, Weekday
from services.validation import Input, Output, Url, parse

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=3)  # a reminder later than this after its time (the server was down) is skipped
LINK_LIFETIME = timedelta(days=3650)  # an unsubscribe link must keep working as long as the emails exist
MAX_DEVICES = 10
STOP_PATH = "/reminders/stop"


class ReminderIn(Input):
    enabled: bool
    at_time: time = Field(description="Local time of day, e.g. 18:30")
    days: list[Weekday] = Field(min_length=1, max_length=7, description="MO..SU")
    by_email: bool = True
    by_push: bool = False


class ReminderOut(Output):
    enabled: bool
    at_time: time
    days: list[Weekday]
    by_email: bool
    by_push: bool
    push_devices: int


class PushKeys(Input):
    p256dh: str = Field(min_length=20, max_length=200)
    auth: str = Field(min_length=8, max_length=100)


class PushSubscriptionIn(Input):
    """What ``PushManager.subscribe()`` returns, as ``subscription.toJSON()`` shapes it."""

    endpoint: Url
    keys: PushKeys


class PushEndpoint(Input):
    endpoint: Url


@dataclass(frozen=True)
class Couriers:
    """How reminders travel: the mailer, a push sender (None without VAPID keys), and the links."""

    mailer: Mailer | None
    push: Callable[[PushTarget, Mapping[str, Any]], PushOutcome] | None
    links: SignedLinks
    base_url: str


@dataclass(frozen=True)
class Due:
    user_id: uuid.UUID
    email: str
    name: str | None
    local_day: date
    by_email: bool
    by_push: bool
    language: str | None = None  # the musician's chosen language; None: English (no browser to ask)


DEFAULT = ReminderOut(
    enabled=False, at_time=time(18, 0), days=list(WEEKDAYS), by_email=True, by_push=False, push_devices=0
)


# --- the musician's settings --------------------------------------------------------------------


def get_reminders(session: Session, *, actor: Actor) -> ReminderOut:
    row = session.get(ReminderSetting, actor.id)
    devices = len(_subscriptions(session, actor.id))
    if row is None:
        return DEFAULT.model_copy(update={"push_devices": devices})
    return _out(row, devices)


def set_reminders(session: Session, *, actor: Actor, data: ReminderIn | Mapping[str, Any]) -> ReminderOut:
    wanted = parse(ReminderIn, data)
    row = session.get(ReminderSetting, actor.id) or ReminderSetting(user_id=actor.id, at_time=wanted.at_time)
    row.enabled = wanted.enabled
    row.at_time = wanted.at_time.replace(second=0, microsecond=0, tzinfo=None)
    row.weekdays = sum(1 << WEEKDAYS.index(day) for day in set(wanted.days))
    row.by_email = wanted.by_email
    row.by_push = wanted.by_push
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return _out(row, len(_subscriptions(session, actor.id)))


def add_push_subscription(
    session: Session, *, actor: Actor, data: PushSubscriptionIn | Mapping[str, Any]
) -> ReminderOut:
    """Keep this browser's push subscription (the same endpoint again replaces the keys)."""
    wanted = parse(PushSubscriptionIn, data)
    if not wanted.endpoint.startswith("https://"):
        raise InvalidInput("endpoint", _("must be an https address from the browser's push service"))
    digest = _digest(wanted.endpoint)
    row = session.exec(select(PushSubscription).where(PushSubscription.endpoint_hash == digest)).first()
    if row is None:
        if len(_subscriptions(session, actor.id)) >= MAX_DEVICES:
            raise InvalidInput(
                "endpoint",
                ngettext(
                    "reminders go to at most {n} device; remove one first",
                    "reminders go to at most {n} devices; remove one first",
                    MAX_DEVICES,
                ),
            )
        row = PushSubscription(user_id=actor.id, endpoint=wanted.endpoint, endpoint_hash=digest, p256dh="", auth="")
    row.user_id, row.p256dh, row.auth = actor.id, wanted.keys.p256dh, wanted.keys.auth
    session.add(row)
    session.flush()
    return get_reminders(session, actor=actor)


def remove_push_subscription(session: Session, *, actor: Actor, data: PushEndpoint | Mapping[str, Any]) -> ReminderOut:
    wanted = parse(PushEndpoint, data)
    session.execute(
        delete(PushSubscription).where(
            col(PushSubscription.user_id) == actor.id, col(PushSubscription.endpoint_hash) == _digest(wanted.endpoint)
        )
    )
    return get_reminders(session, actor=actor)


def stop_link(links: SignedLinks, base_url: str, user_id: uuid.UUID) -> str:
    return f"{base_url}{STOP_PATH}?token={links.make(str(user_id))}"


def stop_by_link(session: Session, *, token: str, links: SignedLinks) -> None:
    """The email's unsubscribe link (or its one-click POST): reminders off for that musician."""
    try:
        user_id = uuid.UUID(links.read(token, max_age=LINK_LIFETIME))
    except (InvalidToken, ValueError):
        raise InvalidInput("token", _("is not a valid unsubscribe link")) from None
    row = session.get(ReminderSetting, user_id)
    if row is not None and row.enabled:
        row.enabled = False
        row.updated_at = utcnow()
        session.add(row)


# --- sending ------------------------------------------------------------------------------------


def due_now(session: Session, now: datetime) -> list[Due]:
    """Who should get a reminder at ``now``: enabled, a chosen weekday, past their time (within the
    window), not yet reminded that local day, and not practised yet that day."""
    rows = session.exec(
        select(ReminderSetting, User)
        .join(User, col(User.id) == ReminderSetting.user_id)
        .where(col(ReminderSetting.enabled).is_(True), col(User.is_active).is_(True))
    ).all()
    found = []
    for setting, user in rows:
        zone = ZoneInfo(user.timezone)
        day = now.astimezone(zone).date()
        if not setting.weekdays & (1 << day.weekday()):
            continue
        # A wall time that does not exist (the hour skipped in spring) resolves forward, by zoneinfo's rule.
        moment = datetime.combine(day, setting.at_time, zone).astimezone(UTC)
        if not moment <= now < moment + WINDOW:
            continue
        if session.get(ReminderSent, (user.id, day)) is not None or _practised(session, user, day):
            continue
        found.append(
            Due(
                user.id,
                user.email,
                user.display_name,
                day,
                setting.by_email,
                setting.by_push,
                language=_chosen_language(user),
            )
        )
    return found


def send_due_reminders(database: Database, now: datetime, couriers: Couriers) -> int:
    """Send every reminder due at ``now`` that this process wins the claim for; how many went out."""
    with database.transaction(write=False) as session:
        due = due_now(session, now)
    sent = 0
    for reminder in due:
        if not _claim(database, reminder):
            continue
        if _deliver(database, reminder, couriers):
            sent += 1
        else:
            _release(database, reminder)
    return sent


def _claim(database: Database, reminder: Due) -> bool:
    try:
        with database.transaction() as session:
            session.add(ReminderSent(user_id=reminder.user_id, local_day=reminder.local_day))
    except IntegrityError:
        return False  # another process claimed it first
    return True


def _release(database: Database, reminder: Due) -> None:
    with database.transaction() as session:
        session.execute(
            delete(ReminderSent).where(
                col(ReminderSent.user_id) == reminder.user_id, col(ReminderSent.local_day) == reminder.local_day
            )
        )


def _deliver(database: Database, reminder: Due, couriers: Couriers) -> bool:
    # No request is running: the notification and the email speak the musician's chosen language.
    with i18n.use_language(reminder.language):
        return _deliver_now(database, reminder, couriers)


def _deliver_now(database: Database, reminder: Due, couriers: Couriers) -> bool:
    delivered = False
    if reminder.by_push and couriers.push is not None:
        delivered = _push_all(database, reminder, couriers)
    if reminder.by_email and couriers.mailer is not None:
        try:
            couriers.mailer.send(
                reminder_message(reminder, stop_link(couriers.links, couriers.base_url, reminder.user_id))
            )
            delivered = True
        except MailUnavailable:
            log.warning("a practice reminder could not be mailed; it will be tried again")
    return delivered


def _push_all(database: Database, reminder: Due, couriers: Couriers) -> bool:
    assert couriers.push is not None
    with database.transaction(write=False) as session:
        targets = [(s.id, PushTarget(s.endpoint, s.p256dh, s.auth)) for s in _subscriptions(session, reminder.user_id)]
    payload = {"title": _("Time to practise"), "body": _("You have not practised yet today."), "url": "/"}
    delivered, gone = False, []
    for subscription_id, target in targets:
        outcome = couriers.push(target, payload)
        delivered = delivered or outcome == PushOutcome.DELIVERED
        if outcome == PushOutcome.GONE:
            gone.append(subscription_id)
    if gone:  # the browser unsubscribed or the subscription expired: never try it again
        with database.transaction() as session:
            session.execute(delete(PushSubscription).where(col(PushSubscription.id).in_(gone)))
    return delivered


def reminder_message(reminder: Due, stop: str) -> EmailMessage:
    message = EmailMessage()
    message["To"] = reminder.email
    message["Subject"] = _("Time to practise")
    # RFC 8058 one-click unsubscribe: mail clients show an "Unsubscribe" button that POSTs here.
    message["List-Unsubscribe"] = f"<{stop.replace(STOP_PATH, '/api' + STOP_PATH, 1)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Translators: {name} is the musician's name as they gave it.
    hello = _("Hello {name},", name=reminder.name) if reminder.name else _("Hello,")
    nudge = _("you have not practised yet today. Even ten minutes keep a piece alive.")
    # Translators: {link} is the address that turns the reminders off; the line break is for plain-text email.
    stop_text = _("Stop these reminders: {link}\n(or change the time and days in Mirubato's settings)", link=stop)
    message.set_content(f"{hello}\n\n{nudge}\n\n{stop_text}\n")
    return message


# --- the pieces -----------------------------------------------------------------------------------


def _practised(session: Session, user: User, day: date) -> bool:
    return bool(
        session.exec(
            select(
                exists().where(
                    col(PracticeLog.user_id) == user.id,
                    col(PracticeLog.is_active).is_(True),
                    col(PracticeLog.start_time) >= day_start(day, user.timezone),
                    col(PracticeLog.start_time) < day_start(day + timedelta(days=1), user.timezone),
                )
            )
        ).one()
    )


def _chosen_language(user: User) -> str | None:
    """The language the musician chose in Settings; None for "auto" (it follows a browser, and none is here)."""
    chosen = (user.preferences or {}).get("language")
    return chosen if chosen != "auto" else None


def _subscriptions(session: Session, user_id: uuid.UUID) -> list[PushSubscription]:
    return list(session.exec(select(PushSubscription).where(PushSubscription.user_id == user_id)).all())


def _digest(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _out(row: ReminderSetting, devices: int) -> ReminderOut:
    return ReminderOut(
        enabled=row.enabled,
        at_time=row.at_time,
        days=[day for index, day in enumerate(WEEKDAYS) if row.weekdays & (1 << index)],
        by_email=row.by_email,
        by_push=row.by_push,
        push_devices=devices,
    )
