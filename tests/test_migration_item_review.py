"""Migration 0024 keeps the bank's items live and records no review nobody made."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from talentpool.app import create_app
from talentpool.extensions import db

BEFORE, AFTER = "0023_panel_review", "0024_item_review"
PACK = {"id": 1, "slug": "old-pack", "version": 1, "title": '{"zh": "旧", "en": "Old"}',
        "description": "{}", "track": "text_classification", "levels": "[5]",
        "licence": "CC-BY-4.0", "content_hash": "p" * 64, "asset_version": "a" * 12,
        "imported_at": "2026-01-01 00:00:00"}
ITEM = {"id": 1, "public_id": "olditem0000000001", "pack_id": 1, "key": "q0",
        "type_id": "single_choice", "track": "text_classification",
        "prompt": '{"zh": "题", "en": "Q"}', "spec": "{}", "gold": '{"choice": "a"}',
        "explanation": '{"zh": "解", "en": "E"}', "element": "P1.1", "tags": "[]",
        "thresholds": "[1]", "levels": "[5]", "status": "active", "use": "practice",
        "content_hash": "c" * 64, "revision": 1, "created_at": "2026-01-01 00:00:00",
        "updated_at": "2026-01-01 00:00:00"}


def insert(table: str, row: dict) -> None:
    columns = ", ".join(f'"{column}"' for column in row)
    values = ", ".join(f":{column}" for column in row)
    db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def test_items_live_before_the_upgrade_stay_active_without_review_rows(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}",
                      "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        insert("exam_pack", PACK)
        insert("item", ITEM)
        db.session.commit()
        upgrade(revision=AFTER)
        row = db.session.execute(text("SELECT status, imported_by_id, previous_content "
                                      "FROM item WHERE id = 1")).one()
        assert tuple(row) == ("active", None, None)
        assert db.session.execute(text("SELECT count(*) FROM item_review")).scalar() == 0
        db.session.remove()
        downgrade(revision=BEFORE)
        assert db.session.execute(text("SELECT status FROM item WHERE id = 1")).scalar() \
            == "active"
        db.session.remove()
        db.engine.dispose()
