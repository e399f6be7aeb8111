"""Keeping each scale fixed: link every new calibration run onto the scale's base.

A scale's first run to be activated is its base: its metric (θ ~ N(0, 1) over that run's
calibration sample) is the reporting metric from then on, and the cut scores of the standard
setting are θs on it. Every later run is calibrated freely and then linked onto the active run
(which is on the base metric) by the Stocking–Lord characteristic-curve method over the items
the two runs share and the active run uses operationally. Anchors whose curves moved by more
than ``DRIFT_THRESHOLD`` are dropped one by one and flagged; a run left with fewer than
``MIN_ANCHORS`` anchors is not linked and can never be activated. The run's parameters are
stored already transformed (a/A, A·b + B), with the constants and anchors kept on the run.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import select

from talentpool.assessment.calibration import build_bank, operational_entries, BankEntry
from talentpool.assessment.models import CalibrationRun, Item
from talentpool.extensions import db
from talentpool.psychometrics.linking import link_with_drift_screening

MIN_ANCHORS = 5
DRIFT_THRESHOLD = 0.1
METHOD = "stocking-lord"


def base_exists(scale: str, excluding: int) -> CalibrationRun | None:
    """The active run of the scale other than ``excluding`` (already on the base metric)."""
    return db.session.scalar(select(CalibrationRun).where(
        CalibrationRun.track == scale, CalibrationRun.active.is_(True),
        CalibrationRun.id != excluding))


def link_run(run: CalibrationRun) -> None:
    """Set the run's linking fields and transform its parameters onto the base metric."""
    reference = base_exists(run.track, run.id)
    if reference is None:
        ever_active = db.session.scalar(select(CalibrationRun.id).where(
            CalibrationRun.track == run.track, CalibrationRun.activated_at.is_not(None),
            CalibrationRun.id != run.id).limit(1))
        if ever_active is None:
            run.link_method, run.link_a, run.link_b = "base", 1.0, 0.0
            return
        run.link_method = None
        run.link_problem = "the scale has no active run to link to; activate one first"
        return
    base = operational_entries(reference)
    new = {p.item_id: p for p in run.parameters}
    common = [i for i in sorted(base) if i in new and new[i].model == base[i].model
              and len(new[i].b) == len(base[i].b)
              and list(new[i].category_map) == list(base[i].category_map)]
    run.linked_to_run_id = reference.id
    if len(common) < MIN_ANCHORS:
        run.link_method = None
        run.link_problem = (f"only {len(common)} items in common with the active run; linking "
                            f"needs at least {MIN_ANCHORS} anchors")
        return
    new_bank, new_order = build_bank([_entry(new[i]) for i in common])
    base_bank, base_order = build_bank([base[i] for i in common])
    assert [e.item_id for e in new_order] == [e.item_id for e in base_order]
    try:
        result = link_with_drift_screening(
            new_bank, base_bank, threshold=DRIFT_THRESHOLD, min_anchors=MIN_ANCHORS,
            mean=reference.population_mean, sd=reference.population_sd)
    except ValueError as error:
        run.link_method, run.link_problem = None, str(error)
        return
    ids = [e.item_id for e in new_order]
    keys = dict(db.session.execute(select(Item.id, Item.key).where(Item.id.in_(ids))).all())
    run.link_method, run.link_a, run.link_b = METHOD, float(result.A), float(result.B)
    run.anchors = [ids[j] for j in np.flatnonzero(result.anchors_used)]
    run.dropped_anchors = [{"item": keys[ids[j]], "item_id": ids[j],
                            "drift": round(float(result.displacement[j]), 3)}
                           for j in result.dropped]
    _transform(run, result.A, result.B)
    for dropped in run.dropped_anchors:
        parameter = new[dropped["item_id"]]
        parameter.flags = [*parameter.flags, "drift"]
        parameter.operational = False
        parameter.problem = (f"drifted since the active run (curve displacement "
                             f"{dropped['drift']} > {DRIFT_THRESHOLD}); review before use")


def _entry(parameter) -> BankEntry:
    return BankEntry(parameter.item_id, parameter.model, parameter.a, tuple(parameter.b),
                     tuple(parameter.category_map))


def _transform(run: CalibrationRun, A: float, B: float) -> None:
    """θ_base = A·θ_run + B: a* = a/A, b* = A·b + B, SE(a*) = SE(a)/A, SE(b*) = A·SE(b)."""
    for p in run.parameters:
        p.a = p.a / A
        p.b = [A * v + B for v in p.b]
        p.se_a = None if p.se_a is None else p.se_a / A
        p.se_b = [None if v is None else A * v for v in p.se_b]
    run.population_mean = A * run.population_mean + B
    run.population_sd = A * run.population_sd
