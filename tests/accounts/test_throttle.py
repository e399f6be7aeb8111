"""Login throttling: counting and recording are one step, locks are scoped to account and
address, and a completed password reset clears the account's lock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentpool.accounts import service, tokens
from talentpool.accounts.models import PasswordResetToken
from talentpool.extensions import db
from tests.bursts import burst
from tests.conftest import PASSWORD

WRONG = "wrong password here"


def test_simultaneous_guesses_evaluate_at_most_the_limit(app, make_user):
    email = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]

    def guess() -> str:
        try:
            service.authenticate(email, WRONG, "10.0.0.9")
        except service.ThrottledError:
            return "throttled"
        except service.AccountError:
            return "evaluated"
        return "signed in"

    outcomes = burst(app, 30, guess, request=True)
    assert len(outcomes) == 30
    # At most the limit is evaluated (under a burst possibly none: every attempt counts the
    # others' records and stands back, which costs an attacker the whole burst).
    assert outcomes.count("evaluated") <= limit, outcomes
    with app.test_request_context():  # refused attempts left no record: the lock is honest
        assert service.throttle.failures_since(
            service.throttle.ACCOUNT, service.throttle.account_key(email, "10.0.0.9"),
            service.utcnow() - timedelta(hours=1)) == outcomes.count("evaluated")


def test_an_exam_room_behind_one_address_signs_in_together(app, make_user):
    """More people than the address's failure limit sign in at once from one address (a room
    behind NAT): all get in. Failures from that address still lock it."""
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    emails = [make_user() for _ in range(12)]

    def sign_in(email: str) -> str:
        return service.authenticate(email, PASSWORD, "192.0.2.10").email

    signed_in = burst(app, 12, sign_in, prepare=iter(emails).__next__, request=True)
    assert sorted(signed_in) == sorted(emails)
    with app.test_request_context():
        for email in emails[:3]:
            with pytest.raises(service.AccountError):
                service.authenticate(email, WRONG, "192.0.2.10")
        with pytest.raises(service.ThrottledError):
            service.authenticate(emails[3], PASSWORD, "192.0.2.10")
        assert service.authenticate(emails[3], PASSWORD, "198.51.100.7").email == emails[3]


def test_guessing_from_elsewhere_does_not_lock_the_owner_out(app, make_user):
    email = make_user()
    with app.test_request_context():
        for _ in range(12):
            with pytest.raises(service.AccountError):
                service.authenticate(email, WRONG, "203.0.113.66")
        with pytest.raises(service.ThrottledError):
            service.authenticate(email, PASSWORD, "203.0.113.66")
        assert service.authenticate(email, PASSWORD, "198.51.100.7").email == email


def test_a_completed_password_reset_clears_the_lock(app, make_user, monkeypatch):
    email = make_user()
    sent = []
    monkeypatch.setattr(tokens, "send_mail", lambda to, subject, body: sent.append(body))
    with app.test_request_context():
        now = service.utcnow()
        for _ in range(5):
            with pytest.raises(service.AccountError):
                service.authenticate(email, WRONG, "10.0.0.1", now)
        with pytest.raises(service.ThrottledError, match="reset|重置"):
            service.authenticate(email, PASSWORD, "10.0.0.1", now)
        tokens.request_password_reset(email, "10.0.0.1", now)
        raw = sent[-1].split("/reset/")[1].split()[0]
        assert db.session.query(PasswordResetToken).count() == 1
        tokens.reset_password(raw, "a brand new passphrase 7", now + timedelta(minutes=1))
        user = service.authenticate(email, "a brand new passphrase 7", "10.0.0.1",
                                    now + timedelta(minutes=2))
        assert user.email == email


def test_refused_attempts_do_not_extend_the_lock(app, make_user):
    email = make_user()
    with app.test_request_context():
        now = service.utcnow()
        for _ in range(5):
            with pytest.raises(service.AccountError):
                service.authenticate(email, WRONG, "10.0.0.1", now)
        minutes = app.config["LOGIN_THROTTLE_MINUTES"]
        for step in range(1, minutes):  # an attacker keeps trying through the window
            with pytest.raises(service.ThrottledError):
                service.authenticate(email, WRONG, "10.0.0.1", now + timedelta(minutes=step))
        later = now + timedelta(minutes=minutes, seconds=1)
        assert service.authenticate(email, PASSWORD, "10.0.0.1", later).email == email
