"""Who may open which page: seven roles against the real server's pages, over HTTP with real sign-ins."""

from __future__ import annotations

import httpx
from sqlmodel import select

from core.db import Database
from core.models import Role, User
from core.security import SignedLinks
from services import practice_logs, sharing, users
from services.actor import Actor
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from tests.factories import log_body

ROLES = ["anonymous", "musician A", "musician B", "teacher of A", "teacher, no share", "teacher, revoked", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
EMAILS = {role: role.replace(",", "").replace(" ", "-").lower() + "@example.com" for role in SIGNED_IN}
EVERYDAY_PAGES = ["/timer", "/tools", "/log/new", "/history", "/library", "/repertoire", "/progress", "/settings",
                  "/sharing", "/sync", "/studio"]  # fmt: skip


def sign_in(server, email: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=20)
    client.post("/api/auth/login", json={"email": email})
    token = server.mail.last_token(email)
    client.get(f"/auth/verify?token={token}")  # the confirm page: NiceGUI gives this browser its storage cookie
    answer = client.post("/auth/verify", data={"token": token}, headers={"Origin": server.url})
    assert answer.status_code == 303, answer.text[:300]
    return client


def prepare(server) -> dict[str, str]:
    """Names, roles, A's log and the three shares, written through the services into the server's database."""
    database = Database(f"sqlite:///{server.data_dir / 'mirubato.db'}")
    links = InviteLinks(SignedLinks("p" * 40, purpose="share-invite"), base_url=server.url)
    with database.transaction() as session:
        people = {role: session.exec(select(User).where(User.email == EMAILS[role])).one() for role in SIGNED_IN}
        actors = {role: Actor(id=user.id) for role, user in people.items()}
        for role, user in people.items():
            users.update_profile(session, actor=actors[role], data={"displayName": role.split(",")[0].title()})
            user.role = Role.ADMIN.value if role == "admin" else Role.TEACHER.value if "teacher" in role else user.role
        log = practice_logs.log_practice(session, actor=actors["musician A"], data=log_body()).log
        for role in ("teacher of A", "teacher, revoked"):
            token = sharing.invite_teacher(
                session, actor=actors["musician A"], data={}, links=links, limiter=RateLimiter()
            ).link.split("=")[1]
            share = sharing.accept_invite(session, actor=actors[role], data={"token": token}, links=links)
            if role == "teacher, revoked":
                sharing.revoke_share(session, actor=actors["musician A"], share_id=share.id)
    database.dispose()
    return {"A": str(people["musician A"].id), "log": str(log.id)}


def test_every_role_against_every_page(server):
    clients = {role: sign_in(server, EMAILS[role]) for role in sorted(SIGNED_IN)}
    clients["anonymous"] = httpx.Client(base_url=server.url, follow_redirects=False, timeout=20)
    ids = prepare(server)
    # (path, roles allowed, text an allowed role sees, text a refused signed-in role sees)
    checks = [(path, SIGNED_IN, "mirubato-page", None) for path in EVERYDAY_PAGES]
    checks += [
        ("/", SIGNED_IN, "Hello, ", None),
        ("/admin", {"admin"}, "Audit log", "Only administrators"),
        (f"/studio/{ids['A']}", {"teacher of A"}, "Musician A's practice", "No student of yours has this address"),
        (f"/log/{ids['log']}/edit", {"musician A"}, "Save changes", "This log does not exist or was removed"),
    ]
    cells = unexpected_allow = unexpected_deny = 0
    wrong = []
    for path, allowed, allowed_text, refused_text in checks:
        for role in ROLES:
            response = clients[role].get(path)
            cells += 1
            if role == "anonymous":
                ok = response.status_code in (302, 303, 307) and response.headers["location"].endswith("/login")
                unexpected_allow += not ok
                if not ok:
                    wrong.append((role, path, response.status_code))
                continue
            shown = response.status_code == 200 and allowed_text in response.text
            refused = refused_text is not None and refused_text in response.text and allowed_text not in response.text
            if role in allowed and not shown:
                unexpected_deny += 1
                wrong.append((role, path, response.status_code, "denied"))
            elif role not in allowed and not refused:
                unexpected_allow += 1
                wrong.append((role, path, response.status_code, "allowed"))
    print(f"pages: cells {cells}, unexpected allow {unexpected_allow}, unexpected deny {unexpected_deny}")
    assert not wrong, wrong[:10]
