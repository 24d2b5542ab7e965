"""Running the installed `mirubato` command and a real server process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

MIRUBATO = str(Path(sys.executable).parent / "mirubato")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: no MIRUBATO_* leaking in, no pytest markers for NiceGUI."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MIRUBATO_") and k not in {"PYTEST_CURRENT_TEST", "NICEGUI_USER_SIMULATION"}
    }
    env.update(extra)
    return env


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MIRUBATO, *args], capture_output=True, text=True, env=clean_env(**env), timeout=120)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{base_url} did not become healthy in {timeout} s")
