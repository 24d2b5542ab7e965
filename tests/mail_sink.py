"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.processes import free_port

LINK = re.compile(r"https?://\S+/auth/verify\?token=([A-Za-z0-9_-]+)")


@dataclass
class MailSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last_token(self, address: str, timeout: float = 5) -> str:
        """The sign-in token in the newest message to ``address``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if received := self.to(address):
                body = received[-1].get_body(("plain",))
                match = LINK.search(body.get_content())
                assert match, "no sign-in link in the message"
                return match.group(1)
            time.sleep(0.05)
        raise AssertionError(f"no message to {address} within {timeout} s")


@contextmanager
def running_mail_sink() -> Iterator[MailSink]:
    sink = MailSink(host="127.0.0.1", port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
