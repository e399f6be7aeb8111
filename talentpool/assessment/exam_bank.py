"""What an exam draws on: the scheme, the item pools, forms, adaptive choice, part scores.

Items are scored with the active calibration of their track; an item without calibrated
parameters is a pretest item (given at the scheme's pretest positions, never scored). When a
track has no calibration yet, prior parameters are used for every item and the attempt is
marked provisional.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from flask import current_app
from sqlalchemy import func, select, update

from talentpool.assessment.calibration import (
    active_run, build_bank, calibrated_entries, provisional_entry,
)
from talentpool.assessment.models import ACTIVE, ExamAttempt, ExamResponse, Item, ItemExposure
from talentpool.assessment.packs import load_elements
from talentpool.assessment.scheme import LevelRule, PartRule, Scheme, load_scheme
from talentpool.extensions import db
from talentpool.psychometrics import (
    AdaptiveTest, Blueprint, EAPEstimator, ExamState, ExposureCounts, MaxInformationSelector,
    PretestPlan, StoppingRule, adaptive_bank, next_item as adaptive_next,
)


def scheme() -> Scheme:
    """The certification scheme in use (validated; re-read when the file changes)."""
    path = Path(current_app.config["EXAM_SCHEME"])
    return _load(path, path.stat().st_mtime)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: float) -> Scheme:
    elements, _problems = load_elements(path.parent / "elements.yaml")
    return load_scheme(path, set(elements))


def _matches(element: str, code: str) -> bool:
    return element == code or element.startswith(code + ".")


def pool(rule: PartRule) -> list[Item]:
    """Active items of the part: theory items for theory, labeling tasks for practical,
    at the part's item levels and inside its blueprint codes."""
    theory = rule.part == "theory"
    items = db.session.scalars(select(Item).where(
        Item.status == ACTIVE, (Item.track == "theory") if theory else (Item.track != "theory")))
    codes = [code for code, _n in rule.blueprint]
    return [i for i in items if set(i.levels) & set(rule.item_levels)
            and any(_matches(i.element, code) for code in codes)]


def pool_shortfall(level: LevelRule, part: str) -> str | None:
    """Which blueprint codes lack items for a form (fixed) or a minimum test (adaptive)."""
    rule = level.part(part)
    items = pool(rule)
    if rule.mode == "fixed":
        missing = [f"{code} {sum(_matches(i.element, code) for i in items)}/{n}"
                   for code, n in rule.blueprint
                   if sum(_matches(i.element, code) for i in items) < n]
        return ", ".join(missing) or None
    return None if len(items) >= rule.min_items else f"{len(items)}/{rule.min_items} items"


def held_levels(user_id: int, now: datetime) -> set[int]:
    """Levels of the person's currently valid certificates."""
    from talentpool.certification.service import VALID, certificate_status, certificates_of

    return {c.level for c in certificates_of(user_id) if certificate_status(c, now) == VALID}


def in_cohort(user_id: int, cohort_id: int) -> bool:
    """Whether the person is a joined trainee of the (live) cohort."""
    from talentpool.cohorts.service import is_enrolled  # cohorts builds on assessment

    return is_enrolled(user_id, cohort_id)


def prepare_part(attempt: ExamAttempt, part: str) -> None:
    """Draw a new fixed form for the part, avoiding items this person saw in earlier attempts."""
    rule = scheme().levels[attempt.level].part(part)
    if rule.mode != "fixed":
        return
    seen = {i for (i,) in db.session.execute(
        select(ExamResponse.item_id).join(ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id)
        .where(ExamAttempt.user_id == attempt.user_id, ExamAttempt.id != attempt.id))}
    rng = random.Random()
    form: list[int] = []
    items = pool(rule)
    for code, count in rule.blueprint:
        candidates = [i.id for i in items if _matches(i.element, code) and i.id not in form]
        fresh = [i for i in candidates if i not in seen]
        rng.shuffle(fresh)
        rest = [i for i in candidates if i in seen]
        rng.shuffle(rest)
        form += (fresh + rest)[:count]
    attempt.form = {**(attempt.form or {}), part: form}


@dataclass(frozen=True)
class PartBank:
    test: AdaptiveTest
    item_ids: list[int]
    entries: list
    provisional: bool


def part_bank(attempt: ExamAttempt, part: str) -> PartBank:
    """The adaptive bank of the part: calibrated items operational, the rest pretest."""
    rule = scheme().levels[attempt.level].part(part)
    items = pool(rule)
    if rule.mode == "fixed":
        wanted = set(attempt.form.get(part, []))
        items = [i for i in items if i.id in wanted]
    calibrated, provisional = {}, False
    mean, sd = 0.0, 1.0
    for track in sorted({i.track for i in items}):
        run = active_run(track)
        if run is not None:
            calibrated.update(calibrated_entries(run))
            mean, sd = run.population_mean, run.population_sd
    if not calibrated:
        provisional = True
    by_id = {item.id: item for item in items}
    bank_items, order = build_bank(
        [calibrated.get(item.id) or provisional_entry(item) for item in items])
    item_ids = [e.item_id for e in order]
    pretest_mask = np.array([not provisional and i not in calibrated for i in item_ids], bool)
    content = np.array([by_id[i].element for i in item_ids], dtype=object)
    codes = tuple(code for code, _n in rule.blueprint)
    counts = tuple(n for _c, n in rule.blueprint)
    from talentpool.practice.skills import theta_for_score

    length = rule.length if rule.mode == "fixed" else rule.max_items
    test = AdaptiveTest(
        bank=adaptive_bank(bank_items, content=content, pretest=pretest_mask),
        selector=MaxInformationSelector(randomesque=3, max_exposure_rate=0.25,
                                        blueprint=Blueprint(codes, counts)),
        stopping=StoppingRule(max_items=length,
                              min_items=length if rule.mode == "fixed" else rule.min_items,
                              cut_score=theta_for_score(rule.cut_score),
                              classification=None if rule.mode == "fixed" else "ci"),
        estimator=EAPEstimator(mean, sd),
        pretest=PretestPlan(rule.pretest_positions if rule.mode == "adaptive" else ()))
    return PartBank(test, item_ids, order, provisional)


def _state(bank: PartBank, attempt: ExamAttempt, part: str) -> ExamState:
    rows = db.session.execute(select(ExamResponse.item_id, ExamResponse.category)
                              .where(ExamResponse.attempt_id == attempt.id,
                                     ExamResponse.part == part).order_by(ExamResponse.position))
    index = {item_id: n for n, item_id in enumerate(bank.item_ids)}
    given = [(index[i], bank.entries[index[i]].category_map[
        min(c, len(bank.entries[index[i]].category_map) - 1)]) for i, c in rows if i in index]
    state = ExamState(tuple(i for i, _c in given), tuple(c for _i, c in given))
    items, responses = state.operational(bank.test.bank)
    theta, se = bank.test.estimator.estimate(bank.test.bank, items, responses)
    return ExamState(state.items, state.responses, theta, se)


def next_item(attempt: ExamAttempt, part: str) -> tuple[int, bool] | None:
    """(item id, is pretest) to show next, or None when the part is complete."""
    bank = part_bank(attempt, part)
    if not bank.item_ids:
        return None
    state = _state(bank, attempt, part)
    if len(state.items) >= len(bank.item_ids):
        return None
    counts = np.array([_exposure(i) for i in bank.item_ids], float)
    tests = max(db.session.scalar(select(func.count()).select_from(ExamAttempt).where(
        ExamAttempt.level == attempt.level)) or 1, 1)
    try:
        choice = adaptive_next(bank.test, state, np.random.default_rng(),
                               ExposureCounts(counts, tests))
    except ValueError:  # no eligible item left
        return None
    if choice is None:
        return None
    return bank.item_ids[choice], bool(bank.test.bank.pretest[choice])


def _exposure(item_id: int) -> int:
    row = db.session.get(ItemExposure, item_id)
    return row.administered if row else 0


def count_exposure(item_id: int) -> None:
    """Add one administration, atomically (no read-modify-write race between workers)."""
    changed = db.session.execute(update(ItemExposure).where(ItemExposure.item_id == item_id)
                                 .values(administered=ItemExposure.administered + 1))
    if changed.rowcount == 0:
        db.session.add(ItemExposure(item_id=item_id, administered=1))
        db.session.flush()


def part_score(attempt: ExamAttempt, part: str) -> tuple[float, float, bool]:
    """(0–100 score, its SE, provisional) of a part from its scored answers."""
    from talentpool.practice.skills import REPORT_SLOPE, report_score

    bank = part_bank(attempt, part)
    state = _state(bank, attempt, part)
    return report_score(state.theta), REPORT_SLOPE * state.se, bank.provisional


def issue_for(attempt: ExamAttempt, panel_score: float | None, now: datetime) -> None:
    """Issue the certificate of a passed attempt and remember its serial, in one commit."""
    from talentpool.accounts.models import User
    from talentpool.certification.service import add_certificate, notify_certificate_change

    user = db.session.get(User, attempt.user_id)
    rule = scheme().levels[attempt.level]
    certificate = add_certificate(user, attempt.level, attempt.theory_score,
                                  attempt.practical_score, panel_score=panel_score, now=now,
                                  valid_years=rule.validity_years)
    attempt.certificate_serial = certificate.serial
    db.session.commit()
    notify_certificate_change(user.id)

