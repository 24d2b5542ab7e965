"""A tiny stand-in for GitHub's OAuth app endpoints and the two API calls sign-in makes, on loopback.

Only what Mirubato uses, shaped as GitHub documents it: ``/login/oauth/authorize`` (here it sends
the browser straight back with a code, as GitHub does for a user who already authorized the app),
``/login/oauth/access_token`` (JSON with ``Accept: application/json``; an error is a 200 with an
``error`` member, as GitHub answers), ``/user`` and ``/user/emails``. Codes are single-use and bound
to the redirect URI and the PKCE challenge. The real service is not reachable from the tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "github-client-id"
CLIENT_SECRET = "github-client-secret"


@dataclass
class GitHubAccount:
    id: int
    login: str
    emails: list[dict[str, Any]]


@dataclass
class StandIn:
    url: str
    accounts: dict[str, GitHubAccount]
    signing_in_as: str = ""  # the account the next authorization is for
    codes: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # code: login, redirect, challenge
    tokens: dict[str, str] = field(default_factory=dict)  # access token: login
    token_requests: list[dict[str, str]] = field(default_factory=list)


@contextmanager
def running_github(accounts: list[GitHubAccount]) -> Iterator[StandIn]:
    stand_in = StandIn(url="", accounts={a.login: a for a in accounts})

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/login/oauth/authorize":
                assert query["client_id"] == CLIENT_ID
                code = secrets.token_hex(10)
                stand_in.codes[code] = (stand_in.signing_in_as, query["redirect_uri"], query.get("code_challenge"))
                back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                self._answer(302, b"", {"Location": back})
            elif parts.path in ("/user", "/user/emails"):
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                login = stand_in.tokens.get(token)
                if login is None:
                    self._json(401, {"message": "Bad credentials"})
                    return
                account = stand_in.accounts[login]
                if parts.path == "/user":
                    self._json(200, {"id": account.id, "login": account.login, "name": login.title(), "email": None})
                else:
                    self._json(200, account.emails)
            else:
                self._json(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            stand_in.token_requests.append(form)
            if urlsplit(self.path).path != "/login/oauth/access_token":
                self._json(404, {"message": "Not Found"})
                return
            found = stand_in.codes.pop(form.get("code", ""), None)
            secret_ok = form.get("client_id") == CLIENT_ID and form.get("client_secret") == CLIENT_SECRET
            if found is None or not secret_ok or found[1] != form.get("redirect_uri"):
                self._json(200, {"error": "bad_verification_code", "error_description": "The code is incorrect."})
                return
            login, _redirect, challenge = found
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
            if challenge is not None and digest != challenge:
                self._json(200, {"error": "bad_verification_code", "error_description": "PKCE failed."})
                return
            token = "gho_" + secrets.token_hex(16)
            stand_in.tokens[token] = login
            self._json(200, {"access_token": token, "token_type": "bearer", "scope": "read:user,user:email"})

        def _json(self, status: int, body: Any) -> None:
            self._answer(status, json.dumps(body).encode(), {"Content-Type": "application/json"})

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def github_settings(stand_in: StandIn) -> dict[str, str]:
    return {
        "github_client_id": CLIENT_ID,
        "github_client_secret": CLIENT_SECRET,
        "github_authorize_url": f"{stand_in.url}/login/oauth/authorize",
        "github_token_url": f"{stand_in.url}/login/oauth/access_token",
        "github_api_url": stand_in.url,
    }
