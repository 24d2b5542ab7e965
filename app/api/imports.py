"""REST: bring practice history along (/api/users/me/import): a CSV, a Mirubato export, or the
original Mirubato app's export, into the signed-in musician's own account.

Both endpoints take a multipart form: ``file``, ``format`` and, for a CSV, ``mapping`` (a JSON object
naming the column of each field). The preview writes nothing; the import lands the good rows and
lists the bad ones, and importing the same file again adds nothing. A body over the size limit is
refused by its Content-Length before any of it is read (one without a length, once it is too long).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from app.api.deps import RATE_LIMIT, CurrentActor, SessionDep
from app.api.errors import error_body
from app.api.routing import OneHopRoute
from services import history_import
from services.history_import import ImportReport
from services.history_sources import ImportFormat

FORM_OVERHEAD = 64 * 1024  # the multipart framing and the other fields around the file
BODY_LIMIT = history_import.MAX_FILE_BYTES + FORM_OVERHEAD
# A body sent without a Content-Length is read up to here, then cut off. FastAPI's limit answers a bare
# "Content Too Large" to any request whose Content-Length is over it, so it sits well above BODY_LIMIT:
# a file of 50 MB gets the answer that says how large it is and what the limit is.
STREAM_LIMIT = 4 * BODY_LIMIT


class _SizeCheckedRoute(OneHopRoute):
    """Refuses a body whose Content-Length is over the limit before reading any of it (413, the sizes in words)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > BODY_LIMIT:
                message = history_import.file_too_large(int(length)).message
                return JSONResponse(error_body(message), status_code=413)
            return await handler(request)

        return checked


router = APIRouter(
    prefix="/api/users/me",
    tags=["import"],
    route_class=_SizeCheckedRoute,
    max_body_size=STREAM_LIMIT,
    dependencies=RATE_LIMIT,
    responses={413: {"description": "The file is too large"}},
)

FileField = Annotated[UploadFile, File(description="A CSV (UTF-8, first line naming the columns) or a JSON export")]
FormatField = Annotated[
    ImportFormat,
    Form(description="csv, mirubato (this app's export) or original (the original Mirubato app's export)"),
]
MappingField = Annotated[
    str | None,
    Form(
        description='CSV only: a JSON object naming the column of each field, e.g. {"date": "Day", "duration": '
        '"Minutes", "activity": "Type", "title": "Piece"}; fields: date, time, duration, activity, instrument, '
        "title, composer, notes, tempo, targetTempo, rating, focus, dayFirst, durationUnit. Without it the "
        "columns whose names say so are used (the report shows the mapping)."
    ),
]


@router.post("/import/preview")
def preview_import(
    session: SessionDep, actor: CurrentActor, file: FileField, format: FormatField, mapping: MappingField = None
) -> ImportReport:
    """What importing the file would do: counts, the first rows as they would be saved, each bad row's
    problem (row, field, message). Nothing is written."""
    options = {"format": format, "mapping": mapping}
    return history_import.preview_import(session, actor=actor, content=_content(file), data=options)


@router.post("/import")
def import_history(
    session: SessionDep, actor: CurrentActor, file: FileField, format: FormatField, mapping: MappingField = None
) -> ImportReport:
    """Import the file into your account: good rows land, bad ones are listed; the same file again adds
    nothing. A file that cannot be read at all, or whose every row is bad, is refused (nothing written)."""
    options = {"format": format, "mapping": mapping}
    return history_import.import_history(session, actor=actor, content=_content(file), data=options)


def _content(file: UploadFile) -> bytes:
    return file.file.read(history_import.MAX_FILE_BYTES + 1)  # one byte over: the service says it is too large
