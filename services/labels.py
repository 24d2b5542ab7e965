"""How activities read to people, on pages, in charts and in reports."""

from __future__ import annotations

from core.models import ActivityType

ACTIVITY_LABELS: dict[str, str] = {
    ActivityType.WARM_UP: "Warm-up",
    ActivityType.SCALES: "Scales",
    ActivityType.ARPEGGIOS: "Arpeggios",
    ActivityType.TECHNIQUE: "Technique",
    ActivityType.ETUDES: "Études",
    ActivityType.REPERTOIRE: "Repertoire",
    ActivityType.SIGHT_READING: "Sight-reading",
    ActivityType.SLOW_PRACTICE: "Slow practice",
    ActivityType.MEMORIZATION: "Memorization",
    ActivityType.MENTAL_PRACTICE: "Mental practice",
    ActivityType.ENSEMBLE_READING: "Ensemble reading",
    ActivityType.TRANSPOSITION: "Transposition",
    ActivityType.SCORE_REDUCTION: "Score reduction",
}


def activity_label(name: str) -> str:
    return ACTIVITY_LABELS.get(name, name.replace("_", " ").capitalize())
