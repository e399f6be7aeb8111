"""Integrity monitoring for administrators: person fit, response times, DIF and item drift.

Reports only: a flag never changes a score or a decision by itself. Only graded attempts count
(passed, failed, awaiting panel), never the simulated field-test ones. Nothing here writes.

* **Person fit**: lz* of a part's operational answers at θ̂ under the run that decided the part
  (θ̂ is recomputed from the answers given where unanswered items were scored 0, since lz*
  needs the estimate of the same responses). Flag: lz* < −1.645.
* **Response times**: the lognormal model on log seconds, fitted per level and part on every
  graded attempt's operational answers (items with fewer than ``MIN_TIMES`` times left out).
  Flag: p < 0.01; answers with z < −1.96 are listed as unusually fast.
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
from talentpool.assessment.calibration import (
    active_run, build_bank, calibrated_entries, operational_entries,
)
from talentpool.assessment.exam_bank import PART_SCALES, mapped_category
from talentpool.assessment.grading import SCORED, THETA_BOUNDS
from talentpool.assessment.models import CalibrationRun, ExamAttempt, ExamResponse, Item
from talentpool.extensions import db
from talentpool.psychometrics import probabilities
from talentpool.psychometrics.decisions import wle
from talentpool.psychometrics.dif import ability_strata, mantel_haenszel_dif
from talentpool.psychometrics.fit import fit_lognormal_rt, lz_star, rt_aberrance

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


def _graded() -> tuple[list[ExamAttempt], dict[Key, list[tuple[int, int, int | None, bool]]]]:
    """Graded attempts and their answers per (attempt id, part) in order: (item id, stored
    category, duration in ms, pretest)."""
    graded = ExamAttempt.state.in_(GRADED)
    answers: dict[Key, list[tuple[int, int, int | None, bool]]] = defaultdict(list)
    for attempt_id, part, *answer in db.session.execute(
            select(ExamResponse.attempt_id, ExamResponse.part, ExamResponse.item_id,
                   ExamResponse.category, ExamResponse.duration_ms, ExamResponse.pretest)
            .join(ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id).where(graded)
            .order_by(ExamResponse.position)):
        answers[(attempt_id, part)].append(tuple(answer))
    return list(db.session.scalars(select(ExamAttempt).where(graded)
                                   .order_by(ExamAttempt.id))), answers


def _matrix(attempts: list[ExamAttempt], part: str, answers, order,
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
            fit.update(_person_fit(db.session.get(CalibrationRun, run_id), part, group, answers))
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


def _person_fit(run: CalibrationRun, part: str, group: list[ExamAttempt], answers) -> dict:
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


def _response_times(part: str, attempt_ids: list[int], answers) -> dict:
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
        for item_id, _category, duration, _pretest in answers[(attempt_id, part)]:
            if duration is not None and item_id in column:
                log_times[row, column[item_id]] = np.log(max(duration, MIN_DURATION_MS) / 1000)
    model = fit_lognormal_rt(log_times)
    result = rt_aberrance(log_times, model.beta, model.alpha, level=RT_LEVEL, z_critical=FAST_Z)
    items = list(column)
    return {(attempt_id, part): (None if np.isnan(result.p_value[row])
                                 else float(result.p_value[row]),
                                 {items[j] for j in result.fast_items(row)})
            for row, attempt_id in enumerate(attempt_ids)}


@dataclass(frozen=True)
class ItemDIF:
    """DIF of one item in one contrast; ``category`` is "" when there is not enough data.
    ``effect`` is MH D-DIF (right/wrong) or SMD (partial credit); < 0 favours the reference."""

    item_key: str
    operational: bool
    method: str
    category: str
    effect: float | None
    effect_size: float | None  # SMD / SD of the item score
    se: float | None
    n_reference: int
    n_focal: int
    favours: str


@dataclass(frozen=True)
class DIFContrast:
    """One contrast on one scale: ``kind`` "language" (focal: English interface) or
    "institution" (focal: the cohort members of the institution named ``focal``)."""

    scale: str
    kind: str
    focal: str
    n_focal: int
    n_reference: int
    items: tuple[ItemDIF, ...]


def item_dif(min_group: int = MIN_GROUP) -> list[DIFContrast]:
    """DIF per item of each exam scale's active run, per group contrast (module docstring)."""
    attempts, answers = _graded()
    keys = dict(db.session.execute(select(Item.id, Item.key)).all())
    contrasts = []
    for part, scale in PART_SCALES.items():
        run = active_run(scale)
        if run is None:
            continue
        bank, order = build_bank(list(calibrated_entries(run).values()))
        sat = [a for a in attempts if answers.get((a.id, part))
               and (a.part_results or {}).get(part, {}).get("theta") is not None]
        if not sat:
            continue
        responses = _matrix(sat, part, answers, order, with_pretest=True)
        strata = ability_strata(np.array([a.part_results[part]["theta"] for a in sat]),
                                N_STRATA)
        operational = set(operational_entries(run))
        for kind, name, focal in _groups([a.user_id for a in sat]):
            result = mantel_haenszel_dif(responses, focal, matching=strata,
                                         n_categories=bank.n_categories)
            items = tuple(_item_row(result, j, keys[e.item_id], e.item_id in operational,
                                    min_group) for j, e in enumerate(order))
            contrasts.append(DIFContrast(scale, kind, name, int(focal.sum()),
                                         int((~focal).sum()), items))
    return contrasts


def _item_row(result, j: int, key: str, operational: bool, min_group: int) -> ItemDIF:
    """One item's row; fewer than ``min_group`` answers in a group is "not enough data"."""
    category, favours = str(result.category[j]), str(result.favours[j])
    effect, se = (result.delta[j], result.delta_se[j]) if result.method[j] == "MH" \
        else (result.smd[j], result.smd_se[j])
    if result.method[j] == "MH" and not category and np.isfinite(result.p_value[j]):
        # α_MH is 0 or ∞: one group was never right where the other was wrong. D is infinite,
        # so the class rests on the χ² test alone; the sign comes from STD P-DIF.
        favours = "reference" if result.smd[j] < 0 else "focal"
        effect = -np.inf if favours == "reference" else np.inf
        category = "C" if result.p_value[j] < 0.05 else "A"
    if min(result.n_focal[j], result.n_reference[j]) < min_group:
        category = ""
    return ItemDIF(key, operational, str(result.method[j]), category,
                   None if np.isnan(effect) else float(effect), _finite(result.effect_size[j]),
                   _finite(se), int(result.n_reference[j]), int(result.n_focal[j]), favours)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _groups(user_ids: list[int]) -> list[tuple[str, str, np.ndarray]]:
    """(kind, focal group, focal flag per attempt): English interface (the rest use the
    default, Chinese), then each institution whose joined cohort members sat."""
    from talentpool.cohorts.models import Cohort, Enrolment, Institution  # builds on assessment

    english = set(db.session.scalars(select(User.id).where(
        User.id.in_(set(user_ids)), User.locale == "en")))
    groups = [("language", "en", np.array([u in english for u in user_ids]))]
    members: dict[str, set[int]] = defaultdict(set)
    for name, user_id in db.session.execute(
            select(Institution.name, Enrolment.user_id)
            .join(Cohort, Cohort.institution_id == Institution.id)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.user_id.in_(set(user_ids)))):
        members[name].add(user_id)
    return groups + [("institution", name, np.array([u in members[name] for u in user_ids]))
                     for name in sorted(members)]


@dataclass(frozen=True)
class ItemShift:
    """An item common to the active and the previous linked run, both on the base metric."""

    item_key: str
    a_previous: float
    a_active: float
    b_previous: float
    b_active: float
    drift_flag: bool

    @property
    def delta_b(self) -> float:
        return self.b_active - self.b_previous

    @property
    def flagged(self) -> bool:
        return abs(self.delta_b) > DRIFT_DELTA_B or self.drift_flag


@dataclass(frozen=True)
class ScaleDrift:
    """Runs of one scale (newest first) and the item shifts since the previous linked run."""

    scale: str
    runs: tuple[CalibrationRun, ...]  # each with ``dropped_anchors``: [{item, item_id, drift}]
    previous: CalibrationRun | None
    shifts: tuple[ItemShift, ...]


def item_drift() -> list[ScaleDrift]:
    """Per exam scale: its runs, and Δa, Δb of the items common to the active run and the
    previous linked run, flagged items first, then by |Δb|."""
    report = []
    keys = dict(db.session.execute(select(Item.id, Item.key)).all())
    for scale in dict.fromkeys(PART_SCALES.values()):
        runs = list(db.session.scalars(select(CalibrationRun).where(
            CalibrationRun.track == scale).order_by(CalibrationRun.id.desc())))
        active = next((r for r in runs if r.active), None)
        previous = next((r for r in runs if active and r.id < active.id and r.link_method), None)
        shifts = []
        if active and previous:
            before = {p.item_id: p for p in previous.parameters}
            shifts = sorted((ItemShift(keys[p.item_id], before[p.item_id].a, p.a,
                                       float(np.mean(before[p.item_id].b)), float(np.mean(p.b)),
                                       "drift" in (p.flags or []))
                             for p in active.parameters if p.item_id in before),
                            key=lambda s: (not s.flagged, -abs(s.delta_b)))
        report.append(ScaleDrift(scale, tuple(runs), previous, tuple(shifts)))
    return report


@dataclass(frozen=True)
class IntegrityReport:
    """Everything the integrity page shows."""

    attempts: list[AttemptFlag]
    n_checked: int
    dif: list[DIFContrast]
    drift: list[ScaleDrift]


def integrity_report(min_group: int = MIN_GROUP) -> IntegrityReport:
    """The administrators' integrity report (read-only)."""
    attempts, checked = aberrant_attempts()
    return IntegrityReport(attempts, checked, item_dif(min_group), item_drift())
