"""How activities and instruments read to people, on pages, in charts and in reports.

The tables hold the English texts marked with ``N_``; the functions give them in the current language.
"""

from __future__ import annotations

from core.i18n import N_, _
from core.models import ActivityType, Instrument

ACTIVITY_LABELS: dict[str, str] = {
    ActivityType.WARM_UP: N_("Warm-up"),
    ActivityType.SCALES: N_("Scales"),
    ActivityType.ARPEGGIOS: N_("Arpeggios"),
    ActivityType.TECHNIQUE: N_("Technique"),
    ActivityType.ETUDES: N_("Études"),
    ActivityType.REPERTOIRE: N_("Repertoire"),
    ActivityType.SIGHT_READING: N_("Sight-reading"),
    ActivityType.SLOW_PRACTICE: N_("Slow practice"),
    ActivityType.MEMORIZATION: N_("Memorization"),
    ActivityType.MENTAL_PRACTICE: N_("Mental practice"),
    ActivityType.ENSEMBLE_READING: N_("Ensemble reading"),
    ActivityType.TRANSPOSITION: N_("Transposition"),
    ActivityType.SCORE_REDUCTION: N_("Score reduction"),
}
INSTRUMENT_LABELS: dict[str, str] = {
    Instrument.PIANO: N_("Piano"),
    Instrument.GUITAR: N_("Guitar"),
}


def activity_label(name: str) -> str:
    """An activity as people read it, in the current language ("sight_reading" -> "Sight-reading")."""
    label = ACTIVITY_LABELS.get(name)
    return _(label) if label is not None else name.replace("_", " ").capitalize()


def activity_labels() -> dict[str, str]:
    """Every activity with its label in the current language, for pickers (the keys are the stored values)."""
    return {str(name): _(label) for name, label in ACTIVITY_LABELS.items()}


def instrument_label(name: str) -> str:
    """An instrument as people read it, in the current language ("piano" -> "Piano")."""
    label = INSTRUMENT_LABELS.get(name)
    return _(label) if label is not None else name.capitalize()
