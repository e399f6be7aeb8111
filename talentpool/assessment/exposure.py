"""Item exposure per level and part over a rolling window (SECURITY.md row 9).

An item's exposure rate at a level and part is the share of that part's administrations in
the window (one per attempt that reached the part) in which the item was shown. Each showing is
one inserted ``ItemAdministration`` row, never an update, so concurrent workers cannot lose a
count, and the rates of a whole pool come from one grouped query.

That query grows with the window's history, so each web process keeps the counts of a level
and part for ``EXPOSURE_REFRESH_SECONDS`` (default 30) and adds its own showings to them as it
records them: a process never under-counts what it gave itself, and sees the other processes'
showings at the next refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from flask import current_app
from sqlalchemy import distinct, func, select

from talentpool.assessment.models import ItemAdministration
from talentpool.caching import forget, peek
from talentpool.extensions import db

EXPOSURE_CAP = 0.25
DEFAULT_WINDOW_DAYS = 365
DEFAULT_REFRESH_SECONDS = 30
CACHE = "exposure"


@dataclass
class Exposure:
    """Showings per item id and the number of part administrations in the window, as counted
    at ``as_of`` plus this process's own showings since."""

    counts: dict[int, int]
    administrations: int
    as_of: datetime | None = None

    def rate(self, item_id: int) -> float:
        return self.counts.get(item_id, 0) / self.administrations if self.administrations else 0.0

    def counts_for(self, item_ids: np.ndarray) -> np.ndarray:
        """Showings of each of ``item_ids``, as floats."""
        get = self.counts.get
        return np.fromiter((get(int(i), 0) for i in item_ids), float, len(item_ids))


def window_start(now: datetime) -> datetime:
    days = int(current_app.config.get("EXPOSURE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))
    return now - timedelta(days=days)


def exposure(level: int, part: str, now: datetime) -> Exposure:
    """Showings per item of ``level``'s ``part`` in the window (one query, then cached)."""
    refresh = timedelta(seconds=int(current_app.config.get("EXPOSURE_REFRESH_SECONDS",
                                                           DEFAULT_REFRESH_SECONDS)))
    known = peek(CACHE, (level, part))
    if known is not None and abs(now - known.as_of) <= refresh:
        return known
    fresh = _count(level, part, now)
    from talentpool.caching import cached

    forget(CACHE, (level, part))
    return cached(CACHE, (level, part), lambda: fresh, 64)


def _count(level: int, part: str, now: datetime) -> Exposure:
    in_window = (ItemAdministration.level == level, ItemAdministration.part == part,
                 ItemAdministration.administered_at >= window_start(now))
    total = (select(func.count(distinct(ItemAdministration.attempt_id))).where(*in_window)
             .scalar_subquery())
    rows = db.session.execute(
        select(ItemAdministration.item_id, func.count(), total).where(*in_window)
        .group_by(ItemAdministration.item_id)).all()
    return Exposure({item_id: n for item_id, n, _total in rows},
                    rows[0][2] if rows else 0, now)


def record(attempt_id: int, level: int, part: str, item_id: int, now: datetime,
           first_in_part: bool) -> None:
    """Count one showing (an insert: no read-modify-write race between workers)."""
    db.session.add(ItemAdministration(attempt_id=attempt_id, item_id=item_id, level=level,
                                      part=part, administered_at=now))
    known = peek(CACHE, (level, part))
    if known is not None:
        known.counts[item_id] = known.counts.get(item_id, 0) + 1
        known.administrations += first_in_part


def shown_in_attempt(attempt_id: int, part: str) -> list[int]:
    """Item ids shown in one attempt's part, in order."""
    return list(db.session.scalars(
        select(ItemAdministration.item_id).where(ItemAdministration.attempt_id == attempt_id,
                                                 ItemAdministration.part == part)
        .order_by(ItemAdministration.id)))


def overall_rates(item_ids: list[int], now: datetime) -> dict[int, float]:
    """The highest exposure rate of each item over every level and part (for the bank page)."""
    in_window = ItemAdministration.administered_at >= window_start(now)
    totals = dict(((level, part), n) for level, part, n in db.session.execute(
        select(ItemAdministration.level, ItemAdministration.part,
               func.count(distinct(ItemAdministration.attempt_id))).where(in_window)
        .group_by(ItemAdministration.level, ItemAdministration.part)))
    rates: dict[int, float] = {}
    for item_id, level, part, n in db.session.execute(
            select(ItemAdministration.item_id, ItemAdministration.level, ItemAdministration.part,
                   func.count()).where(in_window, ItemAdministration.item_id.in_(item_ids))
            .group_by(ItemAdministration.item_id, ItemAdministration.level,
                      ItemAdministration.part)):
        rates[item_id] = max(rates.get(item_id, 0.0), n / totals[(level, part)])
    return rates


def administrations_in_window(now: datetime) -> int:
    """Part administrations of any level in the window (to tell whether rates mean much yet)."""
    return db.session.scalar(select(func.count(distinct(ItemAdministration.attempt_id)))
                             .where(ItemAdministration.administered_at >= window_start(now))) or 0
