"""Shared fixtures: ``app``, ``client``, ``runner``, ``auth`` and ``make_user``.

The database is SQLite in a temporary folder (a copy of a schema built once per process), or
the PostgreSQL server named by TEST_DATABASE_URL / DATABASE_URL (its database name must contain
"test", since every test empties it).
"""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy.engine import make_url

from talentpool.app import create_app, register_models
from talentpool.auth import Role
from talentpool.extensions import db
from tests import schema_template
from tests.template_code import shared_template_code
from tests.url_builders import shared_url_builders

PASSWORD = "correct horse battery"
IN_CI = os.environ.get("CI", "").lower() == "true"


def server_database_url() -> str | None:
    """The PostgreSQL URL the database tests run against, if one is configured."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url or url.startswith("sqlite"):
        return None
    name = make_url(url).database or ""
    if "test" not in name:
        pytest.exit(f"refusing to run tests against database {name!r}: its name must contain "
                    "'test' because every test empties it", returncode=2)
    return url


def pytest_collection_modifyitems(items):
    """Mark every test that uses the app database, so CI can re-run them on PostgreSQL."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


_SERVER_SCHEMAS_BUILT: set[str] = set()


def empty_server_database(url: str) -> None:
    """Give the server database the models' schema with no rows (inside an app context).

    The schema is rebuilt once per test process (dropping tables of older schemas too); later
    tests delete every row, children first, and restart the sequences. Row by row this is about
    forty times faster than TRUNCATE, which replaces every table's and index's files, for the
    few rows a test leaves."""
    if url not in _SERVER_SCHEMAS_BUILT:
        db.session.execute(db.text("DROP SCHEMA public CASCADE"))
        db.session.execute(db.text("CREATE SCHEMA public"))
        db.session.commit()
        db.create_all()
        _SERVER_SCHEMAS_BUILT.add(url)
        return
    deletes = "; ".join(f'DELETE FROM "{table.name}"'
                        for table in reversed(db.metadata.sorted_tables))
    connection = db.session.connection()
    connection.exec_driver_sql(deletes)
    connection.exec_driver_sql(
        "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false) "
        "FROM pg_sequences WHERE schemaname = 'public'")
    db.session.commit()


def make_app(tmp_path, **overrides):
    """An app on a fresh, empty database: on SQLite a copy of the process's schema template
    (tests/schema_template.py) in ``tmp_path``, made before the app opens the file."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": server_database_url() or f"sqlite:///{tmp_path / 'test.db'}",
        "SECRET_KEY": "test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        # Small simulated samples; the production default (300) is checked in test_config.
        "CALIBRATION_MIN_RESPONSES": 100,
        # Item choice repeats exactly from run to run (production draws fresh entropy).
        "EXAM_RANDOM_SEED": 20261201,
        **overrides,
    }
    url = settings["SQLALCHEMY_DATABASE_URI"]
    register_models()  # the whole schema, before the template is chosen by its digest
    copied = schema_template.copy_empty_schema(url, db.metadata)
    app = create_app(settings)
    app.jinja_env.bytecode_cache = shared_template_code  # templates compiled once per process
    with app.app_context():
        if url.startswith("postgresql"):
            empty_server_database(url)
        elif not copied:
            db.create_all()
    return app


@pytest.fixture(scope="session", autouse=True)
def _shared_url_builders():
    """Apps made in this process share Werkzeug's compiled URL builders (tests/url_builders.py)."""
    with shared_url_builders():
        yield


@pytest.fixture(scope="session", autouse=True)
def _schema_templates(tmp_path_factory):
    """Keep this process's SQLite schema template in the session's temporary folder."""
    schema_template.keep_templates_in(tmp_path_factory.mktemp("schema-template"))
    yield
    schema_template.keep_templates_in(None)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "instance"))
    application = make_app(tmp_path)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client, url: str, data: dict, **kwargs):
    """GET ``url`` for its CSRF token, then POST ``data`` to it."""
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))},
                       **kwargs)


@pytest.fixture
def make_user(app):
    """Create an account directly through the service."""
    from talentpool.accounts.service import create_user

    counter = iter(range(1, 10_000))

    def _make(role: Role = Role.TRAINEE, email: str | None = None, password: str = PASSWORD,
              name: str | None = None):
        n = next(counter)
        with app.app_context():
            user = create_user(email or f"user{n}@example.org", name or f"User {n}", password, role)
            return user.email

    return _make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, follow_redirects: bool = False):
        return post_form(self._client, "/accounts/login", {"email": email, "password": password},
                         follow_redirects=follow_redirects)

    def logout(self):
        page = self._client.get("/home")
        return self._client.post("/accounts/logout",
                                 data={"csrf_token": csrf_from(page.get_data(as_text=True))})


@pytest.fixture
def auth(client):
    return AuthActions(client)


def mailed_link(app, to: str, fragment: str) -> str:
    """The path of the last link containing ``fragment`` mailed to ``to`` (the app logs mail
    without a MAIL_SERVER and keeps it in its outbox)."""
    for address, _subject, body in reversed(app.extensions.get("mail_outbox", [])):
        if address == to and fragment in body:
            url = next(word for word in body.split() if fragment in word)
            return url[url.index(fragment):]
    raise AssertionError(f"no mail to {to} with a link containing {fragment}")


def confirm_signup(app, client, email: str):
    """Follow the sign-up link mailed to ``email`` and create the account; the reply."""
    link = mailed_link(app, email, "/accounts/signup/")
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    return client.post(link, data={"csrf_token": csrf_from(page.get_data(as_text=True))})


ALL_LEVELS = (5, 4, 3, 2, 1)


def make_organisation(slug: str = "talentpool", name: str = "星河职业技能评价中心",
                      levels: tuple[int, ...] = ALL_LEVELS, **fields):
    """An evaluation organisation registered for ``levels`` (call inside an app context); the
    first one made is the default issuer."""
    from talentpool.organisations import service

    found = service.by_slug(slug)
    if found is not None:
        return found
    return service.create_organisation(slug, service.OrganisationFields(
        name=name, registered_levels=levels, **fields))
