"""REST: the spec's analytics service (/api/analytics): time, repertoire, improvement, export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import Field

from app.api.deps import RATE_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from services import analytics, log_export, report_pdf
from services.analytics import Improvement, PracticeTime, RepertoireAnalysis
from services.analytics_query import AnalyticsQuery

router = APIRouter(route_class=OneHopRoute, prefix="/api/analytics", tags=["analytics"], dependencies=RATE_LIMIT)
DOWNLOADS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
Filters = Annotated[AnalyticsQuery, Query()]


class ExportQuery(AnalyticsQuery):
    format: Literal["csv", "json", "pdf"] = Field(default="csv", description="csv, json or pdf")


@router.get("/practice-time")
def practice_time(session: SessionDep, actor: CurrentActor, query: Filters) -> PracticeTime:
    """Time per day/week/month with a moving average, by activity and instrument, against the period before."""
    return analytics.practice_time(session, actor=actor, query=query)


@router.get("/repertoire")
def repertoire(session: SessionDep, actor: CurrentActor, query: Filters) -> RepertoireAnalysis:
    """Top pieces and composers, and time per style period."""
    return analytics.repertoire(session, actor=actor, query=query)


@router.get("/improvement")
def improvement(session: SessionDep, actor: CurrentActor, query: Filters) -> Improvement:
    """Tempo against target per piece; accuracy and self-rating trends."""
    return analytics.improvement(session, actor=actor, query=query)


@router.get("/export", responses=DOWNLOADS)
def export(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    query: Annotated[ExportQuery, Query()],
) -> Response:
    """The filtered logs as CSV or JSON, or a PDF report with summary figures, charts and the logs."""
    stem = "mirubato-logs"
    if query.format == "pdf":
        report = report_pdf.practice_report(session, actor=actor, query=query, browser=request.app.state.chart_browser)
        return _download(report.content, "application/pdf", report.filename)
    if query.format == "json":
        return _download(log_export.logs_json(session, actor=actor, query=query), "application/json", f"{stem}.json")
    return _download(log_export.logs_csv(session, actor=actor, query=query), "text/csv; charset=utf-8", f"{stem}.csv")


def _download(content: str | bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
