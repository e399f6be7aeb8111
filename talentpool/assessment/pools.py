"""The certification scheme in use and its secure item pools: what each part of each level
draws on, and whether it can open (readiness: calibration, standard, enough operational items
per blueprint code under the exposure cap).

Only ``exam`` items are in a pool, never practice items. Each part is measured on one scale:
``theory``, or ``practical`` (every practical track calibrated concurrently, so the part never
adds abilities from unlinked scales).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.assessment import exposure, standards
from talentpool.assessment.calibration import active_run, operational_entries
from talentpool.assessment.models import ACTIVE, EXAM, CalibrationRun, Item, StandardSetting
from talentpool.assessment.packs import load_elements
from talentpool.assessment.scheme import LevelRule, PartRule, Scheme, load_scheme
from talentpool.assessment.tracks import WRITTEN_WORK
from talentpool.extensions import db

PART_SCALES = {"theory": "theory", "practical": "practical"}


def scheme() -> Scheme:
    """The certification scheme in use (validated; re-read when the file changes)."""
    path = Path(current_app.config["EXAM_SCHEME"])
    return _load(path, path.stat().st_mtime)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime: float) -> Scheme:
    elements, _problems = load_elements(path.parent / "elements.yaml")
    return load_scheme(path, set(elements))


def matches(element: str, code: str) -> bool:
    return element == code or element.startswith(code + ".")


@dataclass(frozen=True)
class PoolItem:
    """What assembling and choosing need of an item (not its content or gold)."""

    id: int
    key: str
    element: str
    max_category: int


def pool(rule: PartRule) -> list[PoolItem]:
    """Active secure items of the part: theory items for theory, labeling tasks for practical,
    at the part's item levels and inside its blueprint codes."""
    if rule.part == "theory":
        track = Item.track == "theory"
    elif rule.rated:
        track = Item.track == WRITTEN_WORK.id
    else:
        track = Item.track.not_in(("theory", WRITTEN_WORK.id))
    rows = db.session.execute(select(Item.id, Item.key, Item.element, Item.levels,
                                     Item.thresholds).where(
        Item.status == ACTIVE, Item.use == EXAM, track).order_by(Item.id))
    codes = [code for code, _n in rule.blueprint]
    return [PoolItem(item_id, key, element, len(thresholds))
            for item_id, key, element, levels, thresholds in rows
            if set(levels) & set(rule.item_levels)
            and any(matches(element, code) for code in codes)]


def needed_per_code(rule: PartRule) -> list[tuple[str, int, int]]:
    """(code, items per test, operational items needed) so that no item need exceed the cap."""
    return [(code, count, math.ceil(count / exposure.EXPOSURE_CAP))
            for code, count in rule.blueprint]


@dataclass(frozen=True)
class Readiness:
    """Whether one part of one level can be given, and exactly what is missing if not."""

    level: int
    part: str
    problems: tuple[str, ...]
    operational: int
    pretest: int
    run: CalibrationRun | None
    standard: StandardSetting | None

    @property
    def ready(self) -> bool:
        return not self.problems


def readiness(level: LevelRule, part: str) -> Readiness:
    """Check the part's pool against its blueprint, the exposure cap, calibration and cut."""
    rule = level.part(part)
    items = pool(rule)
    if rule.rated:
        return _rated_readiness(level, rule, items)
    run = active_run(PART_SCALES[part])
    standard = standards.active_standard(level.level, part)
    where = _("Level %(level)d %(part)s", level=level.level, part=part_name(part))
    problems = []
    if run is None:
        problems.append(_("%(where)s: the %(scale)s scale has no active calibration yet.",
                          where=where, scale=PART_SCALES[part]))
    operational = set(operational_entries(run)) if run else set()
    ready_items = [i for i in items if i.id in operational]
    for code, count, needed in needed_per_code(rule):
        have = sum(matches(i.element, code) for i in ready_items)
        if have < needed:
            problems.append(_(
                "%(where)s: %(code)s has %(have)d operational exam items and needs %(needed)d "
                "(%(count)d per test at an exposure cap of %(cap)d%%); %(short)d more.",
                where=where, code=code, have=have, needed=needed, count=count,
                cap=round(100 * exposure.EXPOSURE_CAP), short=needed - have))
    if rule.mode == "adaptive":
        needed = math.ceil(rule.max_items / exposure.EXPOSURE_CAP)
        if len(ready_items) < needed:
            problems.append(_(
                "%(where)s: %(have)d operational exam items, an adaptive test of up to %(max)d "
                "items needs %(needed)d; %(short)d more.", where=where, have=len(ready_items),
                max=rule.max_items, needed=needed, short=needed - len(ready_items)))
    if standard is None:
        problems.append(_("%(where)s: no active standard-setting study, so there is no cut "
                          "score yet.", where=where))
    elif run is not None and standard.scale != PART_SCALES[part]:
        problems.append(_("%(where)s: the active standard was set on another scale.",
                          where=where))
    return Readiness(level.level, part, tuple(problems), len(ready_items),
                     len(items) - len(ready_items), run, standard)


def _rated_readiness(level: LevelRule, rule: PartRule, items: list[PoolItem]) -> Readiness:
    """A rated part needs, per blueprint code, the tasks of one paper. Raters score it against
    the rubric, so it has no calibration run, no cut study (it passes at 60 % of the points,
    the standard's 60 out of 100) and no exposure cap: every candidate of a sitting writes the
    same paper, as with an official paper."""
    where = _("Level %(level)d %(part)s", level=level.level, part=part_name(rule.part))
    problems = []
    for code, count in rule.blueprint:
        have = sum(matches(i.element, code) for i in items)
        if have < count:
            problems.append(_(
                "%(where)s: %(code)s has %(have)d written tasks and a paper needs %(count)d; "
                "%(short)d more.", where=where, code=code, have=have, count=count,
                short=count - have))
    return Readiness(level.level, rule.part, tuple(problems), len(items), 0, None, None)


def cut_theta(level: int, part: str) -> float | None:
    """The θ of the level's active standard for the part (None while none is active)."""
    standard = standards.active_standard(level, part)
    return standard.cut_theta if standard else None


def part_name(part: str) -> str:
    return _("theory") if part == "theory" else _("practical")
