"""Who may do what: every REST endpoint and sync operation against seven roles, with real ids.

Roles: anonymous, musician A (who owns the resources used), musician B, a teacher A shares
with, a teacher with no share, a teacher whose share A revoked, and an admin. A denial must be
401 (not signed in), 403 (role) or 404 (someone else's, indistinguishable from missing).
Every operation in the OpenAPI document must have a rule here, so a new endpoint cannot
slip past this test.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.api.deps import optional_actor
from core.models import Role, UserIdentity
from core.security import SignedLinks
from services import (
    goals,
    plans,
    practice_logs,
    practice_sessions,
    repertoire,
    sharing,
    take_feedback,
    takes,
    teaching,
    templates,
)
from services.actor import Actor
from services.rate_limits import RateLimiter
from services.sharing import InviteLinks
from services.takes import TakeShelf
from tests.api.conftest import TEST_SECRET
from tests.factories import log_body, new_piece, new_user
from tests.takes_data import CHUNK, real_take

CSV = "title,instrument,difficulty\nMinuet,piano,2\n"
HISTORY = {"file": ("history.csv", b"Date,Minutes,Activity\n2024-01-02,30,scales\n", "text/csv")}
ROLES = ["anonymous", "musician B", "teacher, no share", "teacher, revoked", "admin", "teacher of A", "musician A"]
SIGNED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)
EXEMPT = {
    ("POST", "/api/auth/login"): "public by design; its limits are tested in test_auth_api.py",
    ("POST", "/api/auth/verify"): "takes a sign-in token, not a session; tested in test_auth_api.py",
    ("POST", "/api/auth/refresh"): "takes a refresh token, not a session; tested in test_auth_api.py",
    ("DELETE", "/api/users/me"): "only ever deletes the caller; tested in test_account_api.py",
    ("GET", "/api/calendar/plans.ics"): "takes a signed feed address, not a session; tested in test_plans_api.py",
    ("POST", "/api/reminders/stop"): "takes a signed unsubscribe link, not a session; tested in test_plans_api.py",
}


@dataclass
class World:
    actors: dict[str, Actor | None]
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    method: str
    path: str
    allowed: set[str]
    body: Callable[[World, str], Any] | None = None
    query: dict[str, Any] | None = None
    content: bytes | None = None  # a raw body (an upload chunk) instead of JSON
    files: dict[str, Any] | None = None  # an uploaded file (a multipart form) instead of JSON
    form: dict[str, str] | None = None  # the other fields of that form
    refusals: frozenset[int] = frozenset()  # other proper answers to a role outside ``allowed``


def build_world(db, shelf: TakeShelf) -> World:
    admin = new_user(db, role=Role.ADMIN.value)
    a, b = new_user(db, display_name="A"), new_user(db)
    teachers = {
        name: new_user(db, role=Role.TEACHER.value)
        for name in ("teacher of A", "teacher, no share", "teacher, revoked")
    }
    links = InviteLinks(SignedLinks(TEST_SECRET, purpose="share-invite"), base_url="http://testserver")
    world = World(actors={"anonymous": None, "musician A": a, "musician B": b, "admin": admin, **teachers})
    piece = new_piece(db)
    with db.transaction() as session:
        log = practice_logs.log_practice(session, actor=a, data=log_body(sheetMusicId=str(piece))).log
        template, _ = templates.save_template(
            session, actor=a, data={"templateName": "Scales", "activityType": "scales"}
        )
        repertoire.add_to_repertoire(session, actor=a, piece_id=piece)
        sitting = practice_sessions.start_session(session, actor=a, data={})
        shares = {}
        for name in ("teacher of A", "teacher, revoked"):
            invitation = sharing.invite_teacher(session, actor=a, data={}, links=links, limiter=RateLimiter())
            token = invitation.link.split("token=")[1]
            shares[name] = sharing.accept_invite(session, actor=teachers[name], data={"token": token}, links=links).id
        given = teaching.assign(
            session, actor=teachers["teacher of A"], student_id=a.id, data={"title": "Etude", "dueDate": "2030-01-01"}
        )
        # On a log of their own: the log cells delete and restore the other, and takes go with a deleted log.
        recorded_log = practice_logs.log_practice(session, actor=a, data=log_body(workTitle="Recorded")).log
        recorded = _take_of(session, a, recorded_log.id, shelf)
        uploading = uuid.uuid4()
        takes.begin_upload(
            session,
            actor=a,
            take_id=uploading,
            shelf=shelf,
            data={"logId": str(recorded_log.id), "sizeBytes": len(real_take())},
        )
        remark = take_feedback.add_comment(
            session, actor=teachers["teacher of A"], take_id=recorded, data={"atMs": 1000, "body": "Lovely"}
        )
        own_plan = plans.create_plan(session, actor=a, data=PLAN)
        given_plan = plans.give_plan(session, actor=teachers["teacher of A"], student_id=a.id, data=PLAN)
        goal = goals.create_goal(session, actor=a, data={"kind": "weekly_minutes", "target": 120})
        sharing.revoke_share(session, actor=a, share_id=shares["teacher, revoked"])
        identity = UserIdentity(user_id=a.id, provider="test", subject="a-at-the-provider", email="a@example.org")
        session.add(identity)
        session.flush()
        world.ids = {
            "A": str(a.id),
            "B": str(b.id),
            "log": str(log.id),
            "template": str(template.id),
            "piece": str(piece),
            "session": str(sitting.id),
            "share": str(shares["teacher of A"]),
            "assignment": str(given.id),
            "take": str(recorded),
            "recorded_log": str(recorded_log.id),
            "upload": str(uploading),
            "new_take": str(uuid.uuid4()),
            "take_comment": str(remark.id),
            "plan": str(own_plan.id),
            "given_plan": str(given_plan.id),
            "goal": str(goal.id),
            "identity": str(identity.id),
        }
    world.ids["links"] = links  # type: ignore[assignment]
    return world


def _take_of(session: Any, actor: Actor, log_id: uuid.UUID, shelf: TakeShelf) -> uuid.UUID:
    take_id, data = uuid.uuid4(), real_take()
    takes.begin_upload(
        session, actor=actor, take_id=take_id, shelf=shelf, data={"logId": str(log_id), "sizeBytes": len(data)}
    )
    takes.append_chunk(session, actor=actor, take_id=take_id, offset=0, data=data, shelf=shelf)
    return take_id


PLAN = {"title": "Scales first", "blocks": [{"activityType": "scales", "minutes": 10}]}
REMINDER = {"enabled": True, "atTime": "18:00", "days": ["MO", "WE"]}


def push_subscription(_world: World, role: str) -> dict[str, Any]:
    return {
        "endpoint": f"https://push.example/{role.replace(' ', '-')}",
        "keys": {"p256dh": "B" * 87, "auth": "A" * 22},
    }


def fresh_invitation(world: World, _role: str) -> dict[str, str]:
    return {"token": world.ids["invitation"]}


def piece_body(_world: World, role: str) -> dict[str, Any]:
    return {"title": f"Etude for {role}", "instrument": "piano"}


def sync_change(kind: str) -> Callable[[World, str], Any]:
    def body(world: World, _role: str) -> dict[str, Any]:
        data = log_body() if kind in ("create", "update") else None
        log_id = str(uuid.uuid4()) if kind == "create" else world.ids["log"]
        return {"changes": [{"id": str(uuid.uuid4()), "kind": kind, "logId": log_id, "data": data}]}

    return body


def cells() -> list[Cell]:
    own = {"musician A"}
    heard = {"musician A", "teacher of A"}  # a take: its owner and a teacher while the share is active
    return [
        Cell("GET", "/api/health", EVERYONE),
        Cell("GET", "/api/auth/me", SIGNED_IN),
        Cell("POST", "/api/auth/logout", SIGNED_IN, body=lambda _w, _r: {}),
        Cell("GET", "/api/sheet-music", EVERYONE),
        Cell("GET", "/api/sheet-music/random", EVERYONE),
        Cell("GET", "/api/sheet-music/recommended", SIGNED_IN),
        Cell("GET", "/api/sheet-music/{piece}", EVERYONE),
        Cell("POST", "/api/sheet-music", {"admin"}, body=piece_body),
        Cell("PUT", "/api/sheet-music/{piece}", {"admin"}, body=piece_body),
        Cell("PUT", "/api/practice/sessions/{session}/end", own, body=lambda _w, _r: {}),
        Cell("POST", "/api/practice/sessions/start", SIGNED_IN, body=lambda _w, _r: {}),
        Cell("GET", "/api/practice/sessions", SIGNED_IN),
        Cell("GET", "/api/practice/sessions/{session}", own),
        Cell("POST", "/api/practice/logs", SIGNED_IN, body=lambda _w, _r: log_body()),
        Cell("GET", "/api/practice/logs", SIGNED_IN),
        Cell("GET", "/api/practice/logs/{log}", own),
        Cell("PUT", "/api/practice/logs/{log}", own, body=lambda _w, _r: log_body(selfRating=9)),
        Cell("DELETE", "/api/practice/logs/{log}", own),
        Cell("POST", "/api/practice/logs/{log}/restore", own),
        Cell(
            "POST", "/api/practice/quick-log", SIGNED_IN, body=lambda _w, _r: {"activityType": "scales", "duration": 60}
        ),
        Cell("GET", "/api/practice/templates", SIGNED_IN),
        Cell(
            "POST",
            "/api/practice/templates",
            SIGNED_IN,
            body=lambda _w, r: {"templateName": r, "activityType": "etudes"},
        ),
        Cell("DELETE", "/api/practice/templates/{template}", own),
        Cell("GET", "/api/users/me", SIGNED_IN),
        Cell("PUT", "/api/users/me", SIGNED_IN, body=lambda _w, r: {"displayName": r[:20]}),
        Cell("PUT", "/api/users/me/preferences", SIGNED_IN, body=lambda _w, _r: {"theme": "dark"}),
        Cell("GET", "/api/users/me/tools", SIGNED_IN),
        Cell(
            "PUT",
            "/api/users/me/tools",
            SIGNED_IN,
            body=lambda _w, r: {"referenceA": 442, "pieceTempo": {"key": f"title:{r}", "bpm": 96}},
        ),
        Cell("GET", "/api/users/me/progress", SIGNED_IN),
        Cell("GET", "/api/users/me/export", SIGNED_IN),
        Cell("GET", "/api/users/me/export.csv", SIGNED_IN),
        # Each role imports into its own account, whoever it is; nothing names another account.
        Cell("POST", "/api/users/me/import/preview", SIGNED_IN, files=HISTORY, form={"format": "csv"}),
        Cell("POST", "/api/users/me/import", SIGNED_IN, files=HISTORY, form={"format": "csv"}),
        Cell("GET", "/api/progress/overview", SIGNED_IN),
        Cell("GET", "/api/progress/instrument/{instrument}", SIGNED_IN),
        Cell("GET", "/api/progress/streaks", SIGNED_IN),
        Cell("GET", "/api/progress/achievements", SIGNED_IN),
        Cell("GET", "/api/progress/statistics", SIGNED_IN),
        Cell("GET", "/api/analytics/practice-time", SIGNED_IN),
        Cell("GET", "/api/analytics/repertoire", SIGNED_IN),
        Cell("GET", "/api/analytics/improvement", SIGNED_IN),
        Cell("GET", "/api/analytics/export", SIGNED_IN, query={"format": "json"}),
        Cell("POST", "/api/sync", SIGNED_IN, body=sync_change("create")),
        Cell("POST", "/api/sync", own, body=sync_change("update")),
        Cell("POST", "/api/sync", own, body=sync_change("delete")),
        Cell("POST", "/api/sync", own, body=sync_change("restore")),
        Cell("GET", "/api/teacher/students", SIGNED_IN),
        Cell("GET", "/api/teacher/students/{A}/dashboard", {"teacher of A"}),
        Cell("GET", "/api/teacher/students/{A}/progress", {"teacher of A"}),
        Cell("GET", "/api/teacher/students/{A}/analytics", {"teacher of A"}),
        Cell("GET", "/api/practice/logs/{log}/comments", {"musician A", "teacher of A"}),
        Cell(
            "POST", "/api/practice/logs/{log}/comments", {"musician A", "teacher of A"}, body=lambda _w, r: {"body": r}
        ),
        Cell("GET", "/api/assignments", SIGNED_IN),
        Cell("GET", "/api/teacher/students/{A}/assignments", {"teacher of A"}),
        Cell(
            "POST",
            "/api/teacher/students/{A}/assignments",
            {"teacher of A"},
            body=lambda _w, _r: {"title": "Scales in thirds", "dueDate": "2030-01-01"},
        ),
        Cell("DELETE", "/api/teacher/assignments/{assignment}", {"teacher of A"}),
        # Takes, before the sharing cells below give other roles shares of their own with A.
        Cell(
            "PUT", "/api/takes/{new_take}", own, body=lambda w, _r: {"logId": w.ids["recorded_log"], "sizeBytes": 100}
        ),
        Cell("GET", "/api/takes/{upload}/upload", own),
        Cell("PATCH", "/api/takes/{upload}/upload", own, query={"offset": 0}, content=real_take()[:CHUNK]),
        Cell("GET", "/api/practice/logs/{recorded_log}/takes", heard),
        Cell("GET", "/api/takes/{take}", heard),
        Cell("GET", "/api/takes/{take}/audio", heard),
        Cell("PATCH", "/api/takes/{take}", own, body=lambda _w, r: {"name": r[:20]}),
        Cell("GET", "/api/takes/{take}/comments", heard),
        Cell("POST", "/api/takes/{take}/comments", heard, body=lambda _w, r: {"atMs": 500, "body": r}),
        Cell("DELETE", "/api/take-comments/{take_comment}", {"teacher of A"}),
        Cell("GET", "/api/users/me/takes", SIGNED_IN),
        Cell("GET", "/api/users/me/export.zip", SIGNED_IN),
        Cell("DELETE", "/api/takes/{take}", own),
        Cell("GET", "/api/plans", SIGNED_IN),
        Cell("POST", "/api/plans", SIGNED_IN, body=lambda _w, _r: PLAN),
        Cell("GET", "/api/plans/{plan}", own),
        Cell("PUT", "/api/plans/{plan}", own, body=lambda _w, _r: PLAN),
        Cell("GET", "/api/plans/{given_plan}", {"musician A", "teacher of A"}),
        # The student may stop a plan a teacher gave but not rewrite it (422 names the reason).
        Cell("PUT", "/api/plans/{given_plan}", {"teacher of A"}, body=lambda _w, _r: PLAN, refusals=frozenset({422})),
        Cell("GET", "/api/teacher/students/{A}/plans", {"teacher of A"}),
        Cell("POST", "/api/teacher/students/{A}/plans", {"teacher of A"}, body=lambda _w, _r: PLAN),
        Cell("DELETE", "/api/plans/{given_plan}", {"teacher of A"}),
        Cell("DELETE", "/api/plans/{plan}", own),
        Cell("GET", "/api/today", SIGNED_IN),
        Cell("GET", "/api/review-queue", SIGNED_IN),
        Cell("PATCH", "/api/review-queue/{piece}", own, body=lambda _w, _r: {"snoozeDays": 2}),
        Cell("GET", "/api/goals", SIGNED_IN),
        Cell("GET", "/api/goals/met", SIGNED_IN),
        Cell("POST", "/api/goals", SIGNED_IN, body=lambda _w, _r: {"kind": "weekly_minutes", "target": 60}),
        Cell("GET", "/api/goals/{goal}", own),
        Cell("PUT", "/api/goals/{goal}", own, body=lambda _w, _r: {"kind": "weekly_minutes", "target": 90}),
        Cell("DELETE", "/api/goals/{goal}", own),
        Cell("GET", "/api/users/me/reminders", SIGNED_IN),
        Cell("PUT", "/api/users/me/reminders", SIGNED_IN, body=lambda _w, _r: REMINDER),
        Cell("GET", "/api/push/public-key", EVERYONE),
        Cell("POST", "/api/users/me/push-subscriptions", SIGNED_IN, body=push_subscription),
        Cell(
            "DELETE",
            "/api/users/me/push-subscriptions",
            SIGNED_IN,
            body=lambda w, r: {"endpoint": push_subscription(w, r)["endpoint"]},
        ),
        # Linking an account elsewhere happens in the browser (/auth/oidc/<name>/start?intent=link):
        # only a signed-in browser may start it, and it links to that account; see tests/api/test_oidc.py.
        Cell("GET", "/api/auth/providers", EVERYONE),
        Cell("GET", "/api/users/me/identities", SIGNED_IN),
        Cell("DELETE", "/api/users/me/identities/{identity}", own),
        Cell("GET", "/api/users/me/calendar-feed", SIGNED_IN),
        Cell("POST", "/api/users/me/calendar-feed", SIGNED_IN),
        Cell("DELETE", "/api/users/me/calendar-feed", SIGNED_IN),
        Cell("GET", "/api/admin/users", {"admin"}),
        Cell("PATCH", "/api/admin/users/{B}", {"admin"}, body=lambda _w, _r: {"role": "musician"}),
        Cell("DELETE", "/api/admin/users/{B}/sessions", {"admin"}),
        Cell("POST", "/api/admin/catalogue/import", {"admin"}, body=lambda _w, _r: {"format": "csv", "content": CSV}),
        Cell("GET", "/api/admin/audit", {"admin"}),
        Cell("GET", "/api/admin/system", {"admin"}),
        Cell("GET", "/api/sharing", SIGNED_IN),
        Cell("POST", "/api/sharing/invites", SIGNED_IN, body=lambda _w, _r: {}),
        # A's own invitation is bad input for A (422); A's current teacher already sees A (409).
        Cell(
            "POST",
            "/api/sharing/accept",
            SIGNED_IN - own - {"teacher of A"},
            body=fresh_invitation,
            refusals=frozenset({409, 422}),
        ),
        Cell("DELETE", "/api/sharing/{share}", {"teacher of A", "musician A"}),  # last: it ends the share
    ]


def outcome(cell: Cell, response: Any) -> bool | None:
    """True allowed, False denied properly, None an answer that is neither (a bug either way)."""
    if response.status_code in (401, 403, 404) or response.status_code in cell.refusals:
        return False
    if response.status_code >= 400:
        return None
    if cell.path == "/api/sync":  # sync answers 200 per batch; each change says applied or rejected
        return response.json()["results"][0]["status"] == "applied"
    return True


def test_every_role_against_every_endpoint(client, db):
    world = build_world(db, client.app.state.takes)
    table = cells()
    paths = client.get("/openapi.json").json()["paths"]
    documented = {(method.upper(), path) for path, ops in paths.items() for method in ops if path.startswith("/api/")}
    missing = documented - _normalised({(c.method, c.path) for c in table}) - set(EXEMPT)
    assert not missing, f"endpoints without a rule: {sorted(missing)}"
    total = unexpected_allow = unexpected_deny = 0
    strange = []
    for cell in table:
        for role in ROLES:
            if cell.path == "/api/sharing/accept":
                world.ids["invitation"] = _invitation(db, world)
            actor = world.actors[role]
            client.app.dependency_overrides[optional_actor] = lambda actor=actor: actor  # type: ignore[attr-defined]
            path = _concrete(cell.path, world)
            body = cell.body(world, role) if cell.body else None
            if cell.files is not None:
                response = client.request(cell.method, path, files=cell.files, data=cell.form, params=cell.query)
            elif cell.content is not None:
                response = client.request(cell.method, path, content=cell.content, params=cell.query)
            else:
                response = client.request(cell.method, path, json=body, params=cell.query)
            total += 1
            allowed = outcome(cell, response)
            expected = role in cell.allowed
            if allowed is None:
                strange.append((role, cell.method, path, response.status_code, response.text[:200]))
            elif allowed and not expected:
                unexpected_allow += 1
                strange.append((role, cell.method, path, response.status_code, "allowed"))
            elif expected and not allowed:
                unexpected_deny += 1
                strange.append((role, cell.method, path, response.status_code, "denied"))
            if role == "anonymous" and not allowed and response.status_code != 401 and "anonymous" not in cell.allowed:
                strange.append((role, cell.method, path, response.status_code, "anonymous must get 401"))
    print(f"cells {total}, unexpected allow {unexpected_allow}, unexpected deny {unexpected_deny}")
    assert not strange, "\n".join(map(str, strange[:30]))


def _invitation(db, world: World) -> str:
    a = world.actors["musician A"]
    with db.transaction() as session:
        link = sharing.invite_teacher(session, actor=a, data={}, links=world.ids["links"], limiter=RateLimiter()).link  # type: ignore[arg-type]
    return link.split("token=")[1]


def _concrete(path: str, world: World) -> str:
    for name, value in {**world.ids, "instrument": "piano"}.items():
        if isinstance(value, str):
            path = path.replace("{" + name + "}", value)
    return path


def _normalised(covered: set[tuple[str, str]]) -> set[tuple[str, str]]:
    names = {
        "{piece}": "{piece_id}",
        "{log}": "{log_id}",
        "{template}": "{template_id}",
        "{session}": "{session_id}",
        "{share}": "{share_id}",
        "{A}": "{student_id}",
        "{B}": "{user_id}",
        "{assignment}": "{assignment_id}",
        "{take}": "{take_id}",
        "{plan}": "{plan_id}",
        "{given_plan}": "{plan_id}",
        "{goal}": "{goal_id}",
        "{recorded_log}": "{log_id}",
        "{upload}": "{take_id}",
        "{new_take}": "{take_id}",
        "{take_comment}": "{comment_id}",
        "{identity}": "{identity_id}",
    }
    result = set()
    for method, path in covered:
        for short, long in names.items():
            path = path.replace(short, long)
        result.add((method, path))
    return result
