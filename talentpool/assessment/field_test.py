"""A simulated field test and simulated standard-setting panels, for demos and tests.

A new installation has no answers, so nothing can be calibrated and no level can certify.
``simulate_field_test`` stands in for a field test: simulated candidates (inactive accounts
named "Simulated candidate …" at ``@simulated.invalid``) answer every active item from known
item parameters — practice items as practice answers, exam items as pretest answers of a
sitting titled as simulated — and every scale is then calibrated from those answers through
the product's own calibration. ``simulate_angoff_panel`` records and activates a standard from
simulated panellists who rate each item by its probability of success at a chosen cut θ.
Everything made here says that it is simulated; none of it is a real candidate or panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import insert, select

from talentpool.accounts.models import User
from talentpool.assessment import pools, standards
from talentpool.assessment.calibration import (
    DIFFICULTY_TAGS, CalibrationError, active_run, build_bank, calibrate_track,
    operational_entries,
)
from talentpool.assessment.models import (
    ACTIVE, EXAM, ExamAttempt, ExamResponse, ExamSession, Item, StandardSetting,
)
from talentpool.assessment.tracks import SCALES
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations import service as organisations
from talentpool.psychometrics import expected_scores, polytomous_items, dichotomous_items, \
    concatenate_items, simulate_responses

FIELD_TEST_TITLE = "Simulated field test (not a real sitting) · 模拟预测试（非真实考试）"
FIELD_TEST_STATE = "field_test"
# (item, the model's probability of success, rng) → (answers right?, duration in ms or None)
Responder = Callable[[Item, float, np.random.Generator], tuple[bool, int | None]]


@dataclass(frozen=True)
class FieldTest:
    """What was simulated: the true θ per person and the true parameters per item id."""

    theta: np.ndarray
    true_a: dict[int, float]
    true_b: dict[int, tuple[float, ...]]
    runs: dict[str, str]


def true_parameters(items: list[Item], rng: np.random.Generator):
    """Slopes logN(0.1, 0.25²); difficulty from the easy/medium/hard tag (−1/0/+1) plus
    N(0, 0.4²); partial-credit thresholds spread ±0.8 around it."""
    a = np.exp(rng.normal(0.1, 0.25, len(items)))
    centre = np.array([next((DIFFICULTY_TAGS[t] for t in i.tags if t in DIFFICULTY_TAGS), 0.0)
                       for i in items]) + rng.normal(0.0, 0.4, len(items))
    return a, [(float(c),) if i.max_category == 1 else
               tuple(float(v) for v in c + np.linspace(-0.8, 0.8, i.max_category))
               for i, c in zip(items, centre, strict=True)]


def simulate_field_test(n_persons: int, rng: np.random.Generator,
                        theta_mean: float = 0.0) -> FieldTest:
    """Simulate ``n_persons`` candidates answering every active item, then calibrate every
    scale (one commit per step). Theory and practical abilities correlate 0.7."""
    items = list(db.session.scalars(select(Item).where(Item.status == ACTIVE)
                                    .order_by(Item.id)))
    a, b = true_parameters(items, rng)
    general = rng.normal(theta_mean, 1.0, n_persons)
    theory = theta_mean + 0.7 * (general - theta_mean) + np.sqrt(0.51) * rng.normal(
        0.0, 1.0, n_persons)
    users = _simulated_users(n_persons)
    now = utcnow()
    session = ExamSession(level=5, title=FIELD_TEST_TITLE, opens_at=now - timedelta(days=1),
                          closes_at=now - timedelta(hours=1),
                          organisation=organisations.default_organisation())
    db.session.add(session)
    db.session.flush()
    attempts = _simulated_attempts(session, users, now)
    practice_rows, exam_rows = [], []
    for is_theory, persons_theta in ((True, theory), (False, general)):
        chosen = [n for n, i in enumerate(items) if (i.track == "theory") == is_theory]
        if not chosen:
            continue
        bank = parameter_bank([a[n] for n in chosen], [b[n] for n in chosen])
        answers = simulate_responses(persons_theta, bank, rng)
        for column, n in enumerate(chosen):
            item = items[n]
            for person, user_id in enumerate(users):
                category = int(answers[person, column])
                score = category / item.max_category
                if item.use == EXAM:
                    exam_rows.append({
                        "attempt_id": attempts[person], "item_id": item.id,
                        "part": "theory" if is_theory else "practical", "position": column,
                        "pretest": True, "answer": {"simulated": True}, "score": score,
                        "category": category, "answered_at": now})
                else:
                    practice_rows.append({
                        "user_id": user_id, "item_id": item.id, "item_revision": item.revision,
                        "track": item.track, "mode": "practice", "answer": {"simulated": True},
                        "score": score, "category": category, "max_category": item.max_category,
                        "feedback": {}, "created_at": now})
    from talentpool.practice.models import Response

    for table, rows in ((Response, practice_rows), (ExamResponse, exam_rows)):
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(table), rows[start:start + 5000])
    db.session.commit()
    runs = {}
    for scale in SCALES:
        try:
            runs[scale.id] = calibrate_track(scale.id, "simulated field test").public_id
        except CalibrationError:  # a scale without (enough) items: nothing to calibrate
            db.session.rollback()
    return FieldTest(general, {i.id: float(v) for i, v in zip(items, a, strict=True)},
                     {i.id: v for i, v in zip(items, b, strict=True)}, runs)


def parameter_bank(a: list[float], b: list[tuple[float, ...]]):
    """A bank of right/wrong (2PL) and graded-response items from slopes and thresholds."""
    dichotomous = [n for n, v in enumerate(b) if len(v) == 1]
    if len(dichotomous) == len(b):
        return dichotomous_items(np.array(a), np.array([v[0] for v in b]))
    # Keep the item order: build one bank per item and concatenate.
    banks = [dichotomous_items(np.array([a[n]]), np.array([v[0]])) if len(v) == 1 else
             polytomous_items(np.array([a[n]]), np.array([v]), "grm") for n, v in enumerate(b)]
    return concatenate_items(*banks)


def _simulated_users(n: int) -> list[int]:
    start = db.session.scalar(select(db.func.count()).select_from(User)) or 0
    rows = [{"email": f"field-test-{start + k}@simulated.invalid",
             "display_name": f"Simulated candidate {start + k}", "password_hash": "!",
             "role": Role.TRAINEE, "active": False} for k in range(n)]
    db.session.execute(insert(User), rows)
    emails = [row["email"] for row in rows]
    ids = dict(db.session.execute(select(User.email, User.id)
                                .where(User.email.in_(emails))).all())
    return [ids[e] for e in emails]


def _simulated_attempts(session: ExamSession, users: list[int], now) -> list[int]:
    rows = [{"session_id": session.id, "user_id": u, "level": 5, "state": FIELD_TEST_STATE,
             "started_at": now, "part_started_at": now, "part_deadline": now,
             "finished_at": now, "form": {}, "part_results": {}} for u in users]
    db.session.execute(insert(ExamAttempt), rows)
    ids = dict(db.session.execute(select(ExamAttempt.user_id, ExamAttempt.id).where(
        ExamAttempt.session_id == session.id)).all())
    return [ids[u] for u in users]


def simulate_angoff_panel(level: int, part: str, cut_theta: float, rng: np.random.Generator,
                          n_panellists: int = 5, n_items: int = 20, noise: float = 0.05,
                          activate: bool = True, truth: FieldTest | None = None
                          ) -> StandardSetting:
    """Record (and activate) a study whose simulated panellists rate each of ``n_items``
    operational exam items of the part by its expected score share at ``cut_theta``, plus
    N(0, noise²) disagreement. With ``truth`` the panel judges the items as they really are
    (their true parameters, ``cut_theta`` on the true scale), as a real panel judges content;
    without it, by the calibrated parameters."""

    run = active_run(pools.PART_SCALES[part])
    rule = pools.scheme().levels[level].part(part)
    operational = operational_entries(run)
    pool = [i for i in pools.pool(rule) if i.id in operational]
    chosen = [pool[n] for n in sorted(rng.choice(len(pool), min(n_items, len(pool)),
                                                 replace=False))]
    bank, order = build_bank([operational[i.id] for i in chosen])
    tops = np.array([len(e.b) for e in order])
    if truth is not None:
        bank = parameter_bank([truth.true_a[e.item_id] for e in order],
                     [truth.true_b[e.item_id] for e in order])
        tops = np.array([len(truth.true_b[e.item_id]) for e in order])
    share = np.asarray(expected_scores(np.array([cut_theta]), bank)).ravel() / tops
    key_of = {i.id: i.key for i in chosen}
    ratings = {f"Simulated panellist {p + 1}": {
        key_of[e.item_id]: float(np.clip(share[j] + rng.normal(0, noise), 0.0, 1.0))
        for j, e in enumerate(order)} for p in range(n_panellists)}
    study = standards.record_study(
        level, part, f"Simulated Angoff panel · 模拟安戈夫评定 (level {level}, {part})", ratings,
        None, note="Simulated panellists rating at a chosen cut; replace with a real panel.")
    return standards.activate(study.public_id, None) if activate else study


def simulate_sitting(user_id: int, session_public_id: str, theta: float,
                     rng: np.random.Generator, truth: FieldTest | None = None, now=None,
                     respond: Responder | None = None):
    """A simulated candidate of ability ``theta`` (one θ, or one per part) sits a session
    through the exam service:
    each item is answered with the gold answer with the model's probability of success
    (``truth``'s parameters, else the active calibration's), otherwise with an empty answer.
    ``respond(item, probability of success, rng)`` → (answers right?, duration in ms or None)
    replaces that choice, e.g. to plant aberrant behaviour; by default no duration is given.
    Returns the graded attempt."""
    from talentpool.assessment import exam
    from talentpool.scoring import get_scorer

    attempt = exam.start_attempt(user_id, session_public_id, now=now)
    while attempt.state in ("theory", "practical"):
        item = db.session.get(Item, attempt.current_item_id)
        a, b = _parameters_of(item, attempt.state, truth)
        ability = theta[attempt.state] if isinstance(theta, dict) else theta
        success = 1.0 / (1.0 + np.exp(-a * (ability - float(np.mean(b)))))
        scorer = get_scorer(item.type_id)
        right, duration_ms = (rng.random() < success, None) if respond is None \
            else respond(item, float(success), rng)
        answer = scorer.gold_answer(item.spec, item.gold) if right \
            else scorer.empty_answer(item.spec)
        attempt = exam.submit_answer(attempt, attempt.sequence, answer, now=now,
                                     duration_ms=duration_ms)
    return attempt


def _parameters_of(item: Item, part: str, truth: FieldTest | None) -> tuple[float, tuple]:
    if truth is not None:
        return truth.true_a[item.id], truth.true_b[item.id]

    run = active_run(pools.PART_SCALES[part])
    parameter = next((p for p in run.parameters if p.item_id == item.id), None) if run else None
    return (parameter.a, tuple(parameter.b)) if parameter else (1.0, (0.0,))
