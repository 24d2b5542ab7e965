"""Practice templates: a musician's saved presets behind the quick-log buttons."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator
from sqlmodel import Session, col, func, select

from core.i18n import _
from core.models import ActivityType, Instrument, PracticeTemplate, utcnow
from services.actor import Actor
from services.errors import Conflict, NotFound
from services.practice_shapes import MAX_DURATION_SECONDS, Tempo
from services.validation import Input, Output, Tags, Text100, Text200, Text300, parse

MAX_TEMPLATES = 50


class TemplateIn(Input):
    """A preset; saving under a name already in use replaces that template."""

    template_name: Text100
    activity_type: ActivityType
    instrument: Instrument | None = None
    duration_seconds: int | None = Field(default=None, ge=60, le=MAX_DURATION_SECONDS)
    composer: Text200 | None = None
    work_title: Text300 | None = None
    opus_number: Text100 | None = None
    movement_section: Text200 | None = None
    tempo: Tempo | None = None
    focus_areas: Tags | None = Field(default=None, max_length=12)


class TemplateOut(Output):
    id: uuid.UUID
    template_name: str
    activity_type: ActivityType
    instrument: Instrument | None
    duration_seconds: int | None
    composer: str | None
    work_title: str | None
    opus_number: str | None
    movement_section: str | None
    tempo: int | None
    focus_areas: list[str]
    created_at: datetime

    @field_validator("focus_areas", mode="before")
    @classmethod
    def _none_is_empty(cls, value: list[str] | None) -> list[str]:
        return value or []


def list_templates(session: Session, *, actor: Actor) -> list[TemplateOut]:
    """The actor's active templates, by name."""
    rows = session.exec(
        select(PracticeTemplate)
        .where(PracticeTemplate.user_id == actor.id, col(PracticeTemplate.is_active).is_(True))
        .order_by(col(PracticeTemplate.template_name))
    ).all()
    return [TemplateOut.model_validate(row) for row in rows]


def save_template(session: Session, *, actor: Actor, data: TemplateIn | Mapping[str, Any]) -> tuple[TemplateOut, bool]:
    """Save a preset; returns it and whether it is new (false: it replaced one of the same name)."""
    template = parse(TemplateIn, data)
    values = {name: getattr(value, "value", value) for name, value in template.model_dump().items()}
    row = session.exec(
        select(PracticeTemplate).where(
            PracticeTemplate.user_id == actor.id,
            col(PracticeTemplate.is_active).is_(True),
            func.lower(PracticeTemplate.template_name) == template.template_name.lower(),
        )
    ).first()
    created = row is None
    if row is None:
        _check_room(session, actor)
        row = PracticeTemplate(user_id=actor.id, **values)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return TemplateOut.model_validate(row), created


def delete_template(session: Session, *, actor: Actor, template_id: uuid.UUID) -> None:
    """Remove one of the actor's templates."""
    row = session.get(PracticeTemplate, template_id)
    if row is None or row.user_id != actor.id or not row.is_active:
        raise NotFound(_("No template with this id."))
    row.is_active = False
    row.updated_at = utcnow()
    session.add(row)


def _check_room(session: Session, actor: Actor) -> None:
    count = session.exec(
        select(func.count())
        .select_from(PracticeTemplate)
        .where(PracticeTemplate.user_id == actor.id, col(PracticeTemplate.is_active).is_(True))
    ).one()
    if count >= MAX_TEMPLATES:
        raise Conflict(_("You already have {count} templates; delete one before saving another.", count=MAX_TEMPLATES))
