"""Migration 0023 carries single-reviewer panel reviews over as decided hearings of one seat, and
per-sitting panel appointments over as members of the sitting's plan's panel."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from talentpool.app import create_app
from talentpool.extensions import db

BEFORE, AFTER = "0022_rating", "0023_panel_review"
WHEN = datetime(2026, 5, 1, 9, 0)


def insert(table: str, **values) -> int:
    """Insert a row, giving every other NOT NULL column without a default a plain value."""
    columns = sa.inspect(db.session.connection()).get_columns(table)
    row = dict(values)
    for column in columns:
        name, kind = column["name"], column["type"]
        if name in row or column["nullable"] or column.get("default") is not None \
                or column.get("autoincrement") is True or name == "id":
            continue
        python = getattr(kind, "python_type", str) if not isinstance(kind, sa.JSON) else dict
        row[name] = {int: 1, float: 1.0, bool: False, datetime: WHEN, dict: "{}",
                     bytes: b"x"}.get(python, f"{table}-{name}-{len(values)}")
    names = ", ".join(f'"{name}"' for name in row)
    db.session.execute(text(f'INSERT INTO "{table}" ({names}) VALUES '
                            f"({', '.join(':' + name for name in row)})"), row)
    return db.session.execute(text(f'SELECT max(id) FROM "{table}"')).scalar()


def test_reviews_and_appointments_are_carried_over(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        people = [insert("user", email=f"p{n}@example.org", public_id=f"u{n}", role="trainee")
                  for n in range(3)]
        organisation = insert("evaluation_organisation", slug="north")
        plan = insert("assessment_plan", organisation_id=organisation, level=2, batch="B1",
                      public_id="plan1")
        sitting = insert("exam_session", organisation_id=organisation, plan_id=plan, level=2,
                         public_id="s1")
        attempt = insert("exam_attempt", user_id=people[0], session_id=sitting, level=2,
                         state="passed", public_id="a1", panel_score=75.0)
        insert("panel_review", attempt_id=attempt, reviewer_id=people[1], score=75.0,
               comment="Sound work.", created_at=WHEN)
        for person in (people[1], people[2]):
            insert("session_appointment", session_id=sitting, user_id=person, duty="panel",
                   appointed_at=WHEN)
        insert("session_appointment", session_id=sitting, user_id=people[2], duty="proctor",
               appointed_at=WHEN)
        db.session.commit()
        upgrade(revision=AFTER)
        hearing = db.session.execute(text(
            "SELECT state, panel_score, passed, plan_id, rule FROM panel_hearing")).one()
        assert hearing[:4] == ("decided", 75.0, True, plan)
        seat = db.session.execute(text(
            "SELECT member_id, total, comments, submitted_at FROM panel_seat")).one()
        assert seat[0] == people[1] and seat[1] == 75.0 and "Sound work." in seat[2]
        members = db.session.execute(text(
            "SELECT user_id FROM panel_member WHERE plan_id = :p ORDER BY user_id"),
            {"p": plan}).scalars().all()
        assert members == [people[1], people[2]]
        duties = db.session.execute(text("SELECT duty FROM session_appointment")).scalars()
        assert list(duties) == ["proctor"]
        db.session.remove()
        downgrade(revision=BEFORE)
        review = db.session.execute(text(
            "SELECT attempt_id, reviewer_id, score FROM panel_review")).one()
        assert tuple(review) == (attempt, people[1], 75.0)
        db.session.remove()
        db.engine.dispose()
