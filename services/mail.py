"""Outgoing email: SMTP when a host is configured, otherwise the server log (local use)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from services.errors import ServiceError

log = logging.getLogger(__name__)


class MailUnavailable(ServiceError):
    """The mail server could not take the message."""

    status_code = 503


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "Mirubato <no-reply@localhost>"


class Mailer:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, message: EmailMessage, *, log_line: str) -> None:
        """Deliver ``message``; without an SMTP host, write ``log_line`` to the log instead."""
        if not self.config.host:
            log.warning("no SMTP host configured (MIRUBATO_SMTP_HOST); %s", log_line)
            return
        message["From"] = self.config.sender
        message["Message-ID"] = make_msgid(domain="mirubato")
        try:
            with smtplib.SMTP(self.config.host, self.config.port, timeout=15) as smtp:
                if self.config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.config.user:
                    smtp.login(self.config.user, self.config.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("could not send mail to the SMTP server at %s:%d: %s", self.config.host, self.config.port, exc)
            raise MailUnavailable("We could not send the email right now. Please try again in a minute.") from None


def sign_in_message(*, to: str, link: str, minutes: int) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = "Your Mirubato sign-in link"
    message.set_content(
        f"Hello,\n\nopen this link to sign in to Mirubato:\n\n{link}\n\n"
        f"It works once and expires in {minutes} minutes. If you did not ask for it, ignore this email.\n"
    )
    message.add_alternative(
        f"""<p>Hello,</p><p><a href="{link}">Sign in to Mirubato</a></p>
<p>The link works once and expires in {minutes} minutes. If you did not ask for it, ignore this email.</p>""",
        subtype="html",
    )
    return message


def deliver_sign_in_link(mailer: Mailer, *, email: str, link: str, minutes: int) -> None:
    """Send a sign-in link (or, without SMTP, log it so a local user can still sign in)."""
    mailer.send(sign_in_message(to=email, link=link, minutes=minutes), log_line=f"sign-in link for {email}: {link}")


def share_invite_message(*, to: str, student: str, link: str, days: int) -> EmailMessage:
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = f"{student} shares their practice with you on Mirubato"
    message.set_content(
        f"Hello,\n\n{student} would like you to see their practice journal on Mirubato: their week,\n"
        f"streaks, charts and the pieces they are learning. Open this link to accept:\n\n{link}\n\n"
        f"It works once and expires in {days} days. {student} can stop sharing at any time.\n"
    )
    return message


def deliver_share_invite(mailer: Mailer, *, email: str, student: str, link: str, days: int) -> None:
    """Send a teacher invitation (or, without SMTP, log it)."""
    mailer.send(
        share_invite_message(to=email, student=student, link=link, days=days),
        log_line=f"teacher invitation for {email}: {link}",
    )
