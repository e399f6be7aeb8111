"""Two app processes (gunicorn, as deployed) behind one database and one Redis behave as one.

A browser session that alternates between the two processes, as it would behind a load
balancer without sticky sessions: signing in on one and being signed in on the other, a CSRF
token of one accepted by the other, the verification rate limit counted across both, and an exam
started on one and answered on both, with a replayed answer refused whichever process gets it.
The database is PostgreSQL in the PostgreSQL job (``DATABASE_URL``), an SQLite file otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from talentpool.assessment import exam
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.assessment.test_exam import gold_for
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank
from tests.test_rate_limits import REDIS, redis_reachable

requests = pytest.importorskip("requests")
pytestmark = [
    pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.skipif(shutil.which("gunicorn", path=os.path.dirname(sys.executable)) is None,
                       reason="gunicorn is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(app, tmp_path, name: str, prefix: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"], "REDIS_URL": REDIS,
           "RATELIMIT_KEY_PREFIX": prefix, "VERIFY_RATE_LIMIT": "3",
           "TALENTPOOL_INSTANCE": app.config["INSTANCE_PATH"],
           "EXAM_SCHEME": app.config["EXAM_SCHEME"]}
    with open(tmp_path / f"{name}.log", "w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", "1", "-b",
             f"127.0.0.1:{port}", "--control-socket", str(tmp_path / f"{name}.ctl"),
             "talentpool.app:create_app()"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return process, base
        except requests.RequestException:  # not listening, or the worker still booting
            time.sleep(0.2)
    process.terminate()
    raise AssertionError((tmp_path / f"{name}.log").read_text())


def token_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def two_servers(app, tmp_path, make_user):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        now = utcnow()
        session = exam.create_session(5, "Level 5 · two processes", now - timedelta(hours=1),
                                      now + timedelta(hours=5), None).public_id
        db.session.remove()
    email = make_user(Role.TRAINEE)
    prefix = f"scale-{uuid.uuid4().hex}"
    servers: list[tuple[subprocess.Popen, str]] = []
    try:
        for name in ("a", "b"):
            servers.append(serve(app, tmp_path, name, prefix))
        yield {"a": servers[0][1], "b": servers[1][1], "session": session, "email": email}
    finally:  # a server that started is stopped even when the other did not
        for process, _base in servers:
            process.terminate()
            process.wait(timeout=20)


def test_sessions_csrf_limits_and_exam_state_hold_across_two_processes(app, two_servers):
    a, b = two_servers["a"], two_servers["b"]
    browser = requests.Session()  # one cookie jar: both processes are 127.0.0.1
    # Sign in on A with the token of a page B served.
    token = token_of(browser.get(f"{b}/accounts/login").text)
    signed_in = browser.post(f"{a}/accounts/login", data={
        "email": two_servers["email"], "password": PASSWORD, "csrf_token": token},
        allow_redirects=False)
    assert signed_in.status_code == 302
    home = browser.get(f"{b}/exams/")
    assert home.status_code == 200 and two_servers["session"] in home.text
    # Start the exam on B with A's token; answer on A, then B, then A.
    token = token_of(browser.get(f"{a}/exams/").text)
    started = browser.post(f"{b}/exams/sessions/{two_servers['session']}/start",
                           data={"csrf_token": token}, allow_redirects=False)
    assert started.status_code == 302
    attempt_url = started.headers["Location"]
    attempt_id = attempt_url.rstrip("/").rsplit("/", 1)[-1]
    from talentpool.assessment.models import ExamAttempt

    def current():
        with app.app_context():
            row = db.session.scalar(db.select(ExamAttempt).where(
                ExamAttempt.public_id == attempt_id))
            return row.sequence, row.current_item_id, row.state

    for server in (a, b, a):
        sequence, item_id, _state = current()
        with app.app_context():
            answer = gold_for(item_id)
        page = browser.get(f"{server}/exams/attempts/{attempt_id}")
        reply = browser.post(f"{server}/exams/attempts/{attempt_id}/answer?sequence={sequence}",
                             json={"answer": answer},
                             headers={"X-CSRFToken": token_of(page.text)})
        assert reply.status_code == 200, reply.text
    # The same answer again, on the other process: refused, nothing stored twice.
    replay = browser.post(f"{b}/exams/attempts/{attempt_id}/answer?sequence={sequence}",
                          json={"answer": answer},
                          headers={"X-CSRFToken": token_of(page.text)})
    assert replay.status_code == 409
    assert current()[0] == sequence + 1
    # The verification limit (3 per window) counts both processes together.
    address = {"X-Forwarded-For": "ignored"}  # no PROXY_FIX: the socket address counts
    codes = [requests.get(f"{server}/api/v1/certificates/TP-NONE", headers=address).status_code
             for server in (a, b, a, b)]
    assert codes == [404, 404, 404, 429]
