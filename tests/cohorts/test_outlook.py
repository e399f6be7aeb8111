"""Pass outlook with held certificates, and dashboards a teacher reads without formulas.

The cohort of ``two_institutions`` targets level 5 (text_classification and theory). Its
trainee 张三 has θ̂ −1.0 (SE 0.3) in both tracks. Cuts by level (monkeypatched standards):
level 5 θ 0.8, level 4 θ 1.6, level 3 θ −1.0. For level 5 that is Φ(−6)² ≈ 0 — what a holder
of level 5 and 4 certificates used to be told ("0%"); for level 3 it is Φ(0) × Φ(0) = 0.25.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import pools
from talentpool.certification.service import issue_certificate
from talentpool.cohorts import dashboards, outlook
from talentpool.cohorts.models import Cohort
from talentpool.extensions import db
from tests.cohorts.conftest import estimate
from tests.conftest import csrf_from, make_organisation

CUTS = {5: 0.8, 4: 1.6, 3: -1.0}
TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def standards(monkeypatch):
    monkeypatch.setattr(pools, "cut_theta", lambda level, part: CUTS.get(level))


@pytest.fixture
def trainee(app, two_institutions):
    """张三 of the first institution, with a low estimate in both plan tracks."""
    mine, _other = two_institutions
    with app.app_context():
        user = find_user_by_email(mine.trainee_email)
        db.session.add_all([estimate(user.id, "text_classification", -1.0, 0.3),
                            estimate(user.id, "theory", -1.0, 0.3)])
        db.session.commit()
        return user.id


def text_of(html: str) -> str:
    """What a reader sees of ``html`` (tags and their attributes left out)."""
    return re.sub(r"<[^>]+>", " ", html)


def use_language(client, lang: str) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": lang, "next": "/", "csrf_token": token})


def certify(app, user_id: int, level: int, when: datetime, valid_years: int | None = None):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation()
        from talentpool.accounts.models import User

        issue_certificate(db.session.get(User, user_id), level, 80, 75,
                          70 if level in (1, 2) else None, now=when, valid_years=valid_years)


def progress_of(app, two_institutions, user_id: int) -> dashboards.TraineeProgress:
    mine, _other = two_institutions
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        return next(p for p in dashboards.cohort_progress(cohort, TODAY)
                    if p.enrolment.user_id == user_id)


def test_without_a_certificate_the_chance_is_for_the_target_level(app, two_institutions,
                                                                  trainee):
    progress = progress_of(app, two_institutions, trainee)
    assert progress.held is None and progress.level == 5
    assert progress.pass_probability == pytest.approx(0.0, abs=1e-8)


def test_a_holder_of_levels_5_and_4_is_certified_and_predicted_for_level_3(
        app, two_institutions, trainee):
    certify(app, trainee, 5, datetime(2026, 1, 12, 9))
    certify(app, trainee, 4, datetime(2026, 3, 2, 9))
    progress = progress_of(app, two_institutions, trainee)
    assert progress.held == outlook.Held(4, datetime(2026, 3, 2, 9))
    assert progress.level == 3
    assert progress.pass_probability == pytest.approx(0.25)  # Φ(0) × Φ(0)
    tracks = {t.track: t for t in progress.tracks}
    assert tracks["theory"].pass_probability == pytest.approx(0.5)  # against level 3's cut


def test_a_level_1_holder_gets_no_prediction(app, two_institutions, trainee):
    certify(app, trainee, 1, datetime(2026, 1, 12, 9))
    progress = progress_of(app, two_institutions, trainee)
    assert progress.held.level == 1 and progress.level is None
    assert progress.pass_probability is None
    assert all(t.pass_probability is None for t in progress.tracks)


def test_only_valid_certificates_count(app, two_institutions, trainee):
    certify(app, trainee, 5, datetime(2020, 1, 12, 9), valid_years=1)  # expired in 2021
    progress = progress_of(app, two_institutions, trainee)
    assert progress.held is None and progress.level == 5


def test_a_lower_level_than_the_target_is_not_a_certification(app, make_user, two_institutions,
                                                              trainee):
    mine, _other = two_institutions
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        cohort.target_level = 4
        db.session.commit()
    certify(app, trainee, 5, datetime(2026, 1, 12, 9))
    progress = progress_of(app, two_institutions, trainee)
    assert progress.held is None and progress.level == 4


@pytest.mark.parametrize(("probability", "words", "number"), [
    (0.0, "very unlikely to pass yet", "under 5%"),
    (0.049, "very unlikely to pass yet", "under 5%"),
    (0.1, "unlikely to pass yet", "about 10%"),
    (0.25, "unlikely to pass yet", "about 25%"),
    (0.5, "could go either way", "about 50%"),
    (0.68, "could go either way", "about 70%"),
    (0.7, "likely to pass", "about 70%"),
    (0.93, "very likely to pass", "about 95%"),
    (0.999, "very likely to pass", "over 95%"),
])
def test_chances_in_words(app, probability, words, number, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    with app.test_request_context():
        assert outlook.chance_words(probability) == words
        assert outlook.chance_number(probability) == number


def test_pages_say_certified_instead_of_zero_percent(app, client, auth, two_institutions,
                                                     trainee):
    mine, _other = two_institutions
    certify(app, trainee, 5, datetime(2026, 1, 12, 9))
    certify(app, trainee, 4, datetime(2026, 3, 2, 9))
    auth.login(mine.staff_email)
    dashboard = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    row = dashboard[dashboard.index("张三"):]
    row = row[:row.index("</tr>")]
    assert "Certified at level 4 on Mar 2, 2026" in row
    assert "Next, level 3:" in row and "unlikely to pass yet" in row and "about 25%" in row
    assert not re.search(r"\b0\s?%", text_of(row))
    page = client.get(f"/cohorts/{mine.cohort_id}/trainees/{mine.trainee_id}").get_data(
        as_text=True)
    assert "Certified at level 4" in page and "chance of passing level 3" in page
    assert "probability of passing level 5" not in page
    assert not re.search(r"\b0\s?%", text_of(page))
    auth.logout()
    auth.login(mine.trainee_email)
    use_language(client, "en")
    home = client.get("/home").get_data(as_text=True)
    assert "Certified at level 4 on Mar 2, 2026" in home
    assert "Chance of passing level 3 from your practice so far: unlikely to pass yet " \
           "(about 25%)" in home
    assert "passing level 5" not in home


def test_the_chinese_pages_date_the_certificate_in_chinese(app, client, auth, two_institutions,
                                                           trainee):
    mine, _other = two_institutions
    certify(app, trainee, 5, datetime(2026, 1, 12, 9))
    auth.login(mine.staff_email)
    use_language(client, "zh_CN")
    page = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    assert "2026年1月12日" in page and "Jan" not in page
