"""REST: the spec's progress service (/api/progress)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from core.models import Instrument
from services import progress
from services.progress import AchievementOut, InstrumentProgress, ProgressOverview, ProgressStatistics, Streaks

router = APIRouter(route_class=OneHopRoute, prefix="/api/progress", tags=["progress"], dependencies=RATE_LIMIT)


@router.get("/overview")
def overview(session: SessionDep, actor: CurrentActor) -> ProgressOverview:
    """Level, experience points, streak, total time, achievements and recent activity."""
    return progress.overview(session, actor=actor)


@router.get("/instrument/{instrument}")
def by_instrument(session: SessionDep, actor: CurrentActor, instrument: Instrument) -> InstrumentProgress:
    """Level and skill areas on one instrument."""
    return progress.instrument_progress(session, actor=actor, instrument=instrument)


@router.get("/streaks")
def streaks(session: SessionDep, actor: CurrentActor) -> Streaks:
    """The current and longest run of practice days, in the user's time zone."""
    return progress.streaks(session, actor=actor)


@router.get("/achievements")
def achievements(session: SessionDep, actor: CurrentActor) -> list[AchievementOut]:
    """Every achievement, earned or not, with the day it was earned."""
    return progress.achievements(session, actor=actor)


@router.get("/statistics")
def statistics(session: SessionDep, actor: CurrentActor) -> ProgressStatistics:
    """Totals, averages, and time per instrument and per activity."""
    return progress.statistics(session, actor=actor)
