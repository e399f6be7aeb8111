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
    from talentpool.accounts.models import is_public_id, new_public_id
    from talentpool.spreadsheets import escape_cell

    ids = {new_public_id() for _ in range(5_000)}
    assert len(ids) == 5_000  # about 96 random bits each
    assert all(len(public_id) == 16 and is_public_id(public_id) for public_id in ids)
    assert all(public_id[0].isalnum() and escape_cell(public_id) == public_id for public_id in ids)
    assert {public_id[1] for public_id in ids} >= {"-", "_"}  # the rest stays URL-safe base64
