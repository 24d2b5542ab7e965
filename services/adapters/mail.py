"""Outgoing email: SMTP when a host is configured, otherwise files in a folder (local use).

Emails carry sign-in and invitation links, which are as good as a password until used: they
are never written to the log. Without SMTP each message is kept as an ``.eml`` file readable
only by the server's user, and the log says where.
"""

from __future__ import annotations

import html
import logging
import os
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from core.i18n import _, ngettext
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
    undelivered_dir: Path | None = None  # where messages go without an SMTP host


class Mailer:
    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``; without an SMTP host, keep it as a file instead."""
        message["From"] = self.config.sender
        message["Message-ID"] = make_msgid(domain="mirubato")
        if not self.config.host:
            self._keep(message)
            return
        try:
            with smtplib.SMTP(self.config.host, self.config.port, timeout=15) as smtp:
                if self.config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.config.user:
                    smtp.login(self.config.user, self.config.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            log.error("could not send mail to the SMTP server at %s:%d: %s", self.config.host, self.config.port, exc)
            raise MailUnavailable(_("We could not send the email right now. Please try again in a minute.")) from None

    def _keep(self, message: EmailMessage) -> None:
        folder = self.config.undelivered_dir
        if folder is None:
            log.warning("no SMTP host configured (MIRUBATO_SMTP_HOST): an email to %s was dropped", message["To"])
            return
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(message.as_bytes())
        log.warning(
            "no SMTP host configured (MIRUBATO_SMTP_HOST): the email to %s (%s) is in %s",
            message["To"],
            message["Subject"],
            path,
        )


def sign_in_message(*, to: str, link: str, minutes: int) -> EmailMessage:
    """The sign-in email, in the current language (the one the link was asked for in)."""
    message = EmailMessage()
    message["To"] = to
    message["Subject"] = _("Your Mirubato sign-in link")
    hello = _("Hello,")
    expiry = ngettext(
        "It works once and expires in {n} minute. If you did not ask for it, ignore this email.",
        "It works once and expires in {n} minutes. If you did not ask for it, ignore this email.",
        minutes,
    )
    intro = _("open this link to sign in to Mirubato:")
    message.set_content(f"{hello}\n\n{intro}\n\n{link}\n\n{expiry}\n")
    expiry_html = ngettext(
        "The link works once and expires in {n} minute. If you did not ask for it, ignore this email.",
        "The link works once and expires in {n} minutes. If you did not ask for it, ignore this email.",
        minutes,
    )
    button = _("Sign in to Mirubato")
    message.add_alternative(
        f"""<p>{_html(hello)}</p><p><a href="{link}">{_html(button)}</a></p>
<p>{_html(expiry_html)}</p>""",
        subtype="html",
    )
    return message


def _html(text: str) -> str:
    """A translated text inside the HTML part (a translation may hold an ampersand or a bracket)."""
    return html.escape(text, quote=False)


def deliver_sign_in_link(mailer: Mailer, *, email: str, link: str, minutes: int) -> None:
    """Send a sign-in link (without SMTP, kept as a file so a local user can still sign in)."""
    mailer.send(sign_in_message(to=email, link=link, minutes=minutes))


def share_invite_message(*, to: str, student: str, link: str, days: int) -> EmailMessage:
    """The invitation email, in the current language (the student's: the teacher's is not known)."""
    message = EmailMessage()
    message["To"] = to
    # The subject is ours alone: a name the sender chose never leads an email (it could pose as anything).
    message["Subject"] = _("A student shares their practice with you on Mirubato")
    # Translators: {student} is the name the musician gave themselves; the line breaks are for plain-text email.
    offer = _(
        'a Mirubato musician who calls themselves "{student}" would like you to see their\n'
        "practice journal: their week, streaks, charts and the pieces they are learning.\n"
        "Open this link to accept:",
        student=student,
    )
    expiry = ngettext(
        "It works once and expires in {n} day. They can stop sharing at any time. If you do not\n"
        "know them, ignore this email.",
        "It works once and expires in {n} days. They can stop sharing at any time. If you do not\n"
        "know them, ignore this email.",
        days,
    )
    hello = _("Hello,")
    message.set_content(f"{hello}\n\n{offer}\n\n{link}\n\n{expiry}\n")
    return message


def deliver_share_invite(mailer: Mailer, *, email: str, student: str, link: str, days: int) -> None:
    """Send a teacher invitation (without SMTP, kept as a file)."""
    mailer.send(share_invite_message(to=email, student=student, link=link, days=days))
