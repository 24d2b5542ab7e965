"""Recorded takes through a real `mirubato serve` process: upload throughput, and the time to the
first byte of a range request (what seeking in a take costs), each beside a floor from the same run.

Usage: python bench/takes.py [--postgres URL] [--sqlite-only] [--mb 8] [--seeks 60]

Floors: for the upload, writing the same bytes to a file with an fsync per chunk (what the file
store must do at least); for a seek, reading the same 64 KiB from a file on this disk. The client
runs on the same cores as the server. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.concurrency import _fresh_postgres, _server_env
from tests.mail_sink import running_mail_sink
from tests.processes import MIRUBATO, free_port, wait_until_healthy
from tests.takes_data import real_take

CHUNK = 256 * 1024  # what the browser sends
SEEK = 64 * 1024


def take_bytes(megabytes: float) -> bytes:
    """A real WebM take, its clusters repeated up to the size (the server reads a length from it)."""
    head = real_take()
    clusters = head[head.index(bytes.fromhex("1f43b675")) :]  # whole clusters: the file stays valid WebM
    body = bytearray(head)
    while len(body) < megabytes * 1_000_000:
        body += clusters
    return bytes(body)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def upload_floor(data: bytes, folder: Path) -> float:
    start = time.perf_counter()
    with (folder / "floor.bin").open("wb") as file:
        for offset in range(0, len(data), CHUNK):
            file.write(data[offset : offset + CHUNK])
            file.flush()
            os.fsync(file.fileno())
    return time.perf_counter() - start


def seek_floor(data: bytes, folder: Path, seeks: int) -> list[float]:
    path, rng, samples = folder / "floor.bin", random.Random(3), []
    path.write_bytes(data)
    for _ in range(seeks):
        start_byte = rng.randrange(0, len(data) - SEEK)
        start = time.perf_counter()
        with path.open("rb") as file:
            file.seek(start_byte)
            file.read(SEEK)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def sign_in(base: str, mail, email: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    client.post("/api/auth/login", json={"email": email}).raise_for_status()
    verified = client.post("/api/auth/verify", json={"token": mail.last_token(email)}).raise_for_status()
    client.headers["Authorization"] = f"Bearer {verified.json()['accessToken']}"
    return client


def run(url: str, folder: Path, data: bytes, seeks: int) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running_mail_sink() as mail:
        env = {**_server_env(folder, url, base, mail), "MIRUBATO_TAKE_QUOTA_MB": "100000"}
        server = subprocess.Popen([MIRUBATO, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
        try:
            wait_until_healthy(base, server)
            client = sign_in(base, mail, "bench-takes@example.com")
            log_id = client.post("/api/practice/logs", json={"activityType": "repertoire", "durationSeconds": 60})
            take_id = str(uuid.uuid4())
            start = time.perf_counter()
            body = {"logId": log_id.raise_for_status().json()["id"], "sizeBytes": len(data)}
            client.put(f"/api/takes/{take_id}", json=body).raise_for_status()
            for offset in range(0, len(data), CHUNK):
                sent = client.patch(
                    f"/api/takes/{take_id}/upload?offset={offset}", content=data[offset : offset + CHUNK]
                )
                sent.raise_for_status()
            took = time.perf_counter() - start
            floor = upload_floor(data, folder)
            mb = len(data) / 1_000_000
            name = "sqlite, files" if url.startswith("sqlite") else "postgresql, rows"
            print(f"{name}: upload {mb:.1f} MB in 256 KiB chunks: {mb / took:6.1f} MB/s "
                  f"(floor, write+fsync per chunk: {mb / floor:6.1f} MB/s, {took / floor:.1f}x)")  # fmt: skip
            rng, samples = random.Random(3), []
            for _ in range(seeks):
                start_byte = rng.randrange(0, len(data) - SEEK)
                headers = {"Range": f"bytes={start_byte}-{start_byte + SEEK - 1}"}
                begin = time.perf_counter()
                with client.stream("GET", f"/api/takes/{take_id}/audio", headers=headers) as answer:
                    for _ in answer.iter_raw():
                        samples.append((time.perf_counter() - begin) * 1000)  # the first byte is here
                        break
                    answer.close()
            p50, p95 = percentiles(samples)
            f50, f95 = percentiles(seek_floor(data, folder, seeks))
            print(f"{name}: seek, first byte of a 64 KiB range: p50 {p50:6.2f} ms  p95 {p95:6.2f} ms "
                  f"(floor, the same read from a file: p50 {f50:5.3f} ms  p95 {f95:5.3f} ms)")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--mb", type=float, default=8.0, help="the take's size (20 min of Opus is about 5-19 MB)")
    parser.add_argument("--seeks", type=int, default=60)
    args = parser.parse_args()
    data = take_bytes(args.mb)
    folder = Path(tempfile.mkdtemp())
    run(f"sqlite:///{folder / 'sqlite' / 'mirubato.db'}", folder / "sqlite", data, args.seeks)
    if not args.sqlite_only:
        (folder / "pg").mkdir()
        run(_fresh_postgres(args.postgres), folder / "pg", data, args.seeks)


if __name__ == "__main__":
    main()
