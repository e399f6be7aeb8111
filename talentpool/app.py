"""Application factory: config → extensions → blueprints → CLI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from talentpool.config import PROJECT_ROOT, load_config
from talentpool.database import configure_sqlite, mark_read_only_request
from talentpool.extensions import babel, csrf, db, login_manager, migrate
from talentpool.security_headers import register_security_headers

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping | None = None) -> Flask:
    """Build the Flask app; ``config`` overrides settings read from the environment."""
    settings = {**load_config(), **(config or {})}
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"],
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(settings)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # A request waits this long for a pooled connection, then gets a 503 (overload.py).
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault(
            "pool_timeout", app.config["DATABASE_WAIT_SECONDS"])
    if app.config.get("PROXY_FIX"):
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("SERVER_TIMING"):
        from talentpool.server_timing import ServerTiming

        app.wsgi_app = ServerTiming(app.wsgi_app)
    register_models()
    register_extensions(app)
    register_input_checks(app)
    register_blueprints(app)
    register_security_headers(app)
    register_template_context(app)
    register_cli(app)
    register_signals()
    return app


def register_signals() -> None:
    """Connect the domains' receivers (idempotent: one connection per receiver)."""
    from talentpool.directory.placement import on_certificate_event
    from talentpool.signals import certificate_changed

    certificate_changed.connect(on_certificate_event, weak=False)


def register_models() -> None:
    """Import every model module so the metadata (and migrations) see all tables."""
    import talentpool.accounts.models  # noqa: F401
    import talentpool.assessment.models  # noqa: F401
    import talentpool.certification.models  # noqa: F401
    import talentpool.cohorts.models  # noqa: F401
    import talentpool.directory.models  # noqa: F401
    import talentpool.notifications.models  # noqa: F401
    import talentpool.office.models  # noqa: F401
    import talentpool.rating.models  # noqa: F401
    import talentpool.rating.panel_models  # noqa: F401
    import talentpool.organisations.models  # noqa: F401
    import talentpool.practice.models  # noqa: F401
    import talentpool.recognition.models  # noqa: F401
    import talentpool.scheduling  # noqa: F401


def register_extensions(app: Flask) -> None:
    """Bind the extension objects to ``app``."""
    from talentpool import rate_limits
    from talentpool.i18n import current_locale
    from talentpool.timezones import current_timezone_name

    db.init_app(app)
    app.before_request(mark_read_only_request)  # first, before anything reads
    with app.app_context():
        configure_sqlite(db.engine, app.config["DATABASE_WAIT_SECONDS"])
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True,
                     compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session token does this job
    csrf.init_app(app)
    babel.init_app(app, locale_selector=current_locale,
                   timezone_selector=current_timezone_name,
                   default_translation_directories="translations")
    rate_limits.init_app(app)


def register_input_checks(app: Flask) -> None:
    """Refuse text no database can store before any view runs (talentpool.input_guard)."""
    from talentpool.input_guard import register_input_guard

    register_input_guard(app)


def register_blueprints(app: Flask) -> None:
    """Attach each domain's blueprint and the error pages."""
    from talentpool.accounts import bp as accounts_bp
    from talentpool.accounts.admin_views import users_bp
    from talentpool.assessment import bp as bank_bp
    from talentpool.assessment.exam_views import exams_bp
    from talentpool.certification import bp as certification_bp
    from talentpool.cohorts import bp as cohorts_bp
    from talentpool.directory import bp as directory_bp
    from talentpool.home import bp as home_bp
    from talentpool.notifications import bp as notifications_bp
    from talentpool.office import bp as office_bp
    from talentpool.rating import bp as rating_bp
    from talentpool.organisations import bp as organisations_bp
    from talentpool.practice import bp as practice_bp
    from talentpool.recognition import bp as recognition_bp
    from talentpool.errors import register_error_handlers
    from talentpool.openapi import register_openapi
    from talentpool.overload import register_overload_handlers

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(certification_bp)
    app.register_blueprint(bank_bp)
    app.register_blueprint(exams_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(rating_bp)
    app.register_blueprint(recognition_bp)
    app.register_blueprint(notifications_bp)
    register_openapi(app)
    register_error_handlers(app)
    register_overload_handlers(app)


def register_template_context(app: Flask) -> None:
    """Values every template can use."""
    from flask_babel import format_datetime, gettext

    from talentpool.assessment.tracks import task_type_name, track_name
    from talentpool.auth import Role
    from talentpool.i18n import LOCALES, current_locale, localized
    from talentpool.rich_text import to_html
    from talentpool.timezones import zone_label

    app.add_template_global(localized, "text")
    app.add_template_filter(to_html, "markdown")
    app.add_template_filter(lambda type_id: task_type_name(type_id, current_locale()),
                            "task_type")
    app.add_template_filter(lambda track_id: track_name(track_id, current_locale()),
                            "track_name")
    # Stored times (naive UTC) in the reader's time zone (talentpool.timezones).
    for name, pattern in (("when", "yyyy-MM-dd HH:mm"), ("when_s", "yyyy-MM-dd HH:mm:ss"),
                          ("day", "yyyy-MM-dd"), ("clock", "HH:mm")):
        app.add_template_filter(
            lambda moment, pattern=pattern: format_datetime(moment, pattern) if moment else "",
            name)
    app.add_template_global(lambda: zone_label(current_locale()), "zone_label")
    app.add_template_global(lambda: gettext("In your time zone, %(zone)s (change it in Settings).",
                                            zone=zone_label(current_locale())), "zone_hint")

    @app.context_processor
    def inject() -> dict:
        return {"Role": Role, "LOCALES": LOCALES, "current_locale": current_locale()}


def register_cli(app: Flask) -> None:
    """Add the project's commands to ``app.cli``."""
    from talentpool.cli import register_commands

    register_commands(app)
