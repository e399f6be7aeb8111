"""Item-bank overview for administrators: items, their statistics, runs, information."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from talentpool.assessment.calibration import active_run, build_bank, calibrated_entries
from talentpool.assessment.models import (
    ACTIVE, RETIRED, CalibrationRun, ExamAttempt, Item, ItemExposure, ItemParameter,
)
from talentpool.extensions import db
from talentpool.psychometrics import test_information

THETA_GRID = np.linspace(-4, 4, 81)


class BankError(Exception):
    """An item-bank action was refused; the message says why."""


@dataclass(frozen=True)
class TrackSummary:
    track: str
    active_items: int
    retired_items: int
    calibrated_items: int
    run: CalibrationRun | None


MAX_EXPOSURE = 0.25
MIN_TESTS_FOR_EXPOSURE_FLAG = 20


@dataclass(frozen=True)
class ItemRow:
    item: Item
    responses: int
    parameter: ItemParameter | None
    exposure: float | None = None

    @property
    def over_exposed(self) -> bool:
        """Shown in more than a quarter of the exams (once there are enough exams to tell)."""
        return self.exposure is not None and self.exposure > MAX_EXPOSURE

    @property
    def stage(self) -> str:
        """'operational' once calibrated in the active run, else 'pretest' (or 'retired')."""
        if self.item.status == RETIRED:
            return "retired"
        return "operational" if self.parameter is not None else "pretest"


def summaries(tracks) -> list[TrackSummary]:
    """Counts and the active run per track."""
    counts = dict(((t, s), n) for t, s, n in db.session.execute(
        select(Item.track, Item.status, func.count()).group_by(Item.track, Item.status)))
    result = []
    for track in tracks:
        run = active_run(track.id)
        result.append(TrackSummary(track.id, counts.get((track.id, ACTIVE), 0),
                                   counts.get((track.id, RETIRED), 0),
                                   len(run.parameters) if run else 0, run))
    return result


def item_rows(track: str) -> list[ItemRow]:
    """Every item of the track with its answer count and active-run parameters."""
    from talentpool.practice.models import Response

    run = active_run(track)
    parameters = {p.item_id: p for p in run.parameters} if run else {}
    responses = dict(db.session.execute(
        select(Response.item_id, func.count()).where(Response.track == track)
        .group_by(Response.item_id)).all())
    items = list(db.session.scalars(select(Item).where(Item.track == track)
                                    .order_by(Item.status, Item.key)))
    tests = db.session.scalar(select(func.count()).select_from(ExamAttempt)) or 0
    administered = dict(db.session.execute(
        select(ItemExposure.item_id, ItemExposure.administered)
        .where(ItemExposure.item_id.in_([i.id for i in items]))).all())
    return [ItemRow(item, responses.get(item.id, 0), parameters.get(item.id),
                    administered.get(item.id, 0) / tests
                    if tests >= MIN_TESTS_FOR_EXPOSURE_FLAG else None) for item in items]


def information_curve(track: str) -> tuple[np.ndarray, np.ndarray] | None:
    """θ grid and the test information of the operational items of the active run."""
    run = active_run(track)
    if run is None:
        return None
    entries = [e for e in calibrated_entries(run).values()]
    operational = {i for (i,) in db.session.execute(
        select(Item.id).where(Item.id.in_([e.item_id for e in entries]), Item.status == ACTIVE))}
    entries = [e for e in entries if e.item_id in operational]
    if not entries:
        return None
    bank, _order = build_bank(entries)
    return THETA_GRID, np.asarray(test_information(THETA_GRID, bank)).ravel()


def set_item_status(public_id: str, status: str) -> Item:
    """Retire an item (or bring it back); its responses stay linked. One commit."""
    if status not in (ACTIVE, RETIRED):
        raise BankError("unknown status")
    item = db.session.scalar(select(Item).where(Item.public_id == public_id))
    if item is None:
        raise BankError("no such item")
    item.status = status
    db.session.commit()
    return item


def runs(track: str) -> list[CalibrationRun]:
    """Calibration runs of a track, newest first."""
    return list(db.session.scalars(select(CalibrationRun).where(CalibrationRun.track == track)
                                   .order_by(CalibrationRun.id.desc())))


def compare(run_a: CalibrationRun, run_b: CalibrationRun) -> list[dict]:
    """Per shared item: slope and first-threshold of both runs and their differences."""
    a = {p.item_id: p for p in run_a.parameters}
    b = {p.item_id: p for p in run_b.parameters}
    rows = []
    for item_id in sorted(set(a) & set(b)):
        rows.append({"item": a[item_id].item, "a1": a[item_id].a, "a2": b[item_id].a,
                     "b1": a[item_id].b[0], "b2": b[item_id].b[0],
                     "da": b[item_id].a - a[item_id].a, "db": b[item_id].b[0] - a[item_id].b[0]})
    return rows
