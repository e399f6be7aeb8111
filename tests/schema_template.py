"""An empty SQLite database with the models' schema, built once per test process and copied into
each test's own folder.

``db.create_all()`` issues some 160 statements (65 tables and their indexes) and costs a test a
few hundred milliseconds; copying the finished file costs about a millisecond. Every test still
gets a database file of its own in its own ``tmp_path``, so nothing is shared between tests.

The template's name carries a digest of the DDL that ``create_all`` emits for SQLite, so a model
that changes can never be served a stale schema. It lives in the test session's temporary folder
(with pytest-xdist each worker has its own), so every run builds it afresh.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from sqlalchemy import MetaData, create_engine, create_mock_engine
from sqlalchemy.engine import make_url

from talentpool.database import configure_sqlite

_folder: Path | None = None
_templates: dict[str, Path] = {}
_digests: dict[tuple, str] = {}


def keep_templates_in(folder: Path | None) -> None:
    """Build templates in ``folder`` from now on (None: no templates, tests run create_all)."""
    global _folder
    _folder = folder
    _templates.clear()


def sqlite_ddl(metadata: MetaData) -> list[str]:
    """The statements ``metadata.create_all`` runs on an empty SQLite database, in order."""
    statements: list[str] = []

    def record(clause, *_args, **_kwargs) -> None:
        statements.append(str(clause.compile(dialect=engine.dialect)))

    engine = create_mock_engine("sqlite://", record)
    metadata.create_all(engine, checkfirst=False)
    return statements


def schema_digest(metadata: MetaData) -> str:
    """SHA-256 of ``metadata``'s SQLite DDL.

    Compiling the DDL takes about 0.1 s, so the digest is remembered for the tables, columns,
    indexes and constraints ``metadata`` holds at the moment; adding or removing any of them asks
    for a new digest."""
    shape = tuple((name, id(table), len(table.columns), len(table.indexes),
                   len(table.constraints)) for name, table in metadata.tables.items())
    if shape not in _digests:
        ddl = "\n;\n".join(sqlite_ddl(metadata))
        _digests[shape] = hashlib.sha256(ddl.encode()).hexdigest()
    return _digests[shape]


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None
    return Path(parsed.database)


def template(metadata: MetaData) -> Path | None:
    """The template file for ``metadata``, built on first use; None without a folder."""
    if _folder is None:
        return None
    digest = schema_digest(metadata)
    if digest not in _templates:
        path = _folder / f"schema-{digest[:16]}.db"
        if not path.exists():
            build(metadata, path)
        _templates[digest] = path
    return _templates[digest]


def build(metadata: MetaData, path: Path) -> None:
    """Create ``metadata``'s tables in a new SQLite file at ``path``, with the connection settings
    the app uses (talentpool.database.configure_sqlite), and close it fully: with its last
    connection closed SQLite folds the write-ahead log into the file and removes it, so the one
    file is the whole database."""
    partial = path.with_suffix(".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{partial}")
    configure_sqlite(engine)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    if Path(f"{partial}-wal").exists():
        raise RuntimeError(f"{partial}: the write-ahead log outlived the last connection")
    os.replace(partial, path)


def copy_empty_schema(url: str, metadata: MetaData) -> bool:
    """Give the SQLite database at ``url`` the schema of ``metadata`` by copying the template,
    when the file is missing or empty; True if it did. A file that has content is never
    overwritten, and other databases, in-memory ones and files in folders that do not exist
    (SQLite reports those on connect) are left alone (False: the caller creates the schema)."""
    path = sqlite_file(url)
    if path is None or not path.parent.is_dir() or (path.exists() and path.stat().st_size > 0):
        return False
    for journal in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if journal.exists():
            return False
    source = template(metadata)
    if source is None:
        return False
    shutil.copyfile(source, path)
    return True
