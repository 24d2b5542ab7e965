"""Input and output shapes at the service boundary: camelCase on the wire, one error style.

Every service input is a :class:`Input` model. Services accept the model or a plain mapping
and run it through :func:`parse`, so a page and a REST client get the same checks and the
same messages, each naming the field (by its camelCase name) and the problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from services.errors import FieldProblem, InvalidInput

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


# What both databases can store and every calendar computation can handle. A value outside
# these crashes deep below the boundary (an integer too large for SQLite, a NUL byte in a
# PostgreSQL text, a time zone shift past year 9999), so every field of every input is held
# to them here, whatever type it was declared with.
SMALLEST_INT, LARGEST_INT = -(2**31), 2**31 - 1
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2100, 12, 31)
MAX_OFFSET = 1_000_000_000


class Input(BaseModel):
    """Base of every request shape: camelCase names, unknown fields refused, text trimmed.

    Every field, nested values included, must also be storable (see :func:`check_storable`);
    a subclass names in ``unchecked_fields`` raw containers it parses item by item itself.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        str_strip_whitespace=True,
        frozen=True,
    )
    unchecked_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name not in cls.unchecked_fields:
            check_storable(value)
        return value


def check_storable(value: Any, where: str = "") -> None:
    """Refuse a value no database column or date computation of ours can hold (ValueError)."""
    problem: str | None = None
    if isinstance(value, str):
        if "\x00" in value:
            problem = "must not contain the NUL character (\\u0000)"
    elif isinstance(value, bool | BaseModel):
        return  # a flag; or a nested input, which checked itself
    elif isinstance(value, int):
        if not SMALLEST_INT <= value <= LARGEST_INT:
            problem = f"must be between {SMALLEST_INT} and {LARGEST_INT}"
    elif isinstance(value, float):
        if not math.isfinite(value):
            problem = "must be a finite number"
    elif isinstance(value, date):
        day = value.replace(tzinfo=None).date() if isinstance(value, datetime) else value
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            problem = f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_storable(key, f"{where}[{key!r}]")
            check_storable(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            check_storable(item, f"{where}[{index}]")
    if problem is not None:
        raise ValueError(f"{where} {problem}".lstrip() if where else problem)


class Output(BaseModel):
    """Base of every read model: camelCase names on the wire, attributes by Python name."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class Page(Output, Generic[T]):
    """One page of a list: the items, how many match in all, and where the next page starts."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def page_of(items: list[T], *, total: int, limit: int, offset: int) -> Page[T]:
    following = offset + len(items)
    return Page[T](
        items=items, total=total, limit=limit, offset=offset, next_offset=following if following < total else None
    )


def parse(model: type[M], data: M | Mapping[str, Any]) -> M:
    """Validate ``data`` as ``model``; a failure becomes :class:`InvalidInput` naming each field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(problems=problems_from(exc.errors())) from None


def problems_from(errors: Iterable[Mapping[str, Any]], *, skip_prefix: Sequence[str] = ()) -> list[FieldProblem]:
    """Turn pydantic error dicts into field problems with plain-language messages."""
    problems = []
    for error in errors:
        loc = list(error.get("loc", ()))
        while loc and loc[0] in skip_prefix:
            loc.pop(0)
        problems.append(FieldProblem(field_path(loc), friendly_message(error)))
    return problems


def field_path(loc: Sequence[Any]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "function_")):
            path += f".{part}" if path else str(part)
    return path


_PHRASES = (
    ("Input should be a valid", "must be a valid"),
    ("Input should be", "must be"),
    ("String should have", "must have"),
    ("List should have", "must have"),
    ("Value should have", "must have"),
    ("Input should have", "must have"),
    ("Field required", "is required"),
    ("Extra inputs are not permitted", "is not a known field"),
)


def friendly_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}" if expected else message
    for pydantic_phrase, ours in _PHRASES:
        if message.startswith(pydantic_phrase):
            return ours + message[len(pydantic_phrase) :]
    return message


def _valid_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("must be an IANA time zone such as Europe/Berlin or America/New_York")
    return value


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def common_timezones() -> list[str]:
    """IANA zones people choose from (Area/City), sorted; for time-zone pickers."""
    areas = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
    return [*sorted(zone for zone in _timezones() if zone.startswith(areas)), "UTC"]


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _valid_url(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("must be an http:// or https:// address")
    return value


_TAG = re.compile(r"^[a-z0-9][a-z0-9 _-]*$")


def _valid_tags(values: list[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        tag = value.strip().lower()
        if not _TAG.match(tag):
            raise ValueError(f"{value!r} must use only letters, digits, spaces, '-' and '_'")
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def _text(max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Text40 = Annotated[str, _text(40)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text300 = Annotated[str, _text(300)]
LongText = Annotated[str, _text(10_000)]
TimeZoneName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_valid_timezone)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2048), AfterValidator(_valid_url)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Tags = Annotated[list[Tag], AfterValidator(_valid_tags)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="How many matching items to skip")]
