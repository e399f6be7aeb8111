"""Item-bank overview for administrators: items, their statistics, runs, information."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.assessment.calibration import active_run, build_bank, calibrated_entries
from talentpool.assessment import exposure
from talentpool.assessment.models import (
    ACTIVE, DRAFT, PRACTICE, RETIRED, CalibrationRun, Item, ItemParameter,
)
from talentpool.database import utcnow
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
    calibrated_items: int  # operational in the active run, and live
    run: CalibrationRun | None
    draft_items: int = 0


MAX_EXPOSURE = exposure.EXPOSURE_CAP
MIN_TESTS_FOR_EXPOSURE_FLAG = 20


@dataclass(frozen=True)
class ItemRow:
    item: Item
    responses: int
    parameter: ItemParameter | None
    exposure: float | None = None

    @property
    def over_exposed(self) -> bool:
        """Shown in more than a quarter of a level's part administrations in the window (once
        there are enough exams to tell)."""
        return self.exposure is not None and self.exposure > MAX_EXPOSURE

    @property
    def stage(self) -> str:
        """'operational' once calibrated and passed the checks in the active run, else
        'pretest' (or 'retired', or 'draft' while it waits for review)."""
        if self.item.status in (RETIRED, DRAFT):
            return self.item.status
        return "operational" if self.parameter is not None and self.parameter.operational \
            else "pretest"


def summaries(scales) -> list[TrackSummary]:
    """Counts and the active run per scale."""
    counts = dict(((t, s), n) for t, s, n in db.session.execute(
        select(Item.track, Item.status, func.count()).group_by(Item.track, Item.status)))
    result = []
    for scale in scales:
        run = active_run(scale.id)
        result.append(TrackSummary(
            scale.id, sum(counts.get((t, ACTIVE), 0) for t in scale.tracks),
            sum(counts.get((t, RETIRED), 0) for t in scale.tracks),
            _operational_live(run) if run else 0, run,
            sum(counts.get((t, DRAFT), 0) for t in scale.tracks)))
    return result


def _operational_live(run: CalibrationRun) -> int:
    """Operational items of the run that are live (drafts and retired items never count)."""
    return db.session.scalar(select(func.count(ItemParameter.id))
                             .join(Item, Item.id == ItemParameter.item_id)
                             .where(ItemParameter.run_id == run.id, ItemParameter.operational,
                                    Item.status == ACTIVE))


def item_rows(scale: str) -> list[ItemRow]:
    """Every item of the scale with its first-answer count (practice and exams) and its
    active-run parameters."""
    from talentpool.assessment.calibration import first_responses
    from talentpool.assessment.tracks import SCALES_BY_ID

    run = active_run(scale)
    parameters = {p.item_id: p for p in run.parameters} if run else {}
    responses: dict[int, int] = {}
    for _user, item_id, _category in first_responses(scale):
        responses[item_id] = responses.get(item_id, 0) + 1
    items = list(db.session.scalars(select(Item).where(
        Item.track.in_(SCALES_BY_ID[scale].tracks)).order_by(Item.status, Item.key)))
    now = utcnow()
    enough = exposure.administrations_in_window(now) >= MIN_TESTS_FOR_EXPOSURE_FLAG
    rates = exposure.overall_rates([i.id for i in items], now) if enough else {}
    return [ItemRow(item, responses.get(item.id, 0), parameters.get(item.id),
                    rates.get(item.id, 0.0) if enough else None) for item in items]


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


def information_chart(track: str, label: str):
    """The test information curve of the track as a ``charts.Chart`` named ``label`` (its table
    at every half θ), or None without an active calibration."""
    from talentpool import charts

    curve = information_curve(track)
    if curve is None:
        return None
    theta, information = curve
    svg = charts.line_chart(theta, {_("Test information"): information}, label=label,
                            x_label=_("Ability θ"), y_label=_("Information"))
    rows = tuple((f"{round(t, 1) + 0.0:.1f}", f"{i:.2f}") for t, i in zip(theta, information)
                 if abs(2 * t - round(2 * t)) < 1e-9)
    return charts.Chart(svg, label, (_("Ability θ"), _("Information")), rows)


def set_item_status(public_id: str, status: str) -> Item:
    """Retire an item, or bring a retired one back; its responses stay linked. One commit.

    A retired item comes back live only if its content was approved; otherwise it comes back
    as a draft waiting for review. A draft never goes live here (``drafts.review`` does)."""
    from talentpool.assessment.drafts import content_of, is_approved

    if status not in (ACTIVE, RETIRED):
        raise BankError("unknown status")
    item = db.session.scalar(select(Item).where(Item.public_id == public_id))
    if item is None:
        raise BankError("no such item")
    if status == RETIRED:
        item.status = RETIRED
    elif item.status == RETIRED:
        item.status = ACTIVE if is_approved(item.id, item.content_hash) else DRAFT
        # a draft keeps the live content it was compared with before it was retired
        item.previous_content = (item.previous_content or content_of(item)) \
            if item.status == DRAFT else None
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


SEARCH_LIMIT = 200


def pack_tracks():
    """Every track an item can belong to (practice tracks and written work)."""
    from talentpool.assessment.tracks import PACK_TRACKS_BY_ID

    return PACK_TRACKS_BY_ID


def search(words: str, track: str, use: str, status: str, element: str
           ) -> tuple[list[Item], int]:
    """Items whose id (key) or prompt, in either language, contains ``words`` (case-blind),
    filtered by track, use, status and element code (a code or its sub-codes); the first
    SEARCH_LIMIT by id, and how many match. Words are matched in Python: a bank holds
    thousands of items, and JSON text is stored escaped on SQLite."""
    query = select(Item)
    if track:
        query = query.where(Item.track == track)
    if use in ("practice", "exam"):
        query = query.where(Item.use == use)
    if status in (ACTIVE, DRAFT, RETIRED):
        query = query.where(Item.status == status)
    if element:
        code = element.strip()[:20]
        query = query.where((Item.element == code) | Item.element.like(f"{code}.%"))
    found = list(db.session.scalars(query.order_by(Item.id)))
    words = (words or "").strip().casefold()[:100]
    if words:
        found = [item for item in found if words in item.key.casefold() or any(
            words in str(text).casefold() for text in (item.prompt or {}).values())]
    return found[:SEARCH_LIMIT], len(found)


def item_by_public_id(public_id: str) -> Item | None:
    return db.session.scalar(select(Item).where(Item.public_id == public_id))


def practice_item_counts() -> dict[str, int]:
    """Active practice items per track: the most a training plan can ask a trainee to answer."""
    return dict(db.session.execute(select(Item.track, func.count()).where(
        Item.status == ACTIVE, Item.use == PRACTICE).group_by(Item.track)).all())
