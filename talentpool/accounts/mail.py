"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise the message is logged (and the last
100 are kept in ``app.extensions["mail_outbox"]`` as (to, subject, body), where tests and a
local trial read the links)."""

from __future__ import annotations

import smtplib
from collections import deque
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text mail, or log it (links included) when no mail server is configured."""
    cfg = current_app.config
    if not cfg["MAIL_SERVER"]:
        current_app.logger.warning("No MAIL_SERVER configured; mail to %s: %s\n%s",
                                   to, subject, body)
        current_app.extensions.setdefault("mail_outbox", deque(maxlen=100)).append(
            (to, str(subject), str(body)))
        return
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=15) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
