"""The load benchmark's database, built through the product on SQLite or PostgreSQL.

The exam bank is ``bench_exam_answer``'s (its packs, scheme, field test and Angoff panels), on
any database URL: a 120-item theory pack, a practical pack of single-choice exam items, a few
practical pretest items, a level-5 mock session open now (no check-in), a practice pack in the
``text_classification`` track, and trainee accounts for the simulated users.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, func, select, text

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_exam_answer import (
    PASSWORD,
    PRACTICAL_CODES,
    THEORY_FORM,
    THEORY_ITEMS,
    import_live,
    item,
    pretest_count,
    set_standards_and_open,
    write_pack,
    write_scheme,
)

PRACTICE_TRACK = "text_classification"
HASH_METHOD = "pbkdf2:sha256:1000"  # fast sign-in: the benchmark is not about password hashing
EXAM_PREFIX, PRACTICE_PREFIX = "candidate", "practice"
EMAIL_DOMAIN = "load.talentpool.test"


def email(prefix: str, n: int) -> str:
    return f"{prefix}{n}@{EMAIL_DOMAIN}"


@dataclass
class LoadBank:
    url: str
    env: dict[str, str]
    session_id: str
    track: str
    exam_accounts: int
    practice_accounts: int
    operational: int
    pretest: int
    seconds: float


def reset_postgresql(url: str) -> None:
    """Drop and create the database named in ``url`` (connected through ``postgres``)."""
    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres"):
        raise SystemExit(f"refusing to drop the database {name!r}")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_postgresql(url: str) -> None:
    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def settings(url: str, folder: Path, min_responses: int, redis_url: str, prefix: str,
             hash_method: str = HASH_METHOD) -> dict:
    """The environment the driver and every gunicorn worker share (``talentpool.config``)."""
    return {"DATABASE_URL": url, "SECRET_KEY": "load-benchmark",
            "TALENTPOOL_INSTANCE": str(folder / "instance"),
            "PASSWORD_HASH_METHOD": hash_method,
            "EXAM_SCHEME": str(write_scheme(folder / "scheme")),
            "CALIBRATION_MIN_RESPONSES": str(min_responses),
            "PUBLIC_BASE_URL": "https://talentpool.example.org",
            "REDIS_URL": redis_url, "RATELIMIT_KEY_PREFIX": prefix,
            "SERVER_TIMING": "1"}  # the server's own time per request, next to the client's


def build(app, env: dict, pool: int, practice_items: int, persons: int, exam_accounts: int,
          practice_accounts: int, seed: int, folder: Path) -> LoadBank:
    """Import, field-test, calibrate, set level 5's standard, open a mock session and add the
    accounts (inside ``app``, whose settings are ``env``)."""
    from talentpool.extensions import db

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    late = pretest_count(pool)
    theory = [item(f"t{n}", tuple(THEORY_FORM)[n % 2], n) for n in range(THEORY_ITEMS)]
    practical = [item(f"p{n}", PRACTICAL_CODES[n % 3], n) for n in range(pool - late)]
    pretest = [item(f"q{n}", PRACTICAL_CODES[n % 3], n) for n in range(late)]
    practice = [{**item(f"r{n}", PRACTICAL_CODES[n % 3], n), "use": "practice"}
                for n in range(practice_items)]
    with app.app_context():
        db.create_all()
        for root, pack, track, items in (
                (folder / "packs", "load-theory", "theory", theory),
                (folder / "packs", "load-practical", PRACTICE_TRACK, practical),
                (folder / "packs", "load-practice", PRACTICE_TRACK, practice)):
            _results, problems = import_live(write_pack(root, pack, track, items))
            assert not problems, problems[:3]
        _truth, states, session = set_standards_and_open(
            folder, persons, rng, pretest, "load-pretest", PRACTICE_TRACK,
            "Level 5 · load benchmark")
        session_id = session.public_id
        add_accounts(EXAM_PREFIX, exam_accounts)
        add_accounts(PRACTICE_PREFIX, practice_accounts)
        db.session.commit()
        db.session.remove()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    return LoadBank(env["DATABASE_URL"], env, session_id, PRACTICE_TRACK, exam_accounts,
                    practice_accounts, states[1].operational, states[1].pretest,
                    time.perf_counter() - started)


def add_accounts(prefix: str, count: int) -> None:
    """Trainee accounts ``<prefix><n>@…`` through ``add_user``, all with one password hash."""
    from talentpool.accounts.passwords import hash_password
    from talentpool.accounts.service import add_user
    from talentpool.auth import Role
    from talentpool.extensions import db

    digest = hash_password(PASSWORD)
    for n in range(count):
        add_user(email(prefix, n), f"Load {prefix} {n}", None, Role.TRAINEE, password_hash=digest)
        if n % 500 == 499:
            db.session.commit()


@dataclass(frozen=True)
class Stored:
    """Rows the runs write: exam answers and practice answers (simulated ones included)."""

    exam_answers: int
    practice_answers: int


def stored(app) -> Stored:
    from talentpool.assessment.models import ExamResponse
    from talentpool.extensions import db
    from talentpool.practice.models import Response

    with app.app_context():
        exam_answers = db.session.scalar(select(func.count()).select_from(ExamResponse))
        practice_answers = db.session.scalar(select(func.count()).select_from(Response)
                                             .where(Response.mode == "practice"))
        db.session.rollback()
        db.session.remove()
    return Stored(exam_answers, practice_answers)


def exam_accounts_used(app) -> int:
    """One past the highest candidate number that has an attempt (the next free account)."""
    from talentpool.accounts.models import User
    from talentpool.assessment.models import ExamAttempt
    from talentpool.extensions import db

    with app.app_context():
        emails = db.session.scalars(select(User.email).join(
            ExamAttempt, ExamAttempt.user_id == User.id).where(
            User.email.like(f"{EXAM_PREFIX}%@{EMAIL_DOMAIN}"))).all()
        db.session.rollback()
        db.session.remove()
    numbers = [int(e.split("@")[0][len(EXAM_PREFIX):]) for e in emails]
    return max(numbers, default=-1) + 1


def attempt_states(app) -> dict[str, int]:
    """Attempts of the benchmark's session by state."""
    from talentpool.assessment.models import ExamAttempt, ExamSession
    from talentpool.extensions import db

    with app.app_context():
        rows = db.session.execute(select(ExamAttempt.state, func.count()).join(
            ExamSession, ExamSession.id == ExamAttempt.session_id).where(
            ExamSession.title == "Level 5 · load benchmark").group_by(ExamAttempt.state)).all()
        db.session.rollback()
        db.session.remove()
    return dict(rows)
