"""A real OpenID provider for the tests: panva's certified ``oidc-provider`` (Node) on loopback.

``tests/oidc/provider.mjs`` is started as a subprocess on a free port; this module waits for its
discovery document, and walks its sign-in pages over plain HTTP the way a person would in a
browser (``sign_in_at_provider``), so the API tests need no browser. ``scripts/test`` installs it
(``npm ci`` in tests/oidc); without node_modules the fixture fails and says so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.processes import free_port

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "mirubato"
CLIENT_SECRET = "mirubato-test-client-secret"
FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)
PROMPT = re.compile(r'name="prompt" value="([a-z]+)"')


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    process: subprocess.Popen[bytes]
    log: Path

    def setting(self, name: str, label: str | None = None, **extra: object) -> dict[str, object]:
        """This provider as one entry of MIRUBATO_OIDC_PROVIDERS."""
        entry: dict[str, object] = {
            "name": name,
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
        if label:
            entry["label"] = label
        return entry | extra


def providers_json(*entries: dict[str, object]) -> str:
    return json.dumps(list(entries))


@contextmanager
def running_provider(
    redirect_uris: list[str],
    log_dir: Path,
    *,
    claims_in_userinfo: bool = False,
    publish_other_key: bool = False,
) -> Iterator[RunningProvider]:
    """A provider whose one client may return to ``redirect_uris``; stopped on leaving."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: the OpenID provider of the sign-in tests runs on it (Node 20+).")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "tests/oidc/node_modules is missing: run `(cd tests/oidc && npm ci --no-audit --no-fund)` "
            "(scripts/test does it) to install the OpenID provider the sign-in tests use."
        )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    log = log_dir / f"oidc-provider-{port}.log"
    env = {
        "PATH": str(Path(node).parent),
        "PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
        "OIDC_CLAIMS_IN_USERINFO": "1" if claims_in_userinfo else "0",
        "OIDC_PUBLISH_OTHER_KEY": "1" if publish_other_key else "0",
        "NODE_ENV": "test",
    }
    with log.open("ab") as output:
        process = subprocess.Popen([node, "provider.mjs"], cwd=HERE, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_for_discovery(issuer, process, log)
        yield RunningProvider(issuer=issuer, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the OpenID provider at {issuer} did not answer in {timeout} s:\n{log.read_text()[-2000:]}")


def sign_in_at_provider(authorize_url: str, login: str, *, redirect_prefix: str, abort: bool = False) -> str:
    """Follow the provider's pages as a person would (sign in as ``login``, consent), or cancel
    (``abort``); returns the URL the provider sends the browser back to (our callback)."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        url = authorize_url
        for _ in range(12):
            if url.startswith(redirect_prefix):
                return url
            answer = browser.get(url)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["location"])
                continue
            assert answer.status_code == 200, f"{url}: {answer.status_code} {answer.text[:500]}"
            form, prompt = FORM.search(answer.text), PROMPT.search(answer.text)
            assert form and prompt, f"no form on {url}: {answer.text[:500]}"
            action = urljoin(url, unescape(form.group(1)))
            if abort:
                answer = browser.get(f"{action}/abort")
            elif prompt.group(1) == "login":
                answer = browser.post(action, data={"prompt": "login", "login": login, "password": "any"})
            else:
                answer = browser.post(action, data={"prompt": "consent"})
            assert answer.is_redirect, f"{action}: {answer.status_code} {answer.text[:500]}"
            url = urljoin(action, answer.headers["location"])
        raise AssertionError(f"the provider never sent the browser back; last at {urlsplit(url).path}")
