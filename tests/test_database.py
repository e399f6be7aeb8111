"""Concurrent writers never see "database is locked" (SECURITY.md row 23)."""

import threading

from sqlalchemy import func, select

from talentpool.accounts import service
from talentpool.accounts.models import User
from talentpool.extensions import db


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
