"""Declarative base, UTC clock and the SQLite connection settings.

SQLite is the embedded default. Each connection runs in WAL mode (readers never
block the writer and see a consistent snapshot), waits up to ``DATABASE_WAIT_SECONDS`` for a
lock instead of failing (then the request gets a 503, talentpool/overload.py), and enforces
foreign keys.

Transactions that may write start with ``BEGIN IMMEDIATE``: a transaction that reads and then
writes can otherwise fail at once with "database is locked" when another writer committed in
between, which no busy timeout cures. Taking the write lock up front turns that failure into a
short wait. The transactions of GET and HEAD requests only read, so they start with a plain
``BEGIN`` and run side by side with each other and with the one writer. A GET that does write
(a view record, an audit entry, a token's last use) calls ``will_write()`` first; in tests a
write inside a read-only transaction is an error, so a new one cannot go unnoticed.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import JSON, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; constraint names are deterministic for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def compared_by_autogenerate(dialect: str):
    """An Alembic ``include_object`` hook for ``dialect``.

    Indexes limited to another dialect (``Index(...).ddl_if(dialect=...)``) and expression
    indexes (which Alembic cannot reflect; migrations create them with explicit SQL) are left
    out of the comparison between the models and the database.
    """

    def include(obj, _name, type_, _reflected, _compare_to) -> bool:
        if type_ != "index":
            return True
        condition = getattr(obj, "_ddl_if", None)
        if condition is not None and condition.dialect not in (None, dialect):
            return False
        return all(hasattr(expression, "table") for expression in obj.expressions)

    return include


def new_public_id() -> str:
    """A random, unguessable id for URLs (never the integer primary key), 16 URL-safe characters
    starting with a letter or digit: an id starting with "-" would be read as an option on a
    command line, and spreadsheets would read it as a formula, so CSV exports would have to
    alter it (talentpool/spreadsheets.py)."""
    while True:
        public_id = secrets.token_urlsafe(12)
        if public_id[0].isalnum():
            return public_id


_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def is_public_id(text: object) -> bool:
    """Whether ``text`` has the shape of a public id; other text (NUL …) never reaches a query."""
    return isinstance(text, str) and _PUBLIC_ID.fullmatch(text) is not None


def utcnow() -> datetime:
    """Current time in UTC, naive (the database stores UTC without a zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def rfc3339(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as RFC 3339 with its offset, e.g. 2026-12-01T08:00:00+00:00."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def private_file(path: str | None) -> None:
    """Create ``path`` (a SQLite file) readable and writable by its owner only, or narrow an
    existing file's mode to 0600. Memory databases have no file."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
    except FileNotFoundError:
        return  # its folder does not exist yet; SQLite reports that on connect


T = TypeVar("T")
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def mark_read_only_request() -> None:
    """``before_request`` hook, registered first: transactions of a GET or HEAD request start
    without taking SQLite's write lock."""
    g.read_only_request = request.method in READ_ONLY_METHODS


def will_write() -> None:
    """Say that this request is about to write, when it is a GET or HEAD: the read-only
    transaction (if one is open) ends — the objects it loaded are reloaded on next use — and the
    rest of the request's transactions take the write lock up front. No effect elsewhere."""
    if has_request_context() and g.get("read_only_request"):
        from talentpool.extensions import db

        g.read_only_request = False
        db.session.commit()


def done_writing() -> None:
    """Say that this request's writes are committed: its remaining transactions only read, so
    on SQLite they start with a plain ``BEGIN`` instead of queueing for the write lock (an
    answer that goes on to render the next question). A later write is an error in tests."""
    if has_request_context():
        g.read_only_request = True


@contextmanager
def kept_loaded():
    """Commit inside this block without expiring the session's objects: what the use case just
    wrote is what they hold, so showing it afterwards costs no reload. Use it only where the
    objects are read back for display, never where another writer may have changed them."""
    from talentpool.extensions import db

    session = db.session()
    previous, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = previous


def _read_only_transaction() -> bool:
    return has_request_context() and bool(g.get("read_only_request"))


def configure_sqlite(engine: Engine, wait_seconds: float = 30) -> None:
    """Install the WAL / busy-timeout / foreign-key / immediate-transaction hooks, and keep the
    database file private to its owner (SQLite gives its -wal and -shm files the same mode)."""
    if engine.dialect.name != "sqlite":
        return
    private_file(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Autocommit at the driver level so that SQLAlchemy's "begin" event decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        read_only = _read_only_transaction()
        connection.info["read_only"] = read_only
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    @event.listens_for(engine, "before_cursor_execute")
    def _no_write_in_a_read(connection, _cursor, statement, *_rest):  # noqa: ANN001
        if connection.info.get("read_only") and statement.lstrip()[:7].upper().startswith(
                _WRITES):
            message = (f"{request.method} {request.path} writes in a read-only transaction "
                       "(call talentpool.database.will_write() first): " + statement[:80])
            if current_app.testing:
                raise RuntimeError(message)
            current_app.logger.warning(message)


def within_budget(work: Callable[[], T], budget_ms: int) -> T | None:
    """``work()``, which only reads, or None when its queries took longer than ``budget_ms``:
    PostgreSQL cancels them (``statement_timeout``), SQLite interrupts them (a progress
    handler that watches the clock). Either way the session's transaction stays usable.

    On PostgreSQL the work runs in a savepoint that is rolled back even when it succeeds:
    that undoes the timeout (``SET LOCAL``) without a query to learn its previous value, and
    the work wrote nothing to lose. Two round trips more than the work itself."""
    from sqlalchemy.exc import OperationalError

    from talentpool.extensions import db

    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        deadline = time.monotonic() + budget_ms / 1000
        driver = connection.connection.driver_connection
        driver.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
        try:
            return work()
        except OperationalError as error:
            if "interrupted" not in str(error.orig):
                raise
            return None
        finally:
            driver.set_progress_handler(None, 0)
    connection.exec_driver_sql(f"SAVEPOINT within_budget; "
                               f"SET LOCAL statement_timeout = {max(int(budget_ms), 1)}")
    try:
        return work()
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "57014":  # query_canceled
            raise
        return None
    finally:
        connection.exec_driver_sql("ROLLBACK TO SAVEPOINT within_budget; "
                                   "RELEASE SAVEPOINT within_budget")
