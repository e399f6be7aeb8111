"""Seeded pools are reproducible and searchable; every page renders, empty or full."""

from __future__ import annotations

from datetime import datetime

import pytest

from talentpool.auth import Role
from tests.directory.conftest import form_post

NOW = datetime(2026, 6, 1)


def test_seed_profiles_is_reproducible_and_listed(app):
    from sqlalchemy import select

    from talentpool.directory.models import ProfileSkill, TalentProfile
    from talentpool.directory.search import SearchQuery, search
    from talentpool.directory.seed import seed_profiles
    from talentpool.extensions import db

    with app.app_context():
        assert seed_profiles(60, seed=3, now=NOW) == 60
        profiles = list(db.session.scalars(select(TalentProfile).order_by(TalentProfile.id)))
        assert len(profiles) == 60 and all(profile.listed for profile in profiles)
        first = [(p.tier, p.best_level, p.region, p.share_region) for p in profiles]
        skills = [round(s.score, 3) for s in db.session.scalars(
            select(ProfileSkill).order_by(ProfileSkill.id))]
        assert 60 <= len(skills) <= 240
        assert len({p.best_level for p in profiles}) >= 3
        assert len(search(SearchQuery(), page_size=100).profiles) == 60
        db.session.execute(ProfileSkill.__table__.delete())
        db.session.execute(TalentProfile.__table__.delete())
        db.session.commit()
        seed_profiles(60, seed=3, now=NOW)
        again = list(db.session.scalars(select(TalentProfile).order_by(TalentProfile.id)))
        assert [(p.tier, p.best_level, p.region, p.share_region) for p in again] == first


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_page_renders_empty_and_full(pool, make_user, language):
    trainee, employer = pool.trainee(listed=False), pool.employer()
    admin = make_user(Role.ADMIN)
    clients = {name: pool.client(email) for name, email in
               (("trainee", trainee.email), ("employer", employer.email), ("admin", admin))}
    for client in clients.values():
        form_post(client, "/", "/language", {"lang": language, "next": "/"})
    pages = {"trainee": ["/talent/tier", "/talent/profile", "/talent/requests", "/talent/data"],
             "employer": ["/talent/organisation", "/talent/search", "/talent/shortlists",
                          "/talent/tokens", "/talent/search?track=theory&min_skill=99"],
             "admin": ["/talent/admin/organisations"]}
    for role, urls in pages.items():
        for url in urls:
            response = clients[role].get(url)
            assert response.status_code == 200, url
            assert 'class="empty"' in response.get_data(as_text=True) or role != "employer" \
                or url == "/talent/organisation", url
    listed = pool.trainee(skills={"theory": 72}, level=4)
    response = clients["employer"].get(f"/talent/p/{listed.profile_id}")
    assert response.status_code == 200
    page = clients["employer"].get("/talent/search").get_data(as_text=True)
    assert listed.profile_id in page and "/verify/" in page


def test_seeded_certificates_carry_credentials_that_verify(app, client):
    from sqlalchemy import select

    from talentpool.certification.models import Certificate
    from talentpool.directory.seed import seed_profiles
    from talentpool.extensions import db

    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        seed_profiles(12, seed=5, now=NOW)
        serials = list(db.session.scalars(select(Certificate.serial)))
    assert serials
    for serial in serials:
        credential = client.get(f"/api/v1/certificates/{serial}/credential").get_json()
        answer = client.post("/api/v1/credentials/verify", json=credential).get_json()
        assert answer["signature"] == "valid" and answer["certificate"]["serial"] == serial
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert keys and all(len(key["x"]) == 43 for key in keys)
