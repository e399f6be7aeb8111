"""Declarative base, UTC clock and the SQLite connection settings.

SQLite is the embedded default. Each connection runs in WAL mode (readers never
block the writer), waits up to ``busy_timeout`` for a lock instead of failing,
and enforces foreign keys. Transactions start with ``BEGIN IMMEDIATE``: a
transaction that reads and then writes can otherwise fail at once with
"database is locked" when another writer committed in between, which no busy
timeout cures. Taking the write lock up front turns that failure into a short
wait.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from sqlalchemy import JSON, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

SQLITE_BUSY_TIMEOUT_MS = 30_000

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


def configure_sqlite(engine: Engine) -> None:
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
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")
