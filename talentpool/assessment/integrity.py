"""Integrity monitoring for administrators: person fit and response times per attempt; with
``item_monitoring`` (DIF and item drift) the report the integrity page shows.

Reports only: a flag never changes a score or a decision by itself. Only graded attempts count
(passed, failed, awaiting panel), never the simulated field-test ones. Nothing here writes.

* **Person fit**: lz* of a part's operational answers at θ̂ under the run that decided the part
  (θ̂ is recomputed from the answers given where unanswered items were scored 0, since lz*
  needs the estimate of the same responses). Flag: lz* < −1.645.
* **Response times**: the lognormal model on log seconds, fitted per level and part on every
  graded attempt's operational answers (items with fewer than ``MIN_TIMES`` times left out).
  Flag: p < 0.01; answers with z < −1.96 for the person's own speed τ̂ or for the average
  speed (τ = 0) are listed as unusually fast.
* **DIF** per item of each exam scale's active run, matched on ``N_STRATA`` strata of θ̂:
  MH D-DIF (right/wrong), SMD (partial credit), ETS A/B/C. English interface against the rest,
  and each institution's cohort members against everyone else; fewer than ``MIN_GROUP``
  answers in either group is "not enough data". Accounts record no region.
* **Drift**: each run's dropped anchors, and per item common to the active and the previous
  linked run Δa and Δb (mean threshold), flagged when |Δb| > 0.5 or flagged ``drift``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.special import ndtr
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.calibration import build_bank, operational_entries
from talentpool.assessment.exam_bank import mapped_category
from talentpool.assessment.pools import PART_SCALES
from talentpool.assessment.grading import SCORED, THETA_BOUNDS
from talentpool.assessment.models import CalibrationRun, ExamAttempt, ExamResponse, Item
from talentpool.extensions import db
from talentpool.psychometrics import probabilities
from talentpool.psychometrics.decisions import wle
from talentpool.psychometrics.fit import fit_lognormal_rt, lz_star, rt_aberrance, \
    rt_residuals

GRADED = ("passed", "failed", "awaiting_panel")
LZ_CRITICAL = -1.645
RT_LEVEL = 0.01
FAST_Z = 1.96
MIN_TIMES = 10
MIN_DURATION_MS = 100  # a zero time has no logarithm
MIN_GROUP = 50
N_STRATA = 10
DRIFT_DELTA_B = 0.5

Key = tuple[int, str]  # (attempt id, part)
Answers = dict[Key, list[tuple[int, int, int | None, bool]]]  # item, category, ms, pretest


@dataclass(frozen=True)
class InvolvedAnswer:
    """An answer behind a flag: unexpected at θ̂ (log P of the answered category below its
    expectation Σ_k P_k log P_k, so it pulls lz* down) or unusually fast."""

    item_key: str
    category: int
    probability: float
    fast: bool


@dataclass(frozen=True)
class PartFlag:
    """One part's lz* and response-time p-value (None where not computable)."""

    part: str
    lz_star: float | None
    rt_p: float | None
    answers: tuple[InvolvedAnswer, ...] = ()

    @property
    def misfit(self) -> bool:
        return self.lz_star is not None and self.lz_star < LZ_CRITICAL

    @property
    def aberrant_times(self) -> bool:
        return self.rt_p is not None and self.rt_p < RT_LEVEL

    @property
    def severity(self) -> float:
        """The smaller p-value of the two checks (lz* against N(0, 1), one-sided)."""
        lz_p = 1.0 if self.lz_star is None else float(ndtr(self.lz_star))
        return min(lz_p, 1.0 if self.rt_p is None else self.rt_p)


@dataclass(frozen=True)
class AttemptFlag:
    """A graded attempt with at least one flagged part."""

    public_id: str
    candidate: str
    level: int
    state: str
    finished_at: datetime | None
    parts: tuple[PartFlag, ...]


def _graded() -> tuple[list[ExamAttempt], Answers]:
    """Graded attempts, and their answers in order per (attempt id, part)."""
    graded = ExamAttempt.state.in_(GRADED)
    answers: Answers = defaultdict(list)
    for attempt_id, part, *answer in db.session.execute(
            select(ExamResponse.attempt_id, ExamResponse.part, ExamResponse.item_id,
                   ExamResponse.category, ExamResponse.duration_ms, ExamResponse.pretest)
            .join(ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id).where(graded)
            .order_by(ExamResponse.position)):
        answers[(attempt_id, part)].append(tuple(answer))
    return list(db.session.scalars(select(ExamAttempt).where(graded)
                                   .order_by(ExamAttempt.id))), answers


def _matrix(attempts: list[ExamAttempt], part: str, answers: Answers, order,
            with_pretest: bool) -> np.ndarray:
    """Calibrated categories ``(attempts, items of order)``, NaN where not answered."""
    column = {entry.item_id: j for j, entry in enumerate(order)}
    responses = np.full((len(attempts), len(order)), np.nan)
    for row, attempt in enumerate(attempts):
        for item_id, category, _duration, pretest in answers[(attempt.id, part)]:
            if item_id in column and (with_pretest or not pretest):
                responses[row, column[item_id]] = mapped_category(order[column[item_id]],
                                                                  category)
    return responses


def aberrant_attempts() -> tuple[list[AttemptFlag], int]:
    """Flagged attempts, most aberrant first, and the number of graded attempts checked."""
    attempts, answers = _graded()
    fit: dict[Key, tuple[float | None, dict[int, tuple[int, float, bool]]]] = {}
    times: dict[Key, tuple[float | None, set[int]]] = {}
    for part in PART_SCALES:
        by_run, by_level = defaultdict(list), defaultdict(list)
        for attempt in attempts:
            run_id = (attempt.part_results or {}).get(part, {}).get("run")
            if run_id and answers.get((attempt.id, part)):
                by_run[run_id].append(attempt)
                by_level[attempt.level].append(attempt.id)
        for run_id, group in by_run.items():
            if (run := db.session.get(CalibrationRun, run_id)) is not None:
                fit.update(_person_fit(run, part, group, answers))
        for ids in by_level.values():
            times.update(_response_times(part, ids, answers))
    keys = dict(db.session.execute(select(Item.id, Item.key)).all())
    names = dict(db.session.execute(select(User.id, User.display_name).join(
        ExamAttempt, ExamAttempt.user_id == User.id).where(ExamAttempt.state.in_(GRADED))).all())
    flagged = []
    for attempt in attempts:
        parts = []
        for part in PART_SCALES:
            lz, given = fit.get((attempt.id, part), (None, {}))
            rt_p, fast = times.get((attempt.id, part), (None, set()))
            flag = PartFlag(part, lz, rt_p)
            if flag.misfit or flag.aberrant_times:
                involved = sorted((InvolvedAnswer(keys[i], c, round(p, 3), i in fast)
                                   for i, (c, p, unexpected) in given.items()
                                   if flag.misfit and unexpected or i in fast),
                                  key=lambda a: (not a.fast, a.probability))
                parts.append(PartFlag(part, lz, rt_p, tuple(involved)))
        if parts:
            flagged.append(AttemptFlag(attempt.public_id, names.get(attempt.user_id, ""),
                                       attempt.level, attempt.state, attempt.finished_at,
                                       tuple(parts)))
    flagged.sort(key=lambda f: min(p.severity for p in f.parts))
    return flagged, len(attempts)


def _person_fit(run: CalibrationRun, part: str, group: list[ExamAttempt],
                answers: Answers) -> dict:
    """(attempt id, part) → (lz*, item id → (answered category, its P at θ̂, unexpected))."""
    bank, order = build_bank(list(operational_entries(run).values()))
    responses = _matrix(group, part, answers, order, with_pretest=False)
    results = [attempt.part_results[part] for attempt in group]
    theta = np.array([r.get("theta", np.nan) for r in results], float)
    redo = np.array([r.get("status") != SCORED for r in results])
    if redo.any():
        theta[redo] = wle(responses[redo], bank, THETA_BOUNDS).theta
    lz = lz_star(responses, bank, theta)
    probs = probabilities(np.nan_to_num(theta), bank)
    log_p = np.log(np.maximum(probs, 1e-300))
    expected = np.sum(probs * log_p, axis=2)
    out = {}
    for row, attempt in enumerate(group):
        given = {}
        for j in np.flatnonzero(~np.isnan(responses[row])):
            k = int(responses[row, j])
            given[order[j].item_id] = (k, float(probs[row, j, k]),
                                       bool(log_p[row, j, k] < expected[row, j]))
        out[(attempt.id, part)] = (None if np.isnan(lz[row]) else float(lz[row]), given)
    return out


def _response_times(part: str, attempt_ids: list[int], answers: Answers) -> dict:
    """(attempt id, part) → (p-value of the RT aberrance test, ids of fast answers)."""
    counts: dict[int, int] = defaultdict(int)
    for attempt_id in attempt_ids:
        for item_id, _category, duration, pretest in answers[(attempt_id, part)]:
            counts[item_id] += duration is not None and not pretest
    column = {item_id: j for j, item_id in enumerate(
        sorted(i for i, n in counts.items() if n >= MIN_TIMES))}
    if not column:
        return {}
    log_times = np.full((len(attempt_ids), len(column)), np.nan)
    for row, attempt_id in enumerate(attempt_ids):
        for item_id, _category, duration, pretest in answers[(attempt_id, part)]:
            if duration is not None and not pretest and item_id in column:
                log_times[row, column[item_id]] = np.log(max(duration, MIN_DURATION_MS) / 1000)
    model = fit_lognormal_rt(log_times)
    result = rt_aberrance(log_times, model.beta, model.alpha, level=RT_LEVEL, z_critical=FAST_Z)
    # Fast for this person, or for the average candidate (τ = 0): someone rushing through
    # most of a part sets a fast τ̂ of their own, and their rushed answers would hide.
    typical = rt_residuals(log_times, model.beta, model.alpha, np.zeros(len(attempt_ids)))
    fast = result.fast | (np.nan_to_num(typical) < -FAST_Z)
    items = list(column)
    return {(attempt_id, part): (None if np.isnan(result.p_value[row])
                                 else float(result.p_value[row]),
                                 {items[j] for j in np.flatnonzero(fast[row])})
            for row, attempt_id in enumerate(attempt_ids)}


@dataclass(frozen=True)
class IntegrityReport:
    """Everything the integrity page shows."""

    attempts: list[AttemptFlag]
    n_checked: int
    dif: list  # item_monitoring.DIFContrast
    drift: list  # item_monitoring.ScaleDrift


def integrity_report(min_group: int = MIN_GROUP) -> IntegrityReport:
    """The administrators' integrity report (read-only)."""
    from talentpool.assessment.item_monitoring import item_dif, item_drift

    attempts, checked = aberrant_attempts()
    return IntegrityReport(attempts, checked, item_dif(min_group), item_drift())
