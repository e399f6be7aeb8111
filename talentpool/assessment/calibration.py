"""Calibration of the item bank from real responses, per scale (a track, or ``practical``).

Only the first answer of each person to each item counts: later practice attempts come after
the feedback showed the gold answer. Practice answers and exam answers (operational and
pretest alike) both feed calibration, so pretest exam items become operational from exam
answers. Sparse score categories are merged into their neighbour before the graded-response
model is fitted, and the merge is stored with the parameters. Items are fitted with priors
(log-normal slopes, normal difficulties); an item becomes operational only with enough answers,
finite standard errors, a slope in a sane range and no misfit or low-discrimination flag.
The first activated run of a scale is its base; later runs are linked onto it (see
``scale_linking``) and cannot be activated when linking fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import select, update

from talentpool.assessment.models import (
    ACTIVE, CalibrationRun, ExamAttempt, ExamResponse, Item, ItemParameter,
)
from talentpool.assessment.tracks import SCALES, SCALES_BY_ID
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.psychometrics.item_problems import HELD_OUT_KINDS
from talentpool.psychometrics import OPERATIONAL_PRIORS, calibrate, concatenate_items, \
    dichotomous_items, item_analysis, polytomous_items

MIN_CATEGORY_COUNT = 5
MIN_PERSONS = 20
DIFFICULTY_TAGS = {"easy": -1.0, "medium": 0.0, "hard": 1.0}
# log a ~ N(0, 0.5²) keeps sparse items from running to slopes of 4–6; b ~ N(0, 2²) keeps
# near-degenerate difficulties finite; c ~ beta(5, 17) for 3PL items.
CALIBRATION_PRIORS = OPERATIONAL_PRIORS
OPERATIONAL_SLOPE_RANGE = (0.2, 4.0)


class CalibrationError(Exception):
    """Calibration could not run; the message says what is missing."""


@dataclass(frozen=True)
class BankEntry:
    """Parameters of one item as used for scoring people (calibrated or provisional)."""

    item_id: int
    model: str
    a: float
    b: tuple[float, ...]
    category_map: tuple[int, ...]


def first_responses(scale: str) -> list[tuple[int, int, int]]:
    """(user_id, item_id, category) of each person's first answer to each active item of the
    scale, from practice and exam answers alike."""
    from talentpool.practice.models import Response

    tracks = SCALES_BY_ID[scale].tracks
    practice = db.session.execute(
        select(Response.created_at, Response.user_id, Response.item_id, Response.category)
        .join(Item, Item.id == Response.item_id)
        .where(Item.track.in_(tracks), Item.status == ACTIVE)).all()
    exams = db.session.execute(
        select(ExamResponse.answered_at, ExamAttempt.user_id, ExamResponse.item_id,
               ExamResponse.category)
        .join(ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id)
        .join(Item, Item.id == ExamResponse.item_id)
        .where(Item.track.in_(tracks), Item.status == ACTIVE)).all()
    seen: dict[tuple[int, int], int] = {}
    for _at, user_id, item_id, category in sorted(practice + exams, key=lambda row: row[0]):
        seen.setdefault((user_id, item_id), category)
    return [(user, item, category) for (user, item), category in seen.items()]


def merge_sparse_categories(counts: list[int], minimum: int = MIN_CATEGORY_COUNT) -> list[int]:
    """Map each category to a calibrated category, merging ones seen fewer than ``minimum`` times.

    A sparse category joins its lower neighbour (category 0 joins 1). Returns a list with one
    entry per original category; the result has consecutive values starting at 0.
    """
    groups = [[k] for k in range(len(counts))]
    sizes = list(counts)
    changed = True
    while changed and len(groups) > 1:
        changed = False
        for index in range(len(groups) - 1, -1, -1):
            if sizes[index] < minimum and len(groups) > 1:
                into = index - 1 if index > 0 else 1
                groups[into] = sorted(groups[into] + groups[index])
                sizes[into] += sizes[index]
                del groups[index], sizes[index]
                changed = True
                break
    mapping = [0] * len(counts)
    for new, group in enumerate(groups):
        for old in group:
            mapping[old] = new
    return mapping


def calibrate_track(track: str, trigger: str, min_responses: int | None = None,
                    activate: bool | None = None) -> CalibrationRun:
    """Calibrate every item of the scale ``track`` with enough first answers, link the run
    onto the scale's base and activate it when it converged and linked; one commit."""
    from talentpool.assessment.scale_linking import link_run

    if track not in SCALES_BY_ID:
        raise CalibrationError(f"{track}: no such scale")
    min_responses = min_responses or current_app.config["CALIBRATION_MIN_RESPONSES"]
    answers = first_responses(track)
    items = {i.id: i for i in db.session.scalars(
        select(Item).where(Item.track.in_(SCALES_BY_ID[track].tracks), Item.status == ACTIVE))}
    per_item: dict[int, list[tuple[int, int]]] = {}
    for user, item_id, category in answers:
        per_item.setdefault(item_id, []).append((user, category))
    chosen, maps, excluded = [], {}, []
    for item_id, given in sorted(per_item.items()):
        if len(given) < min_responses:
            continue
        counts = np.bincount([c for _u, c in given], minlength=items[item_id].max_category + 1)
        mapping = merge_sparse_categories(counts.tolist())
        if max(mapping) >= 1:
            chosen.append(item_id)
            maps[item_id] = mapping
        else:
            excluded.append({"item": items[item_id].key, "reason": (
                f"no variance: all {len(given)} first answers are in one score category")})
    persons = sorted({user for item_id in chosen for user, _c in per_item[item_id]})
    if len(chosen) < 2 or len(persons) < MIN_PERSONS:
        raise CalibrationError(
            f"{track}: {len(chosen)} items with at least {min_responses} first answers and "
            f"{len(persons)} persons; calibration needs 2 items and {MIN_PERSONS} persons")
    row_of = {user: r for r, user in enumerate(persons)}
    matrix = np.full((len(persons), len(chosen)), np.nan)
    for column, item_id in enumerate(chosen):
        for user, category in per_item[item_id]:
            matrix[row_of[user], column] = maps[item_id][category]
    n_categories = np.array([max(maps[i]) + 1 for i in chosen])
    models = np.where(n_categories == 2, "2pl", "grm")
    result = calibrate(matrix, models, n_categories=n_categories, priors=CALIBRATION_PRIORS)
    stats = item_analysis(matrix, result.items, n_tests=len(persons))
    run = CalibrationRun(track=track, trigger=trigger, n_persons=len(persons),
                         n_items=len(chosen), n_responses=int((~np.isnan(matrix)).sum()),
                         iterations=result.convergence.iterations,
                         log_likelihood=float(result.convergence.log_likelihood),
                         converged=bool(result.convergence.converged),
                         population_mean=float(result.population_mean),
                         population_sd=float(result.population_sd), excluded=excluded)
    db.session.add(run)
    operational_minimum = current_app.config["CALIBRATION_MIN_RESPONSES"]
    held_out = {p.item: p.detail for p in result.item_problems if p.kind in HELD_OUT_KINDS}
    for column, item_id in enumerate(chosen):
        if column in held_out:  # no parameters at all: listed with the reason instead
            run.excluded = [*run.excluded, {"item": items[item_id].key,
                                            "reason": held_out[column]}]
            continue
        run.parameters.append(_parameter_row(item_id, column, result, stats, maps[item_id],
                                             operational_minimum))
    db.session.flush()
    link_run(run)
    if (activate if activate is not None else run.converged) and run.link_method:
        _activate(run)
    db.session.commit()
    return run


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _parameter_row(item_id, column, result, stats, mapping, minimum) -> ItemParameter:
    items, errors = result.items, result.standard_errors
    used = int(items.n_categories[column]) - 1
    flags = [name for name, array in (("low_discrimination", stats.low_discrimination),
                                      ("misfit", stats.misfit)) if bool(array[column])]
    problem = _operational_problem(column, result, stats, flags, minimum)
    return ItemParameter(
        operational=problem is None, problem=problem,
        item_id=item_id, model=str(items.model[column]), a=float(items.a[column]),
        b=[float(v) for v in items.b[column, :used]], c=float(items.c[column]),
        se_a=_finite(errors.a[column]), se_b=[_finite(v) for v in errors.b[column, :used]],
        category_map=mapping, n_responses=int(stats.n_responses[column]),
        p_value=_finite(stats.p_value[column]), point_biserial=_finite(stats.point_biserial[column]),
        infit=_finite(stats.infit[column]), outfit=_finite(stats.outfit[column]), flags=flags)


def _operational_problem(column, result, stats, flags, minimum) -> str | None:
    """Why an item of the run must stay pretest, or None when it may score people."""
    items, errors = result.items, result.standard_errors
    n = int(stats.n_responses[column])
    degenerate = [f"{p.kind}: {p.detail}" for p in result.item_problems if p.item == column]
    if degenerate:  # calibration_wording says it again in the reader's language
        return "degenerate: " + "; ".join(degenerate)
    if not result.convergence.converged:
        return "the calibration did not converge"
    if n < minimum:
        return f"{n} first answers; operational items need {minimum}"
    low, high = OPERATIONAL_SLOPE_RANGE
    if not low <= float(items.a[column]) <= high:
        return (f"slope {float(items.a[column]):.2f} outside {low}–{high} "
                "(separation or no discrimination)")
    used = int(items.n_categories[column]) - 1
    values = [errors.a[column], *errors.b[column, :used]]
    if not all(np.isfinite(v) for v in values):
        return "a standard error is not finite (the data cannot pin this item down)"
    if flags:
        return "flagged: " + ", ".join(flag.replace("_", " ") for flag in flags)
    return None


def _activate(run: CalibrationRun) -> None:
    db.session.execute(update(CalibrationRun).where(CalibrationRun.track == run.track,
                                                    CalibrationRun.active.is_(True))
                       .values(active=False))
    run.active, run.activated_at = True, utcnow()


def activate_run(public_id: str) -> CalibrationRun:
    """Make a stored run the active one of its track (e.g. to roll back); one commit."""
    run = db.session.scalar(select(CalibrationRun).where(CalibrationRun.public_id == public_id))
    if run is None:
        raise CalibrationError("no such calibration run")
    if not run.link_method:
        raise CalibrationError(f"this run is not linked to the scale's base and cannot be "
                               f"activated: {run.link_problem}")
    db.session.flush()
    _activate(run)
    db.session.commit()
    return run


def active_run(track: str) -> CalibrationRun | None:
    """The run whose parameters score people on the scale ``track``."""
    return db.session.scalar(select(CalibrationRun).where(CalibrationRun.track == track,
                                                          CalibrationRun.active.is_(True)))


def calibrate_all(trigger: str = "job") -> str:
    """Recalibrate every scale that has enough data (the nightly job)."""
    lines = []
    for track in SCALES:
        try:
            run = calibrate_track(track.id, trigger)
        except CalibrationError as error:
            db.session.rollback()
            lines.append(f"skipped {error}")
        else:
            lines.append(f"{track.id}: {run.n_items} items, {run.n_persons} persons, "
                         f"converged={run.converged}, linked={run.link_method or 'no'}, "
                         f"active={run.active}")
    return "; ".join(lines)


def provisional_entry(item: Item) -> BankEntry:
    """Prior parameters for an uncalibrated item: slope 1, difficulty from its easy/medium/hard
    tag (−1 / 0 / +1, else 0), category thresholds spread ±0.75 around it."""
    base = next((DIFFICULTY_TAGS[t] for t in item.tags if t in DIFFICULTY_TAGS), 0.0)
    k = item.max_category
    b = (base,) if k == 1 else tuple(float(v) for v in base + np.linspace(-0.75, 0.75, k))
    return BankEntry(item.id, "2pl" if k == 1 else "grm", 1.0, b, tuple(range(k + 1)))


def calibrated_entries(run: CalibrationRun) -> dict[int, BankEntry]:
    """item_id → parameters of every item in ``run``.

    A run that was ever activated never changes again, so its entries are cached (practice
    scores every answer against them)."""
    if run.activated_at is None:
        return _entries(run.id)
    from talentpool.caching import cached

    return cached("calibrated-entries", run.id, lambda: _entries(run.id), 32)


def operational_entries(run: CalibrationRun) -> dict[int, BankEntry]:
    """item_id → parameters of the run's operational items (those that may score people).

    A run that was ever activated never changes again, so its entries are cached."""
    if run.activated_at is None:
        return _operational_entries(run.id)
    from talentpool.caching import cached

    return cached("operational-entries", run.id, lambda: _operational_entries(run.id), 32)


def _operational_entries(run_id: int) -> dict[int, BankEntry]:
    return _entries(run_id, ItemParameter.operational.is_(True))


def _entries(run_id: int, *where) -> dict[int, BankEntry]:
    rows = db.session.execute(
        select(ItemParameter.item_id, ItemParameter.model, ItemParameter.a, ItemParameter.b,
               ItemParameter.category_map)
        .where(ItemParameter.run_id == run_id, *where)).all()
    return {item_id: BankEntry(item_id, model, a, tuple(b), tuple(category_map))
            for item_id, model, a, b, category_map in rows}


def build_bank(entries: list[BankEntry]):
    """An ``ItemParameters`` bank (same order as ``entries``) for the pure core."""
    dichotomous = [e for e in entries if len(e.b) == 1]
    polytomous = [e for e in entries if len(e.b) > 1]
    banks, order = [], []
    if dichotomous:
        banks.append(dichotomous_items(np.array([e.a for e in dichotomous]),
                                       np.array([e.b[0] for e in dichotomous])))
        order += dichotomous
    if polytomous:
        width = max(len(e.b) for e in polytomous)
        b = np.full((len(polytomous), width), np.nan)
        for row, entry in enumerate(polytomous):
            b[row, :len(entry.b)] = entry.b
        banks.append(polytomous_items(np.array([e.a for e in polytomous]), b, "grm"))
        order += polytomous
    return concatenate_items(*banks), order
