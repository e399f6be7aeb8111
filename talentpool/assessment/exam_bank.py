"""What an attempt draws from its part's pool (``pools``): the assembled form or the adaptive
bank, the items seen before, and the next item.

An item scores people only when it is operational in the active calibration run of its scale;
the other pool items are pretest items, given at the scheme's pretest positions and never
scored. The run and the standard in force when a part starts are stored on the attempt and
decide it, whatever is activated meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from flask import current_app
from sqlalchemy import select

from talentpool.assessment import exposure
from talentpool.caching import cached
from talentpool.assessment.calibration import (
    BankEntry, build_bank, operational_entries,
)
from talentpool.assessment.models import (
    CalibrationRun, ExamAttempt, ExamResponse, ItemAdministration,
    StandardSetting,
)
from talentpool.assessment.pools import (
    PoolItem, Readiness, matches, needed_per_code, pool, readiness, scheme,
)
from talentpool.assessment.scheme import PartRule
from talentpool.extensions import db
from talentpool.psychometrics import (
    AdaptiveTest, Blueprint, ExamState, ExposureCounts, MaxInformationSelector, WLEEstimator,
    PretestPlan, StoppingRule, adaptive_bank, item_information, next_item as adaptive_next,
)

RANDOMESQUE = 3


def exam_rng() -> np.random.Generator:
    """Randomness of item choice: fresh entropy, unless ``EXAM_RANDOM_SEED`` is set (tests and
    simulations, so that a run can be repeated exactly)."""
    seed = current_app.config.get("EXAM_RANDOM_SEED")
    if seed is None:
        return np.random.default_rng()
    return cached("random", "exam", lambda: np.random.default_rng(int(seed)), 1)


def held_levels(user_id: int, now: datetime) -> set[int]:
    """Levels the person holds: valid certificates and accepted recognitions."""
    from talentpool.recognition.service import held_levels as levels_held

    return levels_held(user_id, now)


def in_cohort(user_id: int, cohort_id: int) -> bool:
    """Whether the person is a joined trainee of the (live) cohort."""
    from talentpool.cohorts.service import is_enrolled  # cohorts builds on assessment

    return is_enrolled(user_id, cohort_id)


def seen_before(attempt: ExamAttempt) -> set[int]:
    """Items shown to this person in earlier attempts of the same level."""
    return set(db.session.scalars(
        select(ItemAdministration.item_id)
        .join(ExamAttempt, ExamAttempt.id == ItemAdministration.attempt_id)
        .where(ExamAttempt.user_id == attempt.user_id, ExamAttempt.level == attempt.level,
               ExamAttempt.id != attempt.id)))


def prepare_part(attempt: ExamAttempt, part: str, now: datetime) -> None:
    """Fix what the part draws on: its pool (or assembled form), run and standard."""
    level = scheme().levels[attempt.level]
    rule = level.part(part)
    state = readiness(level, part)
    if not state.ready:
        raise PoolNotReady(state)
    items = pool(rule)
    seen = seen_before(attempt)
    if rule.rated:
        chosen = rated_paper(attempt, rule, items, seen)
        form = dict(attempt.form or {})
        form[part] = chosen
        form[f"{part}_digest"] = hashlib.sha1(json.dumps(chosen).encode()).hexdigest()
        attempt.form = form
        return
    operational = operational_entries(state.run)
    if rule.mode == "fixed":
        chosen = assemble_form(rule, [i for i in items if i.id in operational], operational,
                               seen, exposure.exposure(attempt.level, part, now),
                               state.standard.cut_theta,
                               random.Random(int(exam_rng().integers(2**63))))
    else:  # the whole pool (shared bank); items seen before are excluded where it can spare them
        chosen = [i.id for i in items]
        fresh = [i for i in items if i.id not in seen]
        enough = all(sum(matches(i.element, code) for i in fresh if i.id in operational) >= n
                     for code, n, _needed in needed_per_code(rule)) and \
            sum(i.id in operational for i in fresh) >= rule.max_items
        excluded = sorted(seen & set(chosen)) if enough else []
    form = dict(attempt.form or {})
    form[part] = chosen
    form[f"{part}_digest"] = hashlib.sha1(json.dumps(chosen).encode()).hexdigest()
    if rule.mode != "fixed":
        form[f"{part}_excluded"] = excluded
    form[f"{part}_run"] = state.run.id
    form[f"{part}_standard"] = state.standard.id
    attempt.form = form


def rated_paper(attempt: ExamAttempt, rule: PartRule, items: list[PoolItem],
                seen: set[int]) -> list[int]:
    """The written tasks of a rated part: per blueprint code, the sitting's paper — the same
    tasks for every candidate of the session (drawn with the session's id as the seed) — with
    tasks the candidate wrote in an earlier attempt swapped for others where the pool allows."""
    rng = random.Random(attempt.session.public_id)
    paper: list[int] = []
    for code, count in rule.blueprint:
        candidates = [i.id for i in items if matches(i.element, code) and i.id not in paper]
        rng.shuffle(candidates)
        candidates.sort(key=lambda i: i in seen)  # stable: the sitting's order among equals
        paper += candidates[:count]
    return paper


class PoolNotReady(Exception):
    """A part cannot be given; ``readiness.problems`` says why."""

    def __init__(self, state: Readiness):
        super().__init__("; ".join(state.problems))
        self.readiness = state


def assemble_form(rule: PartRule, items: list[PoolItem], operational: dict[int, BankEntry],
                  seen: set[int], shown: exposure.Exposure, cut_theta: float,
                  rng: random.Random) -> list[int]:
    """Automated assembly of a fixed form: per blueprint code, the items least exposed in the
    window (under the cap first, never an item the candidate saw before while others remain),
    preferring, among equals, the most information at the cut; ties broken at random."""
    bank, order = build_bank([operational[i.id] for i in items])
    info = dict(zip([e.item_id for e in order],
                    np.asarray(item_information(np.array([cut_theta]), bank))[0], strict=True))
    form: list[int] = []
    for code, count in rule.blueprint:
        candidates = [i.id for i in items if matches(i.element, code) and i.id not in form]
        candidates.sort(key=lambda i: (i in seen, shown.rate(i) >= exposure.EXPOSURE_CAP,
                                       round(shown.rate(i), 2), -round(info[i], 1),
                                       rng.random()))
        form += candidates[:count]
    return form


@dataclass(frozen=True)
class PartBank:
    """The adaptive machinery of one attempt's part, built once and cached."""

    test: AdaptiveTest
    item_ids: tuple[int, ...]
    index: dict[int, int]
    entries: tuple[BankEntry, ...]
    run_id: int
    cut_theta: float
    id_array: np.ndarray


def part_bank(attempt: ExamAttempt, part: str, run_id: int | None = None) -> PartBank:
    """The part's bank: operational items of the stored run score, the rest are pretest.

    Adaptive parts that draw on the same pool, run and standard share one bank (cache
    ``adaptive-banks``); a fixed form's small bank is cached per form (``form-banks``)."""
    form = attempt.form or {}
    run_id = run_id or form.get(f"{part}_run")
    digest = form.get(f"{part}_digest") or hashlib.sha1(
        json.dumps(form.get(part, [])).encode()).hexdigest()
    key = (attempt.level, part, run_id, form.get(f"{part}_standard"), digest)
    fixed = scheme().levels[attempt.level].part(part).mode == "fixed"
    return cached("form-banks" if fixed else "adaptive-banks", key,
                  lambda: _build_part_bank(attempt, part, run_id), 512 if fixed else 16)


def _build_part_bank(attempt: ExamAttempt, part: str, run_id: int) -> PartBank:
    form = attempt.form or {}
    rule = scheme().levels[attempt.level].part(part)
    run = db.session.get(CalibrationRun, run_id)
    standard = db.session.get(StandardSetting, form[f"{part}_standard"])
    operational = operational_entries(run)
    wanted = set(form[part])
    items = {i.id: i for i in pool(rule) if i.id in wanted}
    entries = [operational.get(i) or _pretest_entry(items[i]) for i in form[part] if i in items]
    bank_items, order = build_bank(entries)
    item_ids = tuple(e.item_id for e in order)
    pretest = np.array([i not in operational for i in item_ids], bool)
    content = np.array([items[i].element for i in item_ids], dtype=object)
    fixed = rule.mode == "fixed"
    length = rule.length if fixed else rule.max_items
    test = AdaptiveTest(
        bank=adaptive_bank(bank_items, content=content, pretest=pretest),
        selector=MaxInformationSelector(
            randomesque=RANDOMESQUE, max_exposure_rate=exposure.EXPOSURE_CAP,
            blueprint=Blueprint(tuple(c for c, _n in rule.blueprint),
                                tuple(n for _c, n in rule.blueprint))),
        stopping=StoppingRule(max_items=length, min_items=length if fixed else rule.min_items,
                              cut_score=standard.cut_theta,
                              classification=None if fixed else "ci"),
        estimator=WLEEstimator(run.population_mean, run.population_sd),
        pretest=PretestPlan(() if fixed else rule.pretest_positions))
    return PartBank(test, item_ids, {i: n for n, i in enumerate(item_ids)}, tuple(order),
                    run.id, standard.cut_theta, np.array(item_ids, dtype=np.int64))


def excluded_mask(bank: PartBank, attempt: ExamAttempt, part: str) -> np.ndarray | None:
    """Items of the shared bank this candidate must not get (seen in an earlier attempt)."""
    excluded = (attempt.form or {}).get(f"{part}_excluded")
    return np.isin(bank.id_array, excluded) if excluded else None


def _pretest_entry(item: PoolItem) -> BankEntry:
    """Placeholder parameters for a pretest item: never used to score or to select."""
    k = item.max_category
    b = (0.0,) if k == 1 else tuple(float(v) for v in np.linspace(-0.75, 0.75, k))
    return BankEntry(item.id, "2pl" if k == 1 else "grm", 1.0, b, tuple(range(k + 1)))


def state_of(bank: PartBank, answers: list[tuple[int, int]]) -> ExamState:
    """The exam state from (item id, stored category) pairs in answer order; θ̂ is the WLE
    that chooses items and stops the test, the same estimator that decides (see grading)."""
    given = [(bank.index[i], mapped_category(bank.entries[bank.index[i]], c))
             for i, c in answers if i in bank.index]
    state = ExamState(tuple(i for i, _c in given), tuple(c for _i, c in given))
    items, responses = state.operational(bank.test.bank)
    theta, se = bank.test.estimator.estimate(bank.test.bank, items, responses)
    return ExamState(state.items, state.responses, theta, se)


def mapped_category(entry: BankEntry, category: int) -> int:
    """The calibrated category of a stored score category (sparse categories were merged)."""
    return entry.category_map[min(category, len(entry.category_map) - 1)]


def answers_of(attempt: ExamAttempt, part: str) -> list[tuple[int, int]]:
    return list(db.session.execute(
        select(ExamResponse.item_id, ExamResponse.category)
        .where(ExamResponse.attempt_id == attempt.id, ExamResponse.part == part)
        .order_by(ExamResponse.position)).all())


def next_item(attempt: ExamAttempt, part: str, now: datetime) -> tuple[int, bool] | None:
    """(item id, is pretest) to show next, or None when the part is complete.

    A fixed form was assembled under the exposure cap, so only adaptive parts read exposure.
    A rated part gives its paper's tasks in order.
    """
    if scheme().levels[attempt.level].part(part).rated:
        done = {item_id for item_id, _c in answers_of(attempt, part)}
        left = [i for i in (attempt.form or {}).get(part, []) if i not in done]
        return (left[0], False) if left else None
    bank = part_bank(attempt, part)
    state = state_of(bank, answers_of(attempt, part))
    if len(state.items) >= len(bank.item_ids):
        return None
    counts = None
    if scheme().levels[attempt.level].part(part).mode == "adaptive":
        shown = exposure.exposure(attempt.level, part, now)
        started = bool(state.items)  # this attempt's own administration is already counted
        counts = ExposureCounts(shown.counts_for(bank.id_array),
                                shown.administrations + (not started))
    try:
        choice = adaptive_next(bank.test, state, exam_rng(), counts,
                               excluded_mask(bank, attempt, part))
    except ValueError:  # no eligible item left
        return None
    if choice is None:
        return None
    return bank.item_ids[choice], bool(bank.test.bank.pretest[choice])
