"""Concurrent writers never see "database is locked" (SECURITY.md row 23)."""

import threading

import pytest

from sqlalchemy import func, select

from talentpool.accounts import service
from talentpool.accounts.models import User
from talentpool.extensions import db
from tests.conftest import server_database_url


def test_concurrent_writers_all_succeed(app):
    errors, barrier = [], threading.Barrier(8)

    def sign_up(n: int):
        barrier.wait()
        try:
            with app.test_request_context():
                for k in range(5):
                    email = f"w{n}-{k}@example.org"
                    service.register_trainee(email, f"Writer {n}", "a long enough password")
                    try:
                        service.authenticate(email, "wrong password here", f"10.0.{n}.{k}")
                    except service.AccountError:
                        pass  # expected: the failure is recorded, another write
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(repr(error))

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 40


def test_sqlite_files_are_private_to_their_owner(tmp_path):
    import stat

    from tests.conftest import make_app

    if server_database_url():
        pytest.skip("a server database has no file")
    path = tmp_path / "private.db"
    path.write_bytes(b"")
    path.chmod(0o644)  # an existing file is narrowed too
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.session.execute(db.text("create table t (x integer)"))
        db.session.commit()
        for name in ("private.db", "private.db-wal", "private.db-shm"):
            mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
            assert mode == 0o600, (name, oct(mode))
        db.engine.dispose()


def test_public_ids_are_unguessable_and_never_start_like_an_option_or_a_formula():
    from talentpool.database import is_public_id, new_public_id
    from talentpool.spreadsheets import escape_cell

    ids = {new_public_id() for _ in range(5_000)}
    assert len(ids) == 5_000  # about 96 random bits each
    assert all(len(public_id) == 16 and is_public_id(public_id) for public_id in ids)
    assert all(public_id[0].isalnum() and escape_cell(public_id) == public_id for public_id in ids)
    assert {public_id[1] for public_id in ids} >= {"-", "_"}  # the rest stays URL-safe base64


def test_a_get_request_reads_without_the_write_lock_and_a_write_must_say_so(app, client, auth,
                                                                             make_user):
    """GET pages are served while another writer holds SQLite's write lock; a GET that writes
    without ``will_write()`` fails in tests, and with it the write is stored."""
    import sqlite3
    import time

    from sqlalchemy.engine import make_url

    from talentpool.accounts.models import User
    from talentpool.auth import Role
    from talentpool.database import will_write

    if server_database_url():
        pytest.skip("SQLite's write lock")

    def careless():
        db.session.get(User, 1).display_name = "renamed on a GET"
        db.session.commit()
        return "ok"

    def careful():
        db.session.get(User, 1)
        will_write()
        db.session.get(User, 1).display_name = "renamed on a GET"
        db.session.commit()
        return "ok"

    app.add_url_rule("/_careless", view_func=careless)
    app.add_url_rule("/_careful", view_func=careful)
    auth.login(make_user(Role.TRAINEE))
    assert client.get("/home").status_code == 200  # the first visit places the trainee (a write)

    holder = sqlite3.connect(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database,
                             isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        for path in ("/home", "/practice/", "/exams/", "/practice/skills"):
            assert client.get(path).status_code in (200, 302), path
        assert time.monotonic() - started < 5  # none waited for the lock (the wait is 10 s)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert client.get("/_careless").status_code == 500
    with app.app_context():
        assert db.session.get(User, 1).display_name != "renamed on a GET"
    assert client.get("/_careful").status_code == 200
    with app.app_context():
        assert db.session.get(User, 1).display_name == "renamed on a GET"


SLOW_COUNT = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
              "WHERE i < 100000000) SELECT count(*) FROM n")


def test_a_read_over_its_time_budget_is_stopped_and_the_transaction_goes_on(app):
    import time

    from sqlalchemy import text

    from talentpool.database import within_budget

    with app.app_context():
        started = time.monotonic()
        assert within_budget(lambda: db.session.scalar(text(SLOW_COUNT)), 30) is None
        assert time.monotonic() - started < 2
        assert within_budget(lambda: db.session.scalar(
            select(func.count()).select_from(User)), 2000) == 0
        if db.engine.dialect.name == "postgresql":  # the timeout is set back
            assert db.session.scalar(text("SHOW statement_timeout")) == "0"
        db.session.add(User(email="after@example.org", display_name="After",
                            password_hash="!", role="trainee"))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
