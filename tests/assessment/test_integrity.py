"""Integrity monitoring, checked by simulation through the product: honest simulated candidates
sit real sessions beside planted cheaters (right on hard items, wrong on easy ones), rapid
responders (a few answers in 1–3 s) and a planted DIF item; the report must find the planted
ones and flag few honest attempts. Flags are reports only: no score changes."""

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select, update

from talentpool.accounts.models import User
from talentpool.assessment import exam, integrity, item_monitoring
from talentpool.assessment.calibration import active_run
from talentpool.assessment.field_test import simulate_field_test, simulate_sitting
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.cohorts.models import Cohort, Enrolment, Institution
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.exam_bank import make_ready_bank

# A 10-item theory form and a 4–6-item adaptive practical part on right/wrong items.
FIT_BANK = {"packs": {"n_theory": 44, "n_practical": 28, "practical_type": "single_choice"},
            "theory_items": 10, "practical_min": 4, "practical_max": 6}


def candidates(n, prefix, locale=None):
    rows = [User(email=f"{prefix}{k}@example.org", display_name=f"{prefix} {k}",
                 password_hash="!", role=Role.TRAINEE, locale=locale) for k in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return [u.id for u in rows]


def open_session(level=5):
    now = utcnow()
    return exam.create_session(level, "integrity", now - timedelta(hours=1),
                               now + timedelta(days=1), None).public_id


class Timing:
    """Lognormal response times: log t = β_item − τ_person + ε/α_item (seconds)."""

    def __init__(self, rng):
        self.rng, self.beta, self.alpha = rng, {}, {}

    def duration_ms(self, item, tau):
        if item.id not in self.beta:
            self.beta[item.id] = np.log(30.0) + self.rng.normal(0.0, 0.4)
            self.alpha[item.id] = self.rng.uniform(1.5, 2.5)
        log_t = self.beta[item.id] - tau + self.rng.normal() / self.alpha[item.id]
        return int(1000 * np.exp(log_t))


def honest(timing, tau):
    return lambda item, p, rng: (rng.random() < p, timing.duration_ms(item, tau))


def cheater(timing, tau, truth):
    """Knows the hard items (pre-knowledge) and misses the easy ones."""
    return lambda item, p, rng: (float(np.mean(truth.true_b[item.id])) > 0.0,
                                 timing.duration_ms(item, tau))


def rapid(timing, tau, fast):
    """Answers honestly, but some answers (``fast`` is the share) take 1–3 seconds."""
    def respond(item, p, rng):
        seconds = rng.uniform(1.0, 3.0) if rng.random() < fast else None
        return rng.random() < p, int(1000 * seconds) if seconds else timing.duration_ms(item, tau)
    return respond


def sit(user_ids, session, rng, truth, responder, theta=None):
    attempts = []
    for user_id in user_ids:
        ability = float(rng.normal()) if theta is None else theta
        tau = float(rng.normal(0.0, 0.3))
        attempts.append(simulate_sitting(user_id, session, ability, rng, truth,
                                         respond=responder(tau)).public_id)
    return attempts


def share(flags, public_ids, check):
    """The share of the attempts whose report has a part for which ``check`` holds."""
    by_id = {f.public_id: f for f in flags}
    return float(np.mean([any(check(p) for p in by_id[a].parts) if a in by_id else False
                          for a in public_ids]))


def scores():
    return {a.public_id: (a.theory_score, a.practical_score, a.state)
            for a in db.session.scalars(select(ExamAttempt))}


def test_planted_cheaters_and_rapid_responders_are_flagged_and_few_honest_ones(
        app, client, auth, tmp_path, make_user):
    truth = make_ready_bank(app, tmp_path, **FIT_BANK)
    rng = np.random.default_rng(5)
    with app.test_request_context():
        timing, session = Timing(rng), open_session()
        honest_ids = sit(candidates(60, "honest"), session, rng, truth,
                         lambda tau: honest(timing, tau))
        cheater_ids = sit(candidates(8, "cheater"), session, rng, truth,
                          lambda tau: cheater(timing, tau, truth), theta=-0.5)
        rapid_ids = sit(candidates(8, "rapid"), session, rng, truth,
                        lambda tau: rapid(timing, tau, 0.4))
        before = scores()
        flags, checked = integrity.aberrant_attempts()
        assert checked == 76
        misfit = share(flags, cheater_ids, lambda p: p.misfit)
        rushed = share(flags, rapid_ids, lambda p: p.aberrant_times)
        honest_any = share(flags, honest_ids, lambda p: True)
        print(f"cheaters lz* {misfit:.2f}, rapid RT {rushed:.2f}; honest flagged {honest_any:.3f} "
              f"(lz* {share(flags, honest_ids, lambda p: p.misfit):.3f}, "
              f"RT {share(flags, honest_ids, lambda p: p.aberrant_times):.3f})")
        assert misfit >= 0.75 and rushed >= 0.6 and honest_any <= 0.25
        # Most aberrant first; the answers behind a flag are named with P and speed.
        severities = [min(p.severity for p in f.parts) for f in flags]
        assert severities == sorted(severities)
        for part in (p for f in flags if f.public_id in cheater_ids for p in f.parts
                     if p.misfit):
            # Listed answers are less likely than expected at θ̂ (log P below its mean); for
            # a cheater that includes answers at P < 0.5.
            assert part.answers and any(a.probability < 0.5 for a in part.answers)
        assert any(a.fast for f in flags if f.public_id in rapid_ids for p in f.parts
                   if p.aberrant_times for a in p.answers)
        assert scores() == before  # reports only
    auth.login(make_user(Role.ADMIN))
    html = client.get("/exams/admin/integrity").get_data(as_text=True)
    assert all(public_id in html for public_id in cheater_ids)


DIF_ITEM, DIF_SHIFT = "t4", 2.0


def dif_responder(truth, theta, english):
    """Honest answers; for the English-interface group item DIF_ITEM is DIF_SHIFT harder."""
    def respond(item, p, rng):
        if english and item.key == DIF_ITEM:
            a, b = truth.true_a[item.id], float(np.mean(truth.true_b[item.id]))
            p = 1.0 / (1.0 + np.exp(-a * (theta - b - DIF_SHIFT)))
        return rng.random() < p, None
    return respond


def enrol(user_ids, name):
    institution = Institution(name=name)
    db.session.add(institution)
    db.session.flush()
    cohort = Cohort(institution_id=institution.id, name=f"{name} cohort",
                    starts_on=utcnow().date(), deadline=utcnow().date())
    db.session.add(cohort)
    db.session.flush()
    db.session.add_all([Enrolment(cohort_id=cohort.id, user_id=u, email=f"{u}@example.org",
                                  name=str(u), source="roster", joined_at=utcnow())
                        for u in user_ids])
    db.session.commit()


def test_drift_between_linked_runs_thin_groups_and_the_page(app, client, auth, tmp_path,
                                                            make_user):
    truth = make_ready_bank(app, tmp_path)
    rng = np.random.default_rng(21)
    with app.test_request_context():
        base = {scale: active_run(scale) for scale in ("theory", "practical")}
        # A second field test draws new true parameters: a recalibration with real drift.
        simulate_field_test(300, np.random.default_rng(99))
        drift = {d.scale: d for d in item_monitoring.item_drift()}
        linked = 0
        for scale, run in base.items():
            report, active = drift[scale], active_run(scale)
            assert [r.id for r in report.runs] == sorted((r.id for r in report.runs),
                                                         reverse=True)
            if active.id == run.id:  # the new run could not be linked: nothing to compare
                assert report.previous is None and report.shifts == ()
                continue
            linked += 1
            assert report.previous.id == run.id and report.shifts
            dropped = {d["item"] for d in active.dropped_anchors}
            flagged = [s for s in report.shifts if s.flagged]
            assert all(abs(s.delta_b) > 0.5 or s.item_key in dropped for s in flagged)
            assert all(s.item_key in {f.item_key for f in flagged} for s in report.shifts
                       if s.item_key in dropped)
            assert report.shifts[:len(flagged)] == tuple(flagged)  # flagged first
            print(f"{scale}: {len(report.shifts)} common items, {len(flagged)} flagged, "
                  f"{len(dropped)} anchors dropped")
        assert linked >= 1
        session = open_session()
        english = candidates(12, "thin-en", "en")
        others = candidates(12, "thin-zh")
        for user_id in english + others:  # the default responder: no response times
            simulate_sitting(user_id, session, float(rng.normal()), rng, truth)
        enrol(others[:6], "Small training base")
        contrasts = item_monitoring.item_dif()
        kinds = {(c.scale, c.kind, c.focal): c for c in contrasts}
        assert kinds[("theory", "language", "en")].n_focal == 12
        assert kinds[("theory", "institution", "Small training base")].n_focal == 6
        assert all(i.category == "" for c in contrasts for i in c.items)  # not enough data
        flagged = [f.public_id for f in integrity.aberrant_attempts()[0]]
    admin, trainee = make_user(Role.ADMIN), make_user(Role.TRAINEE)
    auth.login(trainee)
    assert client.get("/exams/admin/integrity").status_code == 403
    auth.logout()
    with app.app_context():  # the English source strings, whatever the catalogs say
        db.session.execute(update(User).where(User.email == admin).values(locale="en"))
        db.session.commit()
    auth.login(admin)
    page = client.get("/exams/admin/integrity")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Region: not recorded on accounts" in html and "Small training base" in html
    assert "/exams/admin/integrity?dif=all" in html and all(f in html for f in flagged)
    assert client.get("/exams/admin/integrity?dif=all").status_code == 200
    assert "/exams/admin/integrity" in client.get("/exams/admin/standards").get_data(
        as_text=True)


def test_the_page_works_before_anything_is_calibrated(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    assert client.get("/exams/admin/integrity").status_code == 200


@pytest.mark.slow
def test_a_planted_dif_item_is_b_or_c_and_null_items_mostly_a(app, tmp_path):
    # Each item is in at most a quarter of the forms (exposure cap): 600 sittings of a 10-item
    # form from 44 items give about 68 answers per group and item (the minimum is 50), and ten
    # items match abilities well enough that the studied item does not swamp the matching.
    truth = make_ready_bank(app, tmp_path, packs={"n_theory": 44}, theory_items=10,
                            practical_min=2, practical_max=2)
    rng = np.random.default_rng(8)
    with app.test_request_context():
        session = open_session()
        people = [(u, True) for u in candidates(300, "en", "en")] + \
            [(u, False) for u in candidates(300, "zh", "zh_CN")]
        for user_id, english in people:
            theta = float(rng.normal())
            simulate_sitting(user_id, session, theta, rng, truth,
                             respond=dif_responder(truth, theta, english))
        contrasts = item_monitoring.item_dif()
        language = next(c for c in contrasts if c.scale == "theory" and c.kind == "language")
        assert (language.n_focal, language.n_reference) == (300, 300)
        planted = next(i for i in language.items if i.item_key == DIF_ITEM)
        null = [i for i in language.items if i.item_key != DIF_ITEM and i.category]
        classes = {c: sum(i.category == c for i in null) for c in "ABC"}
        print(f"planted {DIF_ITEM}: {planted.category} D = {planted.effect:+.2f} "
              f"SE {planted.se:.2f} n {planted.n_reference}/{planted.n_focal}; "
              f"null items {classes}, {len(language.items) - len(null) - 1} not enough data")
        assert planted.category in ("B", "C") and planted.favours == "reference"
        assert planted.method == "MH" and planted.effect < -1.0
        assert len(null) >= 30 and classes["A"] >= 0.8 * len(null)
