"""Migration 0011 keeps existing expiry dates and lets a certificate have none."""

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from talentpool.app import create_app
from talentpool.extensions import db

BEFORE, AFTER = "0010_item_source", "0011_certificates_without_expiry"
ROW = {"serial": "TP-OLD", "holder_name": "王小明", "level": 5, "theory_score": 80,
       "practical_score": 70, "issuer_name": "talentpool", "issued_at": datetime(2025, 1, 1),
       "valid_from": datetime(2025, 1, 1), "valid_until": datetime(2028, 1, 1),
       "status": "valid", "decision": "{}", "credential": "{}", "signing_kid": "k1",
       "holder_salt": "s"}


def valid_until(serial: str):
    value = db.session.execute(text("SELECT valid_until FROM certificate WHERE serial = :s"),
                               {"s": serial}).scalar()
    return None if value is None else datetime.fromisoformat(str(value))


def test_existing_dates_are_kept_and_a_downgrade_fills_no_expiry(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        db.session.execute(text("INSERT INTO signing_key (kid, public_key, created_at) "
                                "VALUES ('k1', 'x', '2025-01-01 00:00:00')"))
        db.session.execute(text(f"INSERT INTO certificate ({', '.join(ROW)}) VALUES "
                                f"({', '.join(':' + name for name in ROW)})"), ROW)
        db.session.commit()
        upgrade(revision=AFTER)
        assert valid_until("TP-OLD") == datetime(2028, 1, 1)
        db.session.execute(text(f"INSERT INTO certificate ({', '.join(ROW)}) VALUES "
                                f"({', '.join(':' + name for name in ROW)})"),
                           {**ROW, "serial": "TP-NEW", "valid_until": None})
        db.session.commit()
        assert valid_until("TP-NEW") is None
        db.session.remove()
        downgrade(revision=BEFORE)
        assert valid_until("TP-OLD") == datetime(2028, 1, 1)
        assert valid_until("TP-NEW") == datetime(9999, 12, 31, 23, 59, 59)
        db.session.remove()
        db.engine.dispose()
