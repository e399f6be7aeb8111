"""Item monitoring for administrators: DIF per item and item drift between runs.

Reports only; nothing here writes. Graded attempts only (see ``integrity``).

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

import numpy as np
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.calibration import (
    active_run, build_bank, calibrated_entries, operational_entries,
)
from talentpool.assessment.pools import PART_SCALES
from talentpool.assessment.integrity import (
    DRIFT_DELTA_B, MIN_GROUP, N_STRATA, _graded, _matrix,
)
from talentpool.assessment.models import EXAM, CalibrationRun, Item
from talentpool.extensions import db
from talentpool.psychometrics.dif import ability_strata, mantel_haenszel_dif


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
    keys = dict(db.session.execute(select(Item.id, Item.key).where(Item.use == EXAM)).all())
    contrasts = []
    for part, scale in PART_SCALES.items():
        run = active_run(scale)
        entries = [e for i, e in calibrated_entries(run).items() if i in keys] if run else []
        sat = [a for a in attempts if answers.get((a.id, part))
               and (a.part_results or {}).get(part, {}).get("theta") is not None]
        if not entries or not sat:
            continue
        bank, order = build_bank(entries)
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
