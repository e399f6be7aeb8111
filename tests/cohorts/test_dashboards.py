"""Dashboard numbers against hand-computed values on a small cohort.

Plan: text_classification 10 items, theory 10 items, 2026-03-01 → 2026-03-31 (30 days).
On 2026-03-16, 15 of 30 days have passed: elapsed share 0.5, so 20 × 0.5 = 10 items are
expected by today and a trainee below 0.8 × 10 = 8 items is falling behind.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import pools
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.cohorts import dashboards, enrolment, reports
from talentpool.cohorts.models import Cohort
from talentpool.extensions import db
from tests import pdf_engines
from tests.cohorts.conftest import answer, estimate
from tests.packs import import_live, make_item, make_pack

TODAY = date(2026, 3, 16)


def test_normal_cdf_and_pass_probability_by_hand():
    # Φ(1) = 0.841345 (table value); θ̂ 1.3, SE 0.5, θ_cut 0.8 → z = (1.3 − 0.8)/0.5 = 1
    assert dashboards.pass_probability(1.3, 0.5, 0.8) == pytest.approx(0.841345, abs=1e-6)
    # Φ(−0.6) = 0.274253
    assert dashboards.pass_probability(0.5, 0.5, 0.8) == pytest.approx(0.274253, abs=1e-6)
    assert dashboards.normal_cdf(0.0) == 0.5
    # composite: mean (1.0 + 0.4)/2 = 0.7, SE √(0.3² + 0.4²)/2 = 0.5/2 = 0.25
    assert dashboards.composite([(1.0, 0.3), (0.4, 0.4)]) == pytest.approx((0.7, 0.25))


@pytest.fixture
def small_cohort(app, tmp_path, make_user, two_institutions):
    mine, _other = two_institutions
    ann, bob = make_user(Role.TRAINEE, name="Ann"), make_user(Role.TRAINEE, name="Bob")
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", "tc-pack",
                              items=[make_item("single_choice", f"q{n}") for n in range(6)]))
        import_live(make_pack(tmp_path / "packs", "theory-pack", track="theory",
                              items=[make_item("single_choice", f"t{n}", element="T1.1")
                                     for n in range(3)]))
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        a, b = find_user_by_email(ann), find_user_by_email(bob)
        enrolment.join(cohort.join_code, a)
        enrolment.join(cohort.join_code, b)
        text_items = list(db.session.scalars(select(Item).where(
            Item.track == "text_classification", Item.key.startswith("q")).order_by(Item.id)))
        theory_items = list(db.session.scalars(select(Item).where(
            Item.track == "theory", Item.key.startswith("t")).order_by(Item.id)))
        march = lambda day: datetime(2026, 3, day, 10)  # noqa: E731
        # Ann: 6 text answers on 2 March (scores 1 1 0 1 0 1), 3 theory on 5 March (1 0 1)
        rows = [answer(a.id, i, s, march(2)) for i, s in zip(text_items, [1, 1, 0, 1, 0, 1])]
        rows += [answer(a.id, i, s, march(5)) for i, s in zip(theory_items, [1, 0, 1])]
        # Bob: 2 text answers on 5 March (0 0), and one before the start (not counted)
        rows += [answer(b.id, i, 0, march(5)) for i in text_items[:2]]
        rows.append(answer(b.id, text_items[0], 1, datetime(2026, 2, 20, 10)))
        rows += [estimate(a.id, "text_classification", 1.0, 0.4),
                 estimate(a.id, "theory", 0.5, 0.5)]
        db.session.add_all(rows)
        db.session.commit()
        return cohort.id, a.id, b.id


def test_progress_numbers(app, small_cohort, monkeypatch):
    cohort_id, ann, bob = small_cohort
    # The level's standard: cut θ 0.8 on both parts.
    monkeypatch.setattr(pools, "cut_theta", lambda level, part: 0.8)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert dashboards.elapsed_share(cohort, TODAY) == 0.5
        progress = {p.enrolment.user_id: p for p in dashboards.cohort_progress(cohort, TODAY)}
        # Ann: 6 + 3 = 9 done of 20; expected 10; 9 ≥ 8 → on track
        assert (progress[ann].done, progress[ann].quota, progress[ann].expected) == (9, 20, 10.0)
        assert not progress[ann].behind
        # Bob: 2 done (the February answer is before the start) → 2 < 8 → behind
        assert progress[bob].done == 2 and progress[bob].behind
        # θ_cut = 0.8 for both parts.
        # theory: Φ((0.5 − 0.8)/0.5) = Φ(−0.6) = 0.274253
        # practical (only text_classification): Φ((1.0 − 0.8)/0.4) = Φ(0.5) = 0.691462
        # level: 0.274253 × 0.691462 = 0.189636
        assert progress[ann].pass_probability == pytest.approx(0.274253 * 0.691462, abs=1e-5)
        tracks = {t.track: t for t in progress[ann].tracks}
        assert tracks["theory"].pass_probability == pytest.approx(0.274253, abs=1e-6)
        assert tracks["text_classification"].score == 62.5  # 50 + 12.5 × 1.0
        assert progress[bob].pass_probability is None  # no estimate yet
        # cohort mean per track: only Ann has estimates → 62.5 ± SE 5.0, 56.25 ± 6.25
        summary = {t: (m, s, n) for t, m, s, n in dashboards.track_summary(list(progress.values()))}
        assert summary == {"text_classification": (62.5, 5.0, 1), "theory": (56.25, 6.25, 1)}


def test_volume_and_weakest_elements(app, small_cohort):
    cohort_id, ann, bob = small_cohort
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        volume = dict(dashboards.daily_volume(cohort, [ann, bob], TODAY))
        # 16 days from 1 to 16 March; 6 answers on the 2nd, 3 + 2 = 5 on the 5th
        assert len(volume) == 16 and sum(volume.values()) == 11
        assert volume[date(2026, 3, 2)] == 6 and volume[date(2026, 3, 5)] == 5
        weakest = dashboards.weakest_elements(cohort, [ann, bob])
        # P1.1: Ann 4 of 6 right + Bob 0 of 2 = 4/8 = 0.5; T1.1: 2/3
        assert [(code, round(mean, 4), n) for code, _name, mean, n in weakest] == [
            ("P1.1", 0.5, 8), ("T1.1", round(2 / 3, 4), 3)]


def test_pdf_report_names_cohort_and_trainees(app, small_cohort):
    cohort_id, _ann, _bob = small_cohort
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        data = reports.cohort_pdf(cohort, datetime(2026, 3, 16, 8, 45))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert cohort.name.replace(" ", "") in text.replace(" ", "")
        assert "Ann" in text and "Bob" in text and "张三" in text


def test_pdf_report_embeds_its_fonts_and_carries_its_making_time(app, small_cohort):
    cohort_id, _ann, _bob = small_cohort
    made = datetime(2026, 3, 16, 8, 45, 12)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        data = reports.cohort_pdf(cohort, made)
        name, institution = cohort.name, cohort.institution.name
    fonts = pdf_engines.fonts(data)
    assert {font.split("+")[-1] for font, _ in fonts} >= {"DejaVuSans", "DroidSansFallback"}
    assert all(embedded for _font, embedded in fonts), fonts
    info = PdfReader(io.BytesIO(data)).metadata
    assert info.title == f"{name} · 培训班报告 Cohort report" and info.author == institution
    assert info.subject == "Cohort report · target level 5 · 2026-03-16"
    assert info.creator == "talentpool"
    assert info.creation_date == info.modification_date == made.replace(tzinfo=UTC)


@pdf_engines.needs_engines
def test_pdf_report_prints_the_same_in_three_engines(app, small_cohort, tmp_path):
    cohort_id, _ann, _bob = small_cohort
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        (tmp_path / "report.pdf").write_bytes(reports.cohort_pdf(cohort, datetime(2026, 3, 16)))
        name = cohort.name
    texts = pdf_engines.texts(tmp_path / "report.pdf")
    for engine, text in texts.items():
        squeezed = "".join(text.split())
        for expected in ("".join(name.split()), "张三", "Ann", "Bob", "培训班报告", "2026-03-16",
                         "学员进度", "落后Behind", "通过概率P(pass)"):
            assert expected in squeezed, (engine, expected)
    counts = {engine: pdf_engines.characters(text) for engine, text in texts.items()}
    assert counts["ghostscript"] == counts["poppler"] == counts["mupdf"]
    words = pdf_engines.word_ink(tmp_path / "report.pdf", tmp_path)
    assert {"张三", "Ann", "Bob"} <= {word for word, _ in words}
    assert [(word, ink) for word, ink in words
            if min(ink.values()) < 0.4 * max(ink.values())] == []


def test_dashboard_page_has_charts(client, auth, small_cohort, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    html = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    assert html.count("<svg") >= 2 and "Ann" in html and "Bob" in html


def test_no_pass_prediction_before_the_level_has_a_standard(app, small_cohort):
    cohort_id, ann, _bob = small_cohort
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        progress = {p.enrolment.user_id: p for p in dashboards.cohort_progress(cohort, TODAY)}
        assert progress[ann].pass_probability is None
        assert all(t.pass_probability is None for t in progress[ann].tracks)


def test_retries_after_the_feedback_count_neither_for_the_quota_nor_the_elements(
        app, small_cohort, monkeypatch):
    cohort_id, ann, bob = small_cohort
    monkeypatch.setattr(pools, "cut_theta", lambda level, part: 0.8)
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        before = ({p.enrolment.user_id: p.done for p in dashboards.cohort_progress(cohort, TODAY)},
                  dashboards.weakest_elements(cohort, [ann, bob]))
        item = db.session.scalar(select(Item).where(Item.key == "q2"))  # Ann's wrong answer
        retry = answer(ann, item, 1, datetime(2026, 3, 2, 10, 5))
        retry.retry = True  # right after seeing the gold: not a measurement
        db.session.add(retry)
        db.session.commit()
        after = ({p.enrolment.user_id: p.done for p in dashboards.cohort_progress(cohort, TODAY)},
                 dashboards.weakest_elements(cohort, [ann, bob]))
    assert after == before
