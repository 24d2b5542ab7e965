"""What pages that never connect cost one server while they wait to be pruned.

Usage: python bench/idle_pages.py [--pages 2000] [--seconds 20]

A page fetched over HTTP whose websocket never comes (a prefetch, a link preview, a tab closed
while loading, a crawler) lives on the server for 60 s until NiceGUI prunes it. The benchmark
starts a server on a new SQLite file, measures its CPU over ``--seconds`` with no page (the
floor), then fetches the sign-in page ``--pages`` times without connecting and measures again.
Before web/idle_outbox.py, each such page's outbox woke ten times a second to look for its
socket: 2,000 of them took 25% of a core on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.processes import MIRUBATO, clean_env, free_port, wait_until_healthy


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (from /proc, Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def share_of_a_core(pid: int, seconds: float) -> float:
    started, cpu = time.monotonic(), cpu_seconds(pid)
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - cpu) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    if args.seconds + 5 > 60:
        raise SystemExit("--seconds must end before the pages are pruned (60 s)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(MIRUBATO_DATA_DIR=tempfile.mkdtemp(), MIRUBATO_BASE_URL=base)
    server = subprocess.Popen(
        [MIRUBATO, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_healthy(base, server)
        floor = share_of_a_core(server.pid, args.seconds)
        started = time.monotonic()
        with httpx.Client(base_url=base) as http:
            for _ in range(args.pages):
                http.get("/login").raise_for_status()
        fetched = time.monotonic() - started
        time.sleep(2)  # the last responses' own work done
        waiting = share_of_a_core(server.pid, args.seconds)
        print(
            f"{args.pages} pages fetched in {fetched:.1f} s and never connected: server CPU while they wait "
            f"{waiting:.1f}% of a core (floor, no page: {floor:.1f}%), over {args.seconds:.0f} s"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
