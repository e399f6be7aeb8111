"""Recognised certificates of other issuers count for the tier and show to employers, with the
issuer and how they were verified; the data export lists them."""

from __future__ import annotations

import json
from datetime import date

from talentpool.accounts.models import User
from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.directory.placement import tier_of
from talentpool.extensions import db
from talentpool.recognition import national
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n%%EOF\n"


def recognise(app, user_id: int, level: int) -> None:
    with app.app_context():
        user = db.session.get(User, user_id)
        row = national.submit_national(user, national.NationalEntry(
            "skill_level", "S123456789012345678901", "人工智能训练师", level, "某职业技能鉴定中心",
            date(2025, 3, 1)), PDF)
        admin = create_user("reviewer@example.net", "Reviewer", PASSWORD, Role.ADMIN)
        national.review(row.public_id, admin, True, level)


def test_an_accepted_recognition_counts_for_the_tier_and_shows_to_employers(app, pool):
    trainee = pool.trainee(listed=True)
    with app.app_context():
        assert tier_of(trainee.user_id).evidence["best_level"] is None
    recognise(app, trainee.user_id, 4)
    with app.app_context():
        assert tier_of(trainee.user_id).evidence["best_level"] == 4
    employer = pool.client(pool.employer().email)
    page = employer.get(f"/talent/p/{trainee.profile_id}").get_data(as_text=True)
    assert "某职业技能鉴定中心" in page and "scan reviewed by staff" in page
    own = pool.client(trainee.email)
    assert "某职业技能鉴定中心" in own.get("/talent/profile").get_data(as_text=True)
    exported = json.loads(own.get("/talent/data/export.json").data)
    [record] = exported["recognitions"]
    assert (record["state"], record["counts_as_level"]) == ("accepted", 4)
