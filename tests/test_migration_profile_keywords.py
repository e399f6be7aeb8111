"""Migration 0032 gives existing profiles their search text, from what each person shows,
and on PostgreSQL indexes it by trigrams."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from talentpool.app import create_app
from talentpool.directory.keywords import searchable_text
from talentpool.extensions import db
from tests.test_migrations import scratch_postgres_schema

BEFORE, AFTER = "0031_user_timezone", "0032_profile_keywords"
NOW = "2026-01-01 00:00:00"


def insert(table: str, row: dict) -> None:
    columns = ", ".join(f'"{column}"' for column in row)
    values = ", ".join(f":{column}" for column in row)
    db.session.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({values})'), row)


def person(number: int, share_region: bool, share_real_name: bool, tracks: tuple) -> None:
    insert("user", {"id": number, "public_id": f"user{number:012d}", "email": f"p{number}@x.org",
                    "display_name": f"真名{number}", "password_hash": "!", "role": "trainee",
                    "active": True, "created_at": NOW, "password_changed_at": NOW})
    insert("talent_profile", {
        "id": number, "public_id": f"prof{number:012d}", "user_id": number, "listed": True,
        "pool_name": f"Annotator {number}", "headline": "医疗影像 NER", "region": "西安",
        "languages": ",zh,", "availability": "open", "phone": "13800000000",
        "share_region": share_region, "share_languages": True,
        "share_real_name": share_real_name, "tier": "reserve", "tier_rank": 0,
        "best_level": 6, "best_skill": 50.0, "relevance": 50.0, "created_at": NOW,
        "updated_at": NOW})
    for track in tracks:
        insert("profile_skill", {"profile_id": number, "track": track, "score": 60.0,
                                 "score_se": 3.0, "provisional": False, "relevance": 60.0})


def fills_the_search_text(url: str, instance) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade(revision=BEFORE)
        person(1, share_region=True, share_real_name=False, tracks=("theory", "named_entities"))
        person(2, share_region=False, share_real_name=True, tracks=())
        db.session.commit()
        upgrade(revision=AFTER)
        stored = dict(db.session.execute(text(
            "SELECT profile_id, text FROM profile_search_text")).all())
        assert stored[1] == searchable_text(["Annotator 1", "医疗影像 NER", "命名实体标注",
                                             "Named entities", "理论知识", "Theory", "西安"])
        assert stored[2] == searchable_text(["Annotator 2", "医疗影像 NER", "真名2"])
        assert "13800000000" not in stored[1] + stored[2]
        db.session.remove()
        indexes = {index["name"] for index in inspect(db.engine).get_indexes(
            "profile_search_text")}
        assert ("ix_profile_search_text_trgm" in indexes) == (
            db.engine.dialect.name == "postgresql")
        db.session.remove()
        downgrade(revision=BEFORE)
        assert "profile_search_text" not in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_existing_profiles_get_their_search_text_on_sqlite(tmp_path):
    fills_the_search_text(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)


def test_existing_profiles_get_their_search_text_on_postgresql(tmp_path):
    with scratch_postgres_schema() as url:
        fills_the_search_text(url, tmp_path)
