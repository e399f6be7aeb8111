"""Overload is answered fast with 503 and Retry-After, and nothing of the refused request is
stored: a request that queued too long at the proxy, a database lock wait or a connection wait
that ran out. The exam answer sent again afterwards is stored once; a replay is refused."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import TimeoutError as PoolTimeout

from talentpool.extensions import db
from talentpool.overload import queued_seconds
from tests.assessment.test_exam import (  # noqa: F401
    answer_current, attempt_row, bank, count_responses, start, trainee)
from tests.conftest import csrf_from, make_app, server_database_url


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app with short waits: one second for the lock or a pooled connection."""
    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "instance"))
    application = make_app(tmp_path, DATABASE_WAIT_SECONDS=1,
                           SQLALCHEMY_ENGINE_OPTIONS={"pool_timeout": 1})
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def stored(app) -> int:
    """Answers stored by candidates (the field test's simulated answers left out)."""
    with app.app_context():
        return count_responses()


def refused_as_busy(reply) -> None:
    assert reply.status_code == 503
    assert reply.headers["Retry-After"] == "5"
    assert "busy" in reply.get_json()["error"] or "繁忙" in reply.get_json()["error"]


def test_the_proxy_stamp_is_read_in_seconds_milliseconds_or_microseconds():
    now = 1_800_000_000.0
    assert queued_seconds("t=1799999990.250", now) == pytest.approx(9.75)
    assert queued_seconds("1799999990250", now) == pytest.approx(9.75)
    assert queued_seconds("t=1799999990250000", now) == pytest.approx(9.75)
    assert queued_seconds("t=1800000005", now) == 0  # a clock ahead is no wait
    for unreadable in (None, "", "soon", "t=", "t=1e9", "-5"):
        assert queued_seconds(unreadable, now) is None


def test_a_request_that_queued_too_long_is_refused_before_it_runs(app, client, bank, trainee):
    assert start(client, bank).status_code == 302
    before = attempt_row(app)
    late = {"X-Request-Start": f"t={time.time() - 11:.3f}"}
    client.environ_base.update({"HTTP_X_REQUEST_START": late["X-Request-Start"]})
    refused_as_busy(answer_current(app, client))
    client.environ_base.pop("HTTP_X_REQUEST_START")
    assert stored(app) == 0 and attempt_row(app).sequence == before.sequence
    page = client.get("/exams/", headers={"X-Request-Start": f"t={time.time() - 11:.3f}"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "text/html" in page.content_type
    # A short queue is no reason to refuse; the same answer is then stored once.
    client.environ_base.update({"HTTP_X_REQUEST_START": f"t={time.time() - 2:.3f}"})
    assert answer_current(app, client, sequence=before.sequence).status_code == 200
    assert answer_current(app, client, sequence=before.sequence).status_code == 409
    assert stored(app) == 1


@pytest.mark.skipif(server_database_url() is not None, reason="SQLite's write lock")
def test_a_lock_wait_that_runs_out_is_a_503_and_the_answer_sent_again_is_stored_once(
        app, client, bank, trainee):
    assert start(client, bank).status_code == 302
    attempt = attempt_row(app)
    token = csrf_from(client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True))
    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database,
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the wait
    try:
        started = time.monotonic()
        refused_as_busy(client.post(
            f"/exams/attempts/{attempt.public_id}/answer?sequence={attempt.sequence}",
            json={"answer": {"choice": "o1"}}, headers={"X-CSRFToken": token}))
        assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert stored(app) == 0
    assert answer_current(app, client, sequence=attempt.sequence).status_code == 200
    assert answer_current(app, client, sequence=attempt.sequence).status_code == 409
    assert stored(app) == 1


def test_no_free_database_connection_is_a_503(app, client, bank, trainee):
    assert start(client, bank).status_code == 302
    attempt = attempt_row(app)
    attempt_row_id, sequence = attempt.public_id, attempt.sequence
    token = csrf_from(client.get(f"/exams/attempts/{attempt_row_id}").get_data(as_text=True))
    with app.app_context():
        db.session.remove()
        held = []
        try:
            while True:  # take every connection the pool may give
                held.append(db.engine.connect())
        except PoolTimeout:
            pass
        try:
            refused_as_busy(client.post(f"/exams/attempts/{attempt_row_id}/answer?sequence="
                                        f"{sequence}", json={"answer": {"choice": "o1"}},
                                        headers={"X-CSRFToken": token}))
        finally:
            for connection in held:
                connection.close()
    assert stored(app) == 0
    assert answer_current(app, client, sequence=sequence).status_code == 200
    assert stored(app) == 1
