"""Alembic migrations create exactly the schema the models describe, on SQLite and PostgreSQL."""

import secrets
from contextlib import contextmanager
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from talentpool.app import create_app
from talentpool.database import compared_by_autogenerate
from talentpool.extensions import db
from tests.conftest import IN_CI

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url_or_skip() -> str:
    """A reachable PostgreSQL test database; skips (never in CI) when there is none."""
    import os

    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_POSTGRES
    if not url.startswith("postgresql"):
        url = DEFAULT_POSTGRES
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {url}: {error}")
        pytest.skip(f"no PostgreSQL server reachable at {url}")
    return url


def assert_migrations_match_models(url: str, instance) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            dialect = connection.dialect.name
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_object": compared_by_autogenerate(dialect)})
            with warnings.catch_warnings():
                # Expression indexes are left out on purpose (see compared_by_autogenerate).
                warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified "
                                        "expression-based index")
                assert compare_metadata(context, db.metadata) == []
            indexes = {i["name"] for table in ("talent_profile", "profile_skill")
                       for i in inspect(connection).get_indexes(table)}
            expected = ({"ix_talent_profile_search_recent_pg", "ix_profile_skill_track_recent_pg"}
                        if dialect == "postgresql" else
                        {"ix_talent_profile_search_recent", "ix_profile_skill_track_recent"})
            assert expected <= indexes
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_migrations_match_models_on_sqlite(tmp_path):
    assert_migrations_match_models(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


@contextmanager
def scratch_postgres_schema():
    """A URL of the test PostgreSQL server whose search path is a fresh schema, dropped after."""
    base = postgres_url_or_skip()
    schema = f"tp_migrations_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_match_models_on_postgresql(tmp_path):
    with scratch_postgres_schema() as url:
        assert_migrations_match_models(url, tmp_path)


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite pragmas do not apply to PostgreSQL")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def adopted_by_one_organisation(url: str, instance) -> None:
    """Rows made before evaluation organisations existed end up with one organisation, named
    after the newest certificate, with no registration; old certificates keep their title."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade(revision="0013_status_list")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO signing_key (kid, public_key, created_at) "
                "VALUES ('k1', 'AAAA', '2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO exam_session (public_id, level, title, opens_at, closes_at, "
                "created_at) VALUES ('s1', 5, 'Old sitting', '2026-01-01 00:00:00', "
                "'2026-01-02 00:00:00', '2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO certificate (serial, holder_name, level, theory_score, "
                "practical_score, issuer_name, issued_at, valid_from, status, credential, "
                "signing_kid, holder_salt, decision, status_index) VALUES ('TP-1', 'A', 5, 80, "
                "70, '老机构', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'valid', '{}', "
                "'k1', 'salt', '{}', 7)"))
        upgrade()
        with db.engine.connect() as connection:
            [(org_id, slug, name, levels)] = connection.execute(text(
                "SELECT id, slug, name, registered_levels FROM evaluation_organisation")).all()
            assert (slug, name) == ("talentpool", "老机构")
            assert levels in ([], "[]")
            for table in ("certificate", "exam_session", "signing_key"):
                assert connection.execute(text(
                    f"SELECT organisation_id FROM {table}")).scalars().all() == [org_id]
            assert connection.execute(text("SELECT title_zh FROM certificate")).scalar() == (
                "职业技能等级证书")
        downgrade(revision="base")
        db.engine.dispose()


def test_existing_rows_are_adopted_by_one_organisation_on_sqlite(tmp_path):
    adopted_by_one_organisation(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


def test_existing_rows_are_adopted_by_one_organisation_on_postgresql(tmp_path):
    with scratch_postgres_schema() as url:
        adopted_by_one_organisation(url, tmp_path)
