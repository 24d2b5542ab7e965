"""Progress: the musician's own level, streaks and achievements, charts of their practice, exports."""

from __future__ import annotations

from fastapi.responses import RedirectResponse

from components.browser_sign_in import Me, act
from components.frame import frame
from components.page_route import signed_in_page
from components.progress_view import ProgressSource, ProgressView
from components.refresh import refresh_when_logs_change
from services import analytics, progress


@signed_in_page("/progress")
async def progress_page(me: Me) -> RedirectResponse | None:
    with frame("Progress", me):
        view = ProgressView(own_progress(), timezone=me.actor.timezone)
        await view.load()
    refresh_when_logs_change(me.actor.id, view.load)
    return None


def own_progress() -> ProgressSource:
    return ProgressSource(
        overview=lambda: act(progress.overview, write=False),
        streaks=lambda: act(progress.streaks, write=False),
        charts=lambda query: act(analytics.analytics_page, write=False, query=query),
        exports=True,
    )
