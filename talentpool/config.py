"""Settings from the environment.

Every setting is documented in the README's settings table. ``load_config``
returns a plain mapping that ``create_app`` applies; tests pass their own
mapping on top of it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in _TRUE


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def instance_path() -> Path:
    """Folder for the SQLite file, the generated secret key and signing keys."""
    return Path(os.environ.get("TALENTPOOL_INSTANCE", PROJECT_ROOT / "instance")).resolve()


def load_secret_key(folder: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in ``folder``.

    A hard-coded default would let anyone forge session cookies, so there is none.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = folder / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def load_config() -> dict:
    """Read the settings from the environment."""
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{folder / 'talentpool.db'}"
        ),
        "SECRET_KEY": load_secret_key(folder),
        # <key id>:<32 bytes base64url>, comma-separated, current first (field_crypto); unset:
        # one key generated in the instance folder.
        "FIELD_ENCRYPTION_KEYS": os.environ.get("FIELD_ENCRYPTION_KEYS", ""),
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": _int("SESSION_LIFETIME_HOURS", 12) * 3600,
        # A login lasts SESSION_LIFETIME_HOURS from sign-in (the server-side session is not
        # sliding), so the cookie is set when it changes, not re-signed on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        # A Server-Timing header with the application's time per request (server_timing.py).
        "SERVER_TIMING": _flag("SERVER_TIMING", False),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS", True),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "talentpool@localhost"),
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        "LOGIN_THROTTLE_MINUTES": _int("LOGIN_THROTTLE_MINUTES", 15),
        "PASSWORD_RESET_HOURS": _int("PASSWORD_RESET_HOURS", 1),
        "SIGNUP_LINK_HOURS": _int("SIGNUP_LINK_HOURS", 24),
        "INVITATION_DAYS": _int("INVITATION_DAYS", 7),
        # scrypt is Werkzeug's default: slow by design. Tests lower it for speed.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        "EXAM_SCHEME": os.environ.get("EXAM_SCHEME",
                                      str(PROJECT_ROOT / "exams" / "certification-scheme.yaml")),
        "ISSUER_NAME": os.environ.get(
            "ISSUER_NAME", "talentpool 职业技能等级认定 · talentpool Skill Level Certification"),
        "CERTIFICATE_SEAL_IMAGE": os.environ.get("CERTIFICATE_SEAL_IMAGE", ""),
        "VERIFY_RATE_LIMIT": _int("VERIFY_RATE_LIMIT", 60),
        "VERIFY_RATE_WINDOW_SECONDS": _int("VERIFY_RATE_WINDOW_SECONDS", 60),
        # The shared store of rate-limit counts (talentpool.rate_limits); memory when unset.
        "REDIS_URL": os.environ.get("REDIS_URL", "").strip() or None,
        # Keeps the counts of several instances that share one Redis apart.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "talentpool"),
        "CREDENTIAL_MAX_BYTES": _int("CREDENTIAL_MAX_BYTES", 65536),
        # Hosts (name or name:port) whose did:web DIDs, credentials and status lists may be
        # fetched over plain http and from private addresses; empty in production.
        "DID_WEB_HTTP_HOSTS": [host.strip() for host in os.environ.get(
            "DID_WEB_HTTP_HOSTS", "").split(",") if host.strip()],
        "RECOGNITION_SCAN_MAX_BYTES": _int("RECOGNITION_SCAN_MAX_BYTES", 1536 * 1024),
        # Largest eligibility evidence file of a registration (office.registration).
        "OFFICE_EVIDENCE_MAX_BYTES": _int("OFFICE_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024),
        "CALIBRATION_MIN_RESPONSES": _int("CALIBRATION_MIN_RESPONSES", 300),
        "EXPOSURE_WINDOW_DAYS": _int("EXPOSURE_WINDOW_DAYS", 365),
        # A part passed in a failed sitting is kept this long for a resit of the other part.
        "RESIT_WINDOW_DAYS": _int("RESIT_WINDOW_DAYS", 365),
        # Days a rater has to score an assigned written answer (rating).
        "RATING_DAYS": _int("RATING_DAYS", 5),
        # Largest file uploaded with a written answer (rating.answer_files).
        "RATING_FILE_MAX_BYTES": _int("RATING_FILE_MAX_BYTES", 10 * 1024 * 1024),
        # Candidates a sitting needs before rater severity is adjusted with fair scores.
        "RATING_FAIR_MIN_CANDIDATES": _int("RATING_FAIR_MIN_CANDIDATES", 30),
        # How long a sitting's archive bundle is kept (electronic records: at least 5 years).
        "ARCHIVE_RETENTION_YEARS": _int("ARCHIVE_RETENTION_YEARS", 5),
        "EXPOSURE_REFRESH_SECONDS": _int("EXPOSURE_REFRESH_SECONDS", 30),
        # Overload (talentpool/overload.py): the longest wait for SQLite's write lock or a
        # pooled PostgreSQL connection, the longest time a request may have queued at the proxy
        # (X-Request-Start; 0: no limit), and the Retry-After of the 503 either gives.
        "DATABASE_WAIT_SECONDS": _int("DATABASE_WAIT_SECONDS", 10),
        "MAX_QUEUE_SECONDS": _int("MAX_QUEUE_SECONDS", 10),
        "OVERLOAD_RETRY_AFTER": _int("OVERLOAD_RETRY_AFTER", 5),
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "WTF_CSRF_TIME_LIMIT": None,
    }
