"""A private iCalendar feed of a musician's plans, for Google, Apple or any calendar to subscribe to.

The feed's address carries its row id signed with the server's secret (itsdangerous), so only
the musician who made it knows it; making a new address or turning the feed off revokes the old
one, which then answers 404. Each plan is one event repeating by the plan's own RRULE (all-day,
or at the plan's time in the musician's zone with that zone's definition included).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy import update
from sqlmodel import Session, col, select

from core.i18n import _
from core.models import CalendarFeed, User, utcnow
from core.security import InvalidToken, SignedLinks
from services import plans, recurrence
from services.actor import Actor
from services.errors import NotFound
from services.labels import activity_label
from services.validation import Output

FEED_PATH = "/api/calendar/plans.ics"
LINK_LIFETIME = timedelta(days=36500)  # revoked by its row, not by age


class FeedOut(Output):
    url: str | None
    created_at: datetime | None


def current_feed(session: Session, *, actor: Actor, links: SignedLinks, base_url: str) -> FeedOut:
    row = _active(session, actor.id)
    return _out(row, links, base_url)


def new_feed(session: Session, *, actor: Actor, links: SignedLinks, base_url: str) -> FeedOut:
    """A fresh address; the previous one stops working."""
    _revoke_all(session, actor.id)
    row = CalendarFeed(user_id=actor.id)
    session.add(row)
    session.flush()
    return _out(row, links, base_url)


def revoke_feed(session: Session, *, actor: Actor) -> None:
    _revoke_all(session, actor.id)


def feed_ics(session: Session, *, token: str, links: SignedLinks) -> bytes:
    """The calendar behind a feed address; NotFound for a forged, mangled or revoked one."""
    try:
        feed_id = uuid.UUID(links.read(token, max_age=LINK_LIFETIME))
    except (InvalidToken, ValueError):
        raise NotFound(_("No calendar has this address.")) from None
    row = session.get(CalendarFeed, feed_id)
    user = session.get(User, row.user_id) if row is not None and row.revoked_at is None else None
    if user is None or not user.is_active:
        raise NotFound(_("No calendar has this address."))
    return bytes(plans_calendar(session, user).to_ical())


def plans_calendar(session: Session, user: User) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Mirubato//Practice plans//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Mirubato practice"))
    calendar.add("x-wr-timezone", user.timezone)
    zone = ZoneInfo(user.timezone)
    for plan in plans.active_plan_rows(session, user.id):
        blocks = plans.blocks_of(session, plan.id)
        minutes = sum(b.minutes for b in blocks)
        event = Event()
        event.add("uid", f"plan-{plan.id}@mirubato")
        event.add("summary", plan.title)
        event.add("dtstamp", plan.updated_at)
        event.add("last-modified", plan.updated_at)
        # DTSTART is itself an occurrence (RFC 5545), so it must be the plan's first real day.
        first = recurrence.next_days(plan.rrule, plan.starts_on, plan.starts_on, 1, plan.ends_on)
        if not first:
            continue
        if plan.at_time is None:
            event.add("dtstart", first[0])
            event.add("dtend", first[0] + timedelta(days=1))
        else:
            start = datetime.combine(first[0], plan.at_time, zone)
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(minutes=max(minutes, 1)))
        rule = vRecur.from_ical(plan.rrule)
        if plan.ends_on is not None:  # UNTIL takes DTSTART's value type (RFC 5545 3.3.10)
            if plan.at_time is None:
                rule["UNTIL"] = plan.ends_on
            else:
                rule["UNTIL"] = datetime.combine(plan.ends_on, plan.at_time, zone).astimezone(UTC)
        event.add("rrule", rule)
        event.add("description", "\n".join(_block_line(b.minutes, b.activity_type, b.title) for b in blocks))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def _block_line(minutes: int, activity: str, title: str | None) -> str:
    """One block of a plan in the event's description: "20 min · Scales · C major"."""
    if title:
        # Translators: one block of a practice plan in a calendar event; {title} is the piece or exercise.
        return _(
            "{minutes} min · {activity} · {title}", minutes=minutes, activity=activity_label(activity), title=title
        )
    return _("{minutes} min · {activity}", minutes=minutes, activity=activity_label(activity))


def _active(session: Session, user_id: uuid.UUID) -> CalendarFeed | None:
    return session.exec(
        select(CalendarFeed)
        .where(CalendarFeed.user_id == user_id, col(CalendarFeed.revoked_at).is_(None))
        .order_by(col(CalendarFeed.created_at).desc())
    ).first()


def _revoke_all(session: Session, user_id: uuid.UUID) -> None:
    session.execute(
        update(CalendarFeed)
        .where(col(CalendarFeed.user_id) == user_id, col(CalendarFeed.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def _out(row: CalendarFeed | None, links: SignedLinks, base_url: str) -> FeedOut:
    if row is None:
        return FeedOut(url=None, created_at=None)
    return FeedOut(url=f"{base_url}{FEED_PATH}?key={links.make(str(row.id))}", created_at=row.created_at)
