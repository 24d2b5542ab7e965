"""REST: the offline-sync protocol for clients other than the NiceGUI page (/api/sync)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api.deps import BODY_LIMIT, CurrentActor, SessionDep
from app.api.routing import OneHopRoute
from core import metrics
from services import sync
from services.sync import Batch, BatchResult

# No per-request limit: the service counts each change of a batch against the user's writes.
router = APIRouter(route_class=OneHopRoute, prefix="/api", tags=["sync"], max_body_size=4 * BODY_LIMIT)


@router.post("/sync")
def apply_changes(request: Request, session: SessionDep, actor: CurrentActor, body: Batch) -> BatchResult:
    """Apply up to 100 queued changes; each answered applied, conflict or rejected (repeats: `repeated`)."""
    result = sync.apply_batch(session, actor=actor, batch=body, limiter=request.app.state.limiter)
    metrics.observe_sync([r.status.value for r in result.results])
    return result
