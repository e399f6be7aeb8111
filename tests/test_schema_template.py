"""Each test's SQLite database is a copy of a schema template built once per process: the copy
is the schema ``create_all`` builds, belongs to that test alone, and a changed model gets a
template of its own."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from sqlalchemy import Column, Index, Integer, MetaData, Table, select
from sqlalchemy.engine import make_url

from talentpool.accounts.models import User
from talentpool.app import register_models
from talentpool.auth import Role
from talentpool.extensions import db
from tests import schema_template
from tests.conftest import make_app, server_database_url

sqlite_only = pytest.mark.skipif(server_database_url() is not None,
                                 reason="tests run on the PostgreSQL server, not SQLite files")


def schema_of(path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                  "ORDER BY type, name").fetchall()
    finally:
        connection.close()


def database_file(app):
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database


def close(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@sqlite_only
def test_every_app_gets_its_own_copy_of_the_schema_create_all_builds(tmp_path, monkeypatch):
    from talentpool.accounts.service import create_user

    for name in ("first", "second", "built"):
        (tmp_path / name).mkdir()
    first, second = make_app(tmp_path / "first"), make_app(tmp_path / "second")
    assert database_file(first) == str(tmp_path / "first" / "test.db")
    assert database_file(second) == str(tmp_path / "second" / "test.db")
    with first.app_context():
        create_user("only-here@example.org", "Only Here", "a long enough password", Role.TRAINEE)
    with second.app_context():
        assert db.session.scalars(select(User)).all() == []
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
    close(first)
    close(second)
    assert stat.S_IMODE((tmp_path / "second" / "test.db").stat().st_mode) == 0o600

    monkeypatch.setattr(schema_template, "_folder", None)  # no template: create_all
    built = make_app(tmp_path / "built")
    close(built)
    assert len(schema_of(tmp_path / "built" / "test.db")) > 100
    assert schema_of(tmp_path / "second" / "test.db") == schema_of(tmp_path / "built" / "test.db")


def test_a_changed_model_gets_a_template_of_its_own():
    models = MetaData()
    thing = Table("thing", models, Column("id", Integer, primary_key=True))
    before = schema_template.template(models)
    assert schema_template.template(models) == before  # built once

    thing.append_column(Column("size", Integer))
    after = schema_template.template(models)
    assert after != before
    assert columns_of(before, "thing") == ["id"]
    assert columns_of(after, "thing") == ["id", "size"]

    Index("ix_thing_size", thing.c.size)
    assert schema_template.template(models) not in (before, after)


def columns_of(path, table: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")]
    finally:
        connection.close()


@sqlite_only
def test_a_database_file_with_content_is_never_replaced(tmp_path):
    path = tmp_path / "kept.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE kept (x INTEGER)")
    connection.execute("INSERT INTO kept VALUES (42)")
    connection.commit()
    connection.close()
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        assert db.session.execute(db.text("SELECT x FROM kept")).scalar() == 42
        assert db.session.scalars(select(User)).all() == []  # create_all added the schema
    close(app)


def test_memory_and_server_databases_are_not_copied_to(tmp_path):
    register_models()
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u@h/test_x",
                f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}"):
        assert not schema_template.copy_empty_schema(url, db.metadata), url
    assert not (tmp_path / "missing-folder").exists()
