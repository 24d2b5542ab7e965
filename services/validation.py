"""Input and output shapes at the service boundary: camelCase on the wire, one error style.

Every service input is a :class:`Input` model. Services accept the model or a plain mapping
and run it through :func:`parse`, so a page and a REST client get the same checks and the
same messages, each naming the field (by its camelCase name) and the problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, ClassVar, Generic, TypeVar
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel

from core.i18n import _, ngettext
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
            problem = _("must not contain the NUL character (\\u0000)")
    elif isinstance(value, bool | BaseModel):
        return  # a flag; or a nested input, which checked itself
    elif isinstance(value, int):
        if not SMALLEST_INT <= value <= LARGEST_INT:
            problem = _("must be between {low} and {high}", low=SMALLEST_INT, high=LARGEST_INT)
    elif isinstance(value, float):
        if not math.isfinite(value):
            problem = _("must be a finite number")
    elif isinstance(value, date):
        day = value.replace(tzinfo=None).date() if isinstance(value, datetime) else value
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            problem = _("must be between {low} and {high}", low=EARLIEST_DAY.isoformat(), high=LATEST_DAY.isoformat())
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


OutputT = TypeVar("OutputT", bound=Output)


def outputs(model: type[OutputT], rows: Iterable[Mapping[str, Any]]) -> list[OutputT]:
    """Many read models at once, from dicts keyed by field name: one call into pydantic's compiled
    validator for the whole list. For the lists of a multi-year analysis (a row per day or per log):
    1,826 days took 7 ms through ``model_construct`` (Python, per item) and 1.4 ms this way."""
    return _list_adapter(model).validate_python(rows if isinstance(rows, list) else list(rows))


@cache
def _list_adapter(model: type[OutputT]) -> TypeAdapter[list[OutputT]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]  # a model class given at run time


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


def friendly_message(error: Mapping[str, Any]) -> str:
    """A pydantic error in our words and in the current language (pydantic's own text, reworded, for the rare
    kinds we do not know)."""
    ours = _OWN_MESSAGES.get(str(error.get("type")))
    if ours is not None:
        try:
            return ours(error.get("ctx") or {})
        except (KeyError, TypeError, ValueError):  # a context without what the message needs
            pass
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")  # our ValueErrors are translated
    for pydantic_phrase, ours_phrase in _PHRASES:
        if message.startswith(pydantic_phrase):
            return ours_phrase + message[len(pydantic_phrase) :]
    return message


def _shown(value: Any) -> str:
    """A limit from an error's context as pydantic writes it in its message (a float in full: 0.00001, 2)."""
    if isinstance(value, float) and math.isfinite(value):
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def _collection_length(ctx: Mapping[str, Any], longest: bool) -> str:
    # Only the kinds whose English said "must have" before (pydantic names a set or a tuple otherwise).
    if ctx.get("field_type", "List") not in ("List", "Value", "Input"):
        raise ValueError("worded by pydantic")
    if longest:
        return ngettext(
            "must have at most {max_length} item after validation, not {actual_length}",
            "must have at most {max_length} items after validation, not {actual_length}",
            int(ctx["max_length"]),
            max_length=_shown(ctx["max_length"]),
            actual_length=_shown(ctx["actual_length"]),
        )
    return ngettext(
        "must have at least {min_length} item after validation, not {actual_length}",
        "must have at least {min_length} items after validation, not {actual_length}",
        int(ctx["min_length"]),
        min_length=_shown(ctx["min_length"]),
        actual_length=_shown(ctx["actual_length"]),
    )


# Our message for each common kind of pydantic error, with the error's context as placeholders; in English
# the same words as pydantic's message with "Input should be" turned into "must be" (and so on). A page shows
# them next to the field, the API after the field's name ("title: must have at most 100 characters").
_OWN_MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # Translators: the messages about a field start without its name, shown before them ("title: is required").
    "missing": lambda _ctx: _("is required"),
    "extra_forbidden": lambda _ctx: _("is not a known field"),
    "string_too_long": lambda ctx: ngettext(
        "must have at most {max_length} character",
        "must have at most {max_length} characters",
        int(ctx["max_length"]),
        max_length=_shown(ctx["max_length"]),
    ),
    "string_too_short": lambda ctx: ngettext(
        "must have at least {min_length} character",
        "must have at least {min_length} characters",
        int(ctx["min_length"]),
        min_length=_shown(ctx["min_length"]),
    ),
    "too_long": lambda ctx: _collection_length(ctx, longest=True),
    "too_short": lambda ctx: _collection_length(ctx, longest=False),
    "string_pattern_mismatch": lambda ctx: _("String should match pattern '{pattern}'", pattern=ctx["pattern"]),
    "string_type": lambda _ctx: _("must be a valid string"),
    "greater_than_equal": lambda ctx: _("must be greater than or equal to {ge}", ge=_shown(ctx["ge"])),
    "less_than_equal": lambda ctx: _("must be less than or equal to {le}", le=_shown(ctx["le"])),
    "greater_than": lambda ctx: _("must be greater than {gt}", gt=_shown(ctx["gt"])),
    "less_than": lambda ctx: _("must be less than {lt}", lt=_shown(ctx["lt"])),
    "multiple_of": lambda ctx: _("must be a multiple of {multiple_of}", multiple_of=_shown(ctx["multiple_of"])),
    "int_type": lambda _ctx: _("must be a valid integer"),
    "int_parsing": lambda _ctx: _("must be a valid integer, unable to parse string as an integer"),
    "int_from_float": lambda _ctx: _("must be a valid integer, got a number with a fractional part"),
    "int_parsing_size": lambda _ctx: _("Unable to parse input string as an integer, exceeded maximum size"),
    "float_type": lambda _ctx: _("must be a valid number"),
    "float_parsing": lambda _ctx: _("must be a valid number, unable to parse string as a number"),
    "finite_number": lambda _ctx: _("must be a finite number"),
    "decimal_parsing": lambda _ctx: _("must be a valid decimal"),
    "bool_type": lambda _ctx: _("must be a valid boolean"),
    "bool_parsing": lambda _ctx: _("must be a valid boolean, unable to interpret input"),
    # Translators: {expected} lists the accepted values as pydantic writes them: 'a', 'b' or 'c'.
    "enum": lambda ctx: _("must be one of {expected}", expected=ctx["expected"]),
    # Translators: {expected} lists the accepted values as pydantic writes them: 'a', 'b' or 'c'.
    "literal_error": lambda ctx: _("must be {expected}", expected=ctx["expected"]),
    # Translators: {error} is pydantic's own explanation, in English (e.g. "invalid character").
    "uuid_parsing": lambda ctx: _("must be a valid UUID, {error}", error=ctx["error"]),
    "date_type": lambda _ctx: _("must be a valid date"),
    "date_parsing": lambda ctx: _("must be a valid date in the format YYYY-MM-DD, {error}", error=ctx["error"]),
    "date_from_datetime_parsing": lambda ctx: _("must be a valid date or datetime, {error}", error=ctx["error"]),
    "datetime_type": lambda _ctx: _("must be a valid datetime"),
    "datetime_parsing": lambda ctx: _("must be a valid datetime, {error}", error=ctx["error"]),
    "datetime_from_date_parsing": lambda ctx: _("must be a valid datetime or date, {error}", error=ctx["error"]),
    "time_type": lambda _ctx: _("must be a valid time"),
    "time_parsing": lambda ctx: _("must be in a valid time format, {error}", error=ctx["error"]),
    "timezone_aware": lambda _ctx: _("must have timezone info"),
    "url_parsing": lambda ctx: _("must be a valid URL, {error}", error=ctx["error"]),
    "list_type": lambda _ctx: _("must be a valid list"),
    "dict_type": lambda _ctx: _("must be a valid dictionary"),
    "model_type": lambda ctx: _("must be a valid dictionary or instance of {class_name}", class_name=ctx["class_name"]),
    "json_invalid": lambda ctx: _("Invalid JSON: {error}", error=ctx["error"]),
}

# For the kinds above when their context lacks a value, and for the others: pydantic's English, reworded.
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


def _valid_timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError(_("must be an IANA time zone such as Europe/Berlin or America/New_York"))
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
        raise ValueError(_("must be an http:// or https:// address"))
    return value


_TAG = re.compile(r"^[a-z0-9][a-z0-9 _-]*$")


def _valid_tags(values: list[str]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        tag = value.strip().lower()
        if not _TAG.match(tag):
            # Translators: {tag} is the tag as typed, in quotes.
            raise ValueError(_("{tag} must use only letters, digits, spaces, '-' and '_'", tag=repr(value)))
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
