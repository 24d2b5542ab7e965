"""How a composer's name files in a list: by surname, particles after, accents ignored.

"Ludwig van Beethoven" files under B, "Manuel de Falla" under F, "Antonín Dvořák" beside
"Dukas", and "Bach, Johann Sebastian" (surname first, as some catalogues write it) under B.
The key is stored beside the name (``SheetMusic.composer_sort``) so lists sort in the database.
"""

from __future__ import annotations

import re
import unicodedata

# Lower-case words that belong to a surname but do not decide where it files.
PARTICLES = frozenset(
    {"van", "von", "de", "di", "da", "del", "della", "delle", "dei", "des", "du", "la", "le", "ter", "ten", "den",
     "der", "y", "zu", "d'", "dall'", "dell'"}
)  # fmt: skip
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# Two-word surnames that a "last word" rule would split; everyone else files by the last word.
COMPOUND_SURNAMES = ("vaughan williams", "lloyd webber", "mendelssohn bartholdy", "villa lobos")


def plain(text: str) -> str:
    """Lower case without accents: "Dvořák" -> "dvorak", "Saint-Saëns" -> "saint-saens"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().replace("ß", "ss")


def composer_sort_key(name: str | None) -> str | None:
    """The name as it files: surname first, then given names and particles ("beethoven ludwig van")."""
    if name is None or not name.strip():
        return None
    # "(attr.)", "(arr. Segovia)": a remark about the name, not part of where it files.
    text = plain(" ".join(re.sub(r"\([^)]*\)", " ", name).split())) or plain(name.strip())
    if "," in text:  # "Bach, Johann Sebastian": already surname first
        family, _, first_names = text.partition(",")
        family_words = family.split()
        return _joined(_without_particles(family_words), first_names.split() + _particles(family_words))
    words = text.split()
    while len(words) > 1 and words[-1].strip(",") in SUFFIXES:
        words = words[:-1]
    for compound in COMPOUND_SURNAMES:
        if text.endswith(" " + compound) or text == compound:
            size = len(compound.split())
            return _joined(words[-size:], words[:-size])
    surname_start = len(words) - 1
    while surname_start > 0 and words[surname_start - 1] in PARTICLES:
        surname_start -= 1  # "ludwig van beethoven": the particle goes with the surname, after it
    given, surname = words[:surname_start], words[surname_start:]
    return _joined(_without_particles(surname), given + _particles(surname))


def _particles(words: list[str]) -> list[str]:
    return [w for w in words if w in PARTICLES]


def _without_particles(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in PARTICLES]
    return kept or words


def _joined(first: list[str], rest: list[str]) -> str:
    return " ".join([*first, *rest])[:200]
