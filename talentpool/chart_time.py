"""Time axes of the charts: where the ticks go, and their labels in the reader's language.

The unit follows the span of the data: times of day when everything happened on one day
(or within twelve hours across midnight, which is then labelled with its day), days up to
twelve weeks, months up to six years, years beyond. A tick is never labelled
with seconds, every label of an axis is different, and labels come from Flask-Babel with
CLDR date patterns (``12月1日`` / ``1 Dec``, ``2026年12月`` / ``Dec 2026``), never from
``strftime`` month names. Positions are naive local times: ``local`` turns a stored UTC
time into the reader's time zone first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_skeleton
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone

TIME, DAY, MONTH, YEAR = "time", "day", "month", "year"
MINUTE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720)
DAY_STEPS = (1, 2, 3, 7, 14)
MONTH_STEPS = (1, 2, 3, 6)
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)
NOON = time(12)
SHORT_SPAN = timedelta(hours=12)  # shorter spans across midnight are still times of day

# Date patterns per language; a language without an entry gets the CLDR skeleton's pattern.
PATTERNS = {
    "zh": {"day": "M月d日", "day_year": "y年M月d日", "month": "y年M月", "year": "y年"},
    "en": {"day": "d MMM", "day_year": "d MMM y", "month": "MMM y", "year": "y"},
}
SKELETONS = {"day": "MMMd", "day_year": "yMMMd", "month": "yMMM", "year": "y"}


@dataclass(frozen=True)
class TimeAxis:
    """The ticks of a time axis and the range it shows (naive local times)."""

    unit: str  # TIME, DAY, MONTH or YEAR
    ticks: tuple[datetime, ...]
    start: datetime
    end: datetime


def local(moment: datetime) -> datetime:
    """A stored (naive UTC) time in the reader's time zone, naive."""
    return to_user_timezone(moment).replace(tzinfo=None)


def _month_start(index: int) -> datetime:
    """The first of the month ``index`` = year × 12 + month − 1."""
    return datetime(index // 12, index % 12 + 1, 1)


def _time_ticks(first: datetime, last: datetime, max_ticks: int) -> TimeAxis:
    pad = max((last - first) / 20, timedelta(minutes=5))
    start, end = first - pad, last + pad
    midnight = datetime.combine(start.date(), time.min)
    for step in MINUTE_STEPS:
        size = timedelta(minutes=step)
        tick = midnight + size * -(-(start - midnight) // size)  # the first multiple ≥ start
        ticks = []
        while tick <= end:
            ticks.append(tick)
            tick += size
        if len(ticks) <= max_ticks:
            break
    return TimeAxis(TIME, tuple(ticks), start, end)


def _day_ticks(first: datetime, last: datetime, max_ticks: int) -> TimeAxis:
    days = (last.date() - first.date()).days + 1
    step = next(s for s in DAY_STEPS if -(-days // s) <= max_ticks)
    ticks = tuple(datetime.combine(first.date() + timedelta(days=n), NOON)
                  for n in range(0, days, step))
    return TimeAxis(DAY, ticks, datetime.combine(first.date(), time.min),
                    datetime.combine(last.date() + timedelta(days=1), time.min))


def _calendar_ticks(first: datetime, last: datetime, max_ticks: int) -> TimeAxis:
    pad = (last - first) / 40
    start, end = first - pad, last + pad
    first_month = start.year * 12 + start.month - 1
    if _month_start(first_month) < start:
        first_month += 1
    for unit, months in [(MONTH, s) for s in MONTH_STEPS] + [(YEAR, 12 * s) for s in YEAR_STEPS]:
        index = first_month + -first_month % months  # January, April, … for three months
        ticks = []
        while (tick := _month_start(index)) <= end:
            ticks.append(tick)
            index += months
        if len(ticks) <= max_ticks:
            return TimeAxis(unit, tuple(ticks), start, end)
    raise ValueError("a span of more than 600 years has no sensible ticks")


def time_axis(first: datetime, last: datetime, *, max_ticks: int = 6,
              finest: str = TIME) -> TimeAxis:
    """Ticks for data from ``first`` to ``last`` (local times): times of day when both fall
    on one day or less than 12 hours apart (unless ``finest`` is DAY), days up to 12 weeks,
    then months, then years.

    At most ``max_ticks`` ticks (at least 5): steps of 1, 2, 5 … minutes, 1, 2, 3, 7 or 14
    days at noon (the middle of the day the tick names), 1, 2, 3 or 6 months, or years.
    """
    if max_ticks < 5:
        raise ValueError("max_ticks must be at least 5")
    first, last = min(first, last), max(first, last)
    if finest == TIME and (first.date() == last.date() or last - first < SHORT_SPAN):
        return _time_ticks(first, last, max_ticks)
    if (last.date() - first.date()).days + 1 <= DAY_STEPS[-1] * max_ticks:
        return _day_ticks(first, last, max_ticks)
    return _calendar_ticks(first, last, max_ticks)


def format_day(day: date, kind: str) -> str:
    """``day`` as a ``day``, ``day_year``, ``month`` or ``year`` in the reader's language."""
    locale = get_locale()
    pattern = PATTERNS.get(locale.language if locale else "en", {}).get(kind)
    if pattern is None:
        return format_skeleton(SKELETONS[kind], day, locale=locale)
    return format_date(day, pattern, rebase=False)


def tick_labels(axis: TimeAxis) -> list[str]:
    """One label per tick, in the reader's language; days carry the year when the axis
    crosses a new year."""
    if axis.unit == TIME:  # midnight is named by the day it starts
        return [format_day(tick.date(), DAY) if tick.time() == time.min
                else format_datetime(tick, "HH:mm", rebase=False) for tick in axis.ticks]
    kind = axis.unit
    if kind == DAY and axis.ticks and axis.ticks[0].year != axis.ticks[-1].year:
        kind = "day_year"
    return [format_day(tick.date(), kind) for tick in axis.ticks]


def axis_note(axis: TimeAxis) -> str:
    """What the tick labels leave out: the date of an axis of times of day ("" otherwise)."""
    if axis.unit != TIME:
        return ""
    return format_day((axis.start + (axis.end - axis.start) / 2).date(), "day_year")
