"""Progress: the musician's own level, streaks and achievements, charts of their practice, exports."""

from __future__ import annotations

from fastapi.responses import RedirectResponse

from components.browser_sign_in import Me, act
from components.frame import frame
from components.goal_editor import GoalsSection
from components.page_route import signed_in_page
from components.progress_view import ProgressSource, ProgressView
from components.refresh import refresh_when_logs_change
from core.i18n import _
from services import analytics, progress


@signed_in_page("/progress")
async def progress_page(me: Me) -> RedirectResponse | None:
    quiet = bool(me.preferences.get("quietMode"))
    with frame(_("Progress"), me):
        goal_section = GoalsSection(quiet=quiet)
        view = ProgressView(
            own_progress(),
            timezone=me.actor.timezone,
            quiet=quiet,
            streaks=bool(me.preferences.get("showStreaks", True)),
        )
        await goal_section.load()
        await view.load()

    async def refresh() -> None:
        await goal_section.load()
        await view.load()

    refresh_when_logs_change(me.actor.id, refresh)
    return None


def own_progress() -> ProgressSource:
    return ProgressSource(
        overview=lambda: act(progress.overview, write=False),
        streaks=lambda: act(progress.streaks, write=False),
        charts=lambda query: act(analytics.analytics_page, write=False, query=query),
        exports=True,
    )
