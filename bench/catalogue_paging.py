"""Library paging on a large catalogue: list with filters through the service, beside a raw-SQL floor.

Usage: python bench/catalogue_paging.py [DATABASE_URL] [--pieces 10000]
Prints p50/p95 in milliseconds per query shape, and the ratio to the same query in raw SQL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid

from sqlalchemy import text

from core import schema
from core.db import Database
from core.models import SheetMusic
from services import catalogue

QUERIES = {
    "first page, no filter": {},
    "instrument + period": {"instrument": "piano", "period": "Romantic"},
    "difficulty range, page 40": {"difficultyMin": 3, "difficultyMax": 6, "offset": 780},
    "text search": {"q": "sonata 12"},
    "composer + tag": {"composer": "Composer 7", "tags": ["etude"]},
}
RAW = (
    "SELECT id, title, composer FROM sheet_music WHERE is_active AND instrument IN ('piano', 'both') "
    "ORDER BY composer, title, id LIMIT 20"
)


def fill(database: Database, count: int) -> None:
    periods = ["Baroque", "Classical", "Romantic", "Modern", "Impressionist"]
    rng = random.Random(7)
    with database.transaction() as session:
        session.exec(text("DELETE FROM sheet_music"))  # type: ignore[call-overload]
        for i in range(count):
            session.add(
                SheetMusic(
                    id=uuid.uuid4(),
                    title=f"{rng.choice(['Sonata', 'Etude', 'Prelude', 'Waltz'])} {i}",
                    composer=f"Composer {i % 300}",
                    instrument=rng.choice(["piano", "guitar", "both"]),
                    difficulty_level=rng.randint(1, 10),
                    style_period=rng.choice(periods),
                    key_signature=rng.choice(["C major", "A minor", "E minor"]),
                    tags=[rng.choice(["etude", "dance"])],
                    notation_data={"format": "abc", "data": "X:1\nK:C\nC"} if i % 10 == 0 else None,
                )
            )


def timed(run, repeat: int = 60) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?")
    parser.add_argument("--pieces", type=int, default=10_000)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    database = Database(url)
    schema.upgrade(database)
    fill(database, args.pieces)

    def raw() -> None:
        with database.engine.connect() as connection:
            connection.execute(text(RAW)).fetchall()

    floor = statistics.median(timed(raw))
    print(f"{database.engine.dialect.name}, {args.pieces} pieces; raw-SQL floor (first page) p50 {floor:.2f} ms")
    for name, query in QUERIES.items():

        def listed(query=query) -> None:
            with database.transaction(write=False) as session:
                catalogue.list_pieces(session, actor=None, query={"limit": 20, **query})

        samples = sorted(timed(listed))
        p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
        print(f"  {name:28s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  ({p50 / floor:.1f}x the floor)")
    database.dispose()


if __name__ == "__main__":
    main()
