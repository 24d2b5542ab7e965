"""The statements of progress's fast path, built once with bound parameters.

A save runs them on every new log; building a statement costs more than running it on SQLite
(SQLAlchemy's expression construction and cache-key walk), so they are module constants, and
what would be several statements is one: the user's time zone with three yes/no questions, and
every trend window of the new log's scopes as one UNION ALL.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    false,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.sql.expression import CompoundSelect, union_all

from core.fast_times import raw_time
from core.models import PracticeLog, ProgressTracking, User
from services.progress_rules import ALL_INSTRUMENTS, OVERALL, SKILL_AREAS, TREND_WINDOW

# SQLModel sets __table__ at runtime; its stubs do not declare it.
LOGS = PracticeLog.__table__  # type: ignore[attr-defined]  # see above
ROWS = ProgressTracking.__table__  # type: ignore[attr-defined]  # see above
USERS = User.__table__  # type: ignore[attr-defined]  # see above
Scope = tuple[str, str]


def _active_logs(*conditions: Any) -> Any:
    return exists().where(LOGS.c.user_id == bindparam("user_id"), LOGS.c.is_active.is_(True), *conditions)


_LATER = _active_logs(
    # The plain range first: with only the OR, SQLite searched the (user_id, start_time) index by
    # user alone and read every log of the user (31 ms for 20,000) to find that none is later.
    LOGS.c.start_time >= bindparam("start"),
    or_(
        LOGS.c.start_time > bindparam("start"),
        and_(LOGS.c.start_time == bindparam("start"), LOGS.c.id > bindparam("log_id")),
    ),
)
_OTHERS = _active_logs(LOGS.c.id != bindparam("log_id"))
_SAME_PIECE_BY_ID = _active_logs(LOGS.c.id != bindparam("log_id"), LOGS.c.sheet_music_id == bindparam("piece_id"))
_SAME_PIECE_BY_TITLE = _active_logs(
    LOGS.c.id != bindparam("log_id"),
    LOGS.c.sheet_music_id.is_(None),
    LOGS.c.work_title == bindparam("title"),
    LOGS.c.composer.is_not_distinct_from(bindparam("composer")),
)


def _facts(same_piece: Any) -> Select[Any]:
    """Time zone; a later log exists; another log exists; another log names the same piece."""
    return select(USERS.c.timezone, _LATER, _OTHERS, same_piece).where(USERS.c.id == bindparam("user_id"))


FACTS_BY_PIECE_ID = _facts(_SAME_PIECE_BY_ID)
FACTS_BY_TITLE = _facts(_SAME_PIECE_BY_TITLE)
FACTS_WITHOUT_PIECE = _facts(false())

PROGRESS_ROWS = select(ROWS).where(ROWS.c.user_id == bindparam("user_id"))
UPDATE_ROW = ROWS.update().where(ROWS.c.id == bindparam("row_id"))
INSERT_ROW = ROWS.insert()

DISTINCT_PIECES = (
    select(cast(LOGS.c.sheet_music_id, String), LOGS.c.composer, LOGS.c.work_title)
    .where(LOGS.c.user_id == bindparam("user_id"), LOGS.c.is_active.is_(True))
    .distinct()
)

SCOPE_KINDS = ("all", "instrument", "area")  # the user's logs; of the instrument; of the instrument and skill area


def _window(number: int, measure: str, scope: str, area: str) -> Select[Any]:
    """The scope's window for a log of the instrument bound as ``instrument``, in this skill area."""
    return measured_logs(
        number,
        measure,
        instrument=None if scope == "all" else bindparam("instrument"),
        activities=activities_of(area) if scope == "area" else None,
    )


def measured_logs(
    number: int, measure: str, *, instrument: Any = None, activities: list[str] | None = None
) -> Select[Any]:
    """The user's last TREND_WINDOW logs carrying the measure (of the instrument, in the activities,
    when given), with what orders them (newest first), each row numbered ``number``.

    Plain ORDER BY ... LIMIT walks the (user_id, start_time) index backwards and stops after
    TREND_WINDOW rows; numbering the rows with a window function would read all of them.
    """
    conditions: list[Any] = [LOGS.c.user_id == bindparam("user_id"), LOGS.c.is_active.is_(True)]
    if measure == "accuracy":
        conditions.append(LOGS.c.accuracy_percentage.is_not(None))
        values = [LOGS.c.accuracy_percentage, cast(null(), Integer), cast(null(), Integer)]
    else:
        conditions += [LOGS.c.tempo_practiced > 0, LOGS.c.target_tempo > 0]
        values = [cast(null(), Float), LOGS.c.tempo_practiced, LOGS.c.target_tempo]
    # Labelled: unlabelled NULLs get generated names, and the outer SELECT of a branch may pick one twice.
    labelled = [value.label(name) for value, name in zip(values, ("accuracy", "tempo", "target"), strict=True)]
    if instrument is not None:
        conditions.append(LOGS.c.instrument == instrument)
    if activities is not None:
        conditions.append(LOGS.c.activity_type.in_(activities))
    return (
        select(
            literal_column(str(number), Integer).label("branch"),
            *labelled,
            raw_time(LOGS.c.start_time).label("start"),
            LOGS.c.id.label("log_id"),
        )
        .where(*conditions)
        .order_by(LOGS.c.start_time.desc(), LOGS.c.id.desc())
        .limit(TREND_WINDOW)
    )


@cache
def branches(measures: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(measure, scope kind) of each branch of ``trend_windows``, by branch number."""
    return tuple((measure, scope) for measure in measures for scope in SCOPE_KINDS)


@cache
def trend_windows(measures: tuple[str, ...], area: str) -> CompoundSelect[Any]:
    """One statement for every (measure, scope) window of a log in this skill area; rows carry the branch number."""
    windows = [_window(number, measure, scope, area) for number, (measure, scope) in enumerate(branches(measures))]
    return union_all(*(window.subquery().select() for window in windows))


def scope_kind(scope: Scope) -> str:
    if scope[0] == ALL_INSTRUMENTS:
        return "all"
    return "instrument" if scope[1] == OVERALL else "area"


def activities_of(area: str) -> list[str]:
    return [activity.value for activity, in_area in SKILL_AREAS.items() if in_area == area]
