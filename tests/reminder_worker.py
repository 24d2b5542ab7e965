"""An app process's reminder loop with its clock in the test's hands: it reads a moment (ISO 8601)
per line on stdin, sends what is due then, and prints how many it sent (tests/services/test_reminders.py)."""

from __future__ import annotations

import sys
from datetime import datetime

from core.db import Database
from core.security import SignedLinks
from services.adapters.mail import Mailer, SmtpConfig
from services.reminders import Couriers, send_due_reminders


def main() -> None:
    url, smtp_port = sys.argv[1], int(sys.argv[2])
    database = Database(url)
    couriers = Couriers(
        mailer=Mailer(SmtpConfig(host="127.0.0.1", port=smtp_port)),
        push=None,
        links=SignedLinks("reminder-test-secret-" + "x" * 40, purpose="reminders-stop"),
        base_url="http://mirubato.test",
    )
    print("ready", flush=True)
    for line in sys.stdin:
        print(send_due_reminders(database, datetime.fromisoformat(line.strip()), couriers), flush=True)


if __name__ == "__main__":
    main()
