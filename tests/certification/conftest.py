"""Helpers for certificate tests: issue certificates directly through the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from talentpool.auth import Role
from tests.conftest import PASSWORD, csrf_from, make_organisation


@dataclass(frozen=True)
class Issued:
    """What a test needs to know about an issued certificate (no live ORM object)."""

    serial: str
    email: str
    user_id: int


@pytest.fixture(autouse=True)
def public_site(app):
    """Credentials name their site and issuer DID: the same inside and outside requests. The
    default issuer is an evaluation organisation registered for every level."""
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation()


@pytest.fixture
def make_certificate(app):
    """Issue a certificate to a new (or the given) trainee account."""
    from talentpool.accounts.service import create_user, find_user_by_email
    from talentpool.certification.service import issue_certificate

    counter = iter(range(1, 10_000))

    def _make(level: int = 5, theory: float = 82, practical: float = 74,
              panel: float | None = None, email: str | None = None, name: str | None = None,
              now: datetime | None = None, valid_years: int | None = None) -> Issued:
        with app.app_context():
            user = find_user_by_email(email) if email else None
            if user is None:
                n = next(counter)
                user = create_user(email or f"holder{n}@example.org", name or f"Holder {n}",
                                    PASSWORD, Role.TRAINEE)
            certificate = issue_certificate(user, level, theory, practical, panel, now=now,
                                            valid_years=valid_years)
            return Issued(certificate.serial, user.email, user.id)

    return _make


def use_english(client) -> None:
    """Switch the client's interface to English (the identity catalog)."""
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token, "next": "/"})
