"""REST: the sheet-music catalogue (/api/sheet-music). Reading needs no sign-in."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.api.deps import CATALOGUE_BODY_LIMIT, RATE_LIMIT, CurrentActor, OptionalActor, SessionDep
from app.api.routing import OneHopRoute
from services import catalogue, recommendations
from services.catalogue import CatalogueQuery, PieceIn, PieceOut, PieceSummary, PieceUpdate
from services.recommendations import Recommendation, RecommendationQuery
from services.validation import Page

router = APIRouter(
    route_class=OneHopRoute,
    prefix="/api/sheet-music",
    tags=["sheet music"],
    max_body_size=CATALOGUE_BODY_LIMIT,
    dependencies=RATE_LIMIT,
)


@router.get("")
def list_pieces(
    session: SessionDep, actor: OptionalActor, query: Annotated[CatalogueQuery, Query()]
) -> Page[PieceSummary]:
    """List pieces with filters (instrument, difficulty range, grade, period, composer, key, tags, q)."""
    return catalogue.list_pieces(session, actor=actor, query=query)


@router.get("/recommended")
def recommended_pieces(
    session: SessionDep, actor: CurrentActor, query: Annotated[RecommendationQuery, Query()]
) -> list[Recommendation]:
    """Pieces to learn next for the user's instrument and level, each with a short reason."""
    return recommendations.recommended(session, actor=actor, query=query)


@router.get("/random", responses={404: {"description": "No piece matches"}})
def random_piece(session: SessionDep, query: Annotated[CatalogueQuery, Query()]) -> PieceOut:
    """A random piece matching the criteria, for sight-reading."""
    return catalogue.random_piece(session, query=query)


@router.get("/{piece_id}")
def get_piece(session: SessionDep, actor: OptionalActor, piece_id: uuid.UUID) -> PieceOut:
    """One piece, with its notation data when it has some."""
    return catalogue.get_piece(session, actor=actor, piece_id=piece_id)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_piece(session: SessionDep, actor: CurrentActor, body: PieceIn, response: Response) -> PieceOut:
    """Add a piece (admins only)."""
    piece = catalogue.create_piece(session, actor=actor, data=body)
    response.headers["Location"] = f"/api/sheet-music/{piece.id}"
    return piece


@router.put("/{piece_id}")
def update_piece(session: SessionDep, actor: CurrentActor, piece_id: uuid.UUID, body: PieceUpdate) -> PieceOut:
    """Replace a piece's fields (admins only)."""
    return catalogue.update_piece(session, actor=actor, piece_id=piece_id, data=body)
