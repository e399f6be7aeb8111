"""Standard setting: modified-Angoff studies that fix each level's cut on each part's scale.

A study is recorded from its panellists' ratings (CSV rows ``panellist,item,rating``; the item
is its pack key, the rating the probability in [0, 1] that a minimally competent candidate of
the level gets it right, or for partial-credit items the expected share of the top score). The
ratings are turned into a cut θ through the items' parameters in the scale's active run (see
``psychometrics.standard_setting.angoff``); the panel's spread and the cut's standard error are
kept with it. An administrator activates a study; the level's part certifies only with an
active study. The cut is a θ on the scale's base metric, which linking keeps fixed, so a
recalibration does not move the standard.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from talentpool.assessment.calibration import active_run, build_bank, operational_entries
from talentpool.assessment.models import ACTIVE, EXAM, ExamAttempt, Item, StandardSetting
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.psychometrics.decisions import classification_accuracy_consistency
from talentpool.psychometrics.standard_setting import angoff

MIN_PANELLISTS = 3
MIN_ITEMS = 10
PARTS = ("theory", "practical")
SCALE_OF = {"theory": "theory", "practical": "practical"}
MAX_RATINGS_BYTES = 1_000_000
GRADED = ("passed", "failed", "awaiting_panel")


class StandardSettingError(Exception):
    """A study was refused; the message names the level, part, row, panellist or item."""


def active_standard(level: int, part: str) -> StandardSetting | None:
    return db.session.scalar(select(StandardSetting).where(
        StandardSetting.level == level, StandardSetting.part == part,
        StandardSetting.status == "active"))


def studies(level: int | None = None) -> list[StandardSetting]:
    query = select(StandardSetting).order_by(StandardSetting.level.desc(),
                                             StandardSetting.part, StandardSetting.id.desc())
    if level is not None:
        query = query.where(StandardSetting.level == level)
    return list(db.session.scalars(query))


def parse_ratings(text: str) -> dict[str, dict[str, float]]:
    """panellist → {item key → rating} from CSV text with a header row."""
    if len(text.encode("utf-8", "replace")) > MAX_RATINGS_BYTES:
        raise StandardSettingError(_("The ratings file is larger than 1 MB."))
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or not {"panellist", "item", "rating"} <= set(reader.fieldnames):
        raise StandardSettingError(_("The ratings need the columns panellist, item and rating."))
    ratings: dict[str, dict[str, float]] = {}
    for row_number, row in enumerate(reader, start=2):
        panellist = (row.get("panellist") or "").strip()
        item = (row.get("item") or "").strip()
        if not panellist or not item:
            raise StandardSettingError(_("Row %(row)d: panellist and item are required.",
                                   row=row_number))
        try:
            value = float(row.get("rating") or "")
        except ValueError:
            value = math.nan
        if not 0.0 <= value <= 1.0:
            raise StandardSettingError(_(
                "Row %(row)d: panellist %(panellist)s rated item %(item)s %(value)s; a rating "
                "is a probability from 0 to 1.", row=row_number, panellist=panellist, item=item,
                value=row.get("rating")))
        if item in ratings.setdefault(panellist, {}):
            raise StandardSettingError(_("Row %(row)d: panellist %(panellist)s rated item %(item)s "
                                   "twice.", row=row_number, panellist=panellist, item=item))
        ratings[panellist][item] = value
    return ratings


def record_study(level: int, part: str, title: str, ratings: dict[str, dict[str, float]],
                 creator_id: int | None, note: str = "", now: datetime | None = None
                 ) -> StandardSetting:
    """Compute the cut of a new (draft) study from its ratings; one commit. Nothing is stored
    when a rating, an item or the panel is not usable."""
    if level not in (1, 2, 3, 4, 5) or part not in PARTS:
        raise StandardSettingError(_("Choose a level from 1 to 5 and the theory or practical part."))
    where = _("Level %(level)d %(part)s", level=level,
              part=_("theory") if part == "theory" else _("practical"))
    run = active_run(SCALE_OF[part])
    if run is None:
        raise StandardSettingError(_("%(where)s: the %(scale)s scale has no active calibration; "
                               "calibrate it before setting a standard.", where=where,
                               scale=SCALE_OF[part]))
    if len(ratings) < MIN_PANELLISTS:
        raise StandardSettingError(_("%(where)s: %(n)d panellists; a study needs at least %(min)d.",
                               where=where, n=len(ratings), min=MIN_PANELLISTS))
    keys = sorted({key for row in ratings.values() for key in row})
    items = _items_by_key(keys, part)
    unknown = [key for key in keys if key not in items]
    if unknown:
        raise StandardSettingError(_("%(where)s: no such item in this part's scale: %(items)s.",
                               where=where, items=", ".join(unknown[:10])))
    not_live = [key for key in keys if items[key].status != ACTIVE]
    if not_live:
        raise StandardSettingError(_("%(where)s: these items are not live (drafts waiting for "
                                     "review, or retired): %(items)s.", where=where,
                                     items=", ".join(not_live[:10])))
    open_items = [key for key in keys if items[key].use != EXAM]
    if open_items:
        raise StandardSettingError(_("%(where)s: a standard is set on secure exam items; these "
                                     "are practice items: %(items)s.", where=where,
                                     items=", ".join(open_items[:10])))
    operational = operational_entries(run)
    pretest = [key for key in keys if items[key].id not in operational]
    if pretest:
        raise StandardSettingError(_("%(where)s: these items have no operational parameters in the "
                               "active calibration: %(items)s.", where=where,
                               items=", ".join(pretest[:10])))
    if len(keys) < MIN_ITEMS:
        raise StandardSettingError(_("%(where)s: %(n)d items rated; a study needs at least %(min)d.",
                               where=where, n=len(keys), min=MIN_ITEMS))
    bank, order = build_bank([operational[items[key].id] for key in keys])
    key_of = {items[key].id: key for key in keys}
    panellists = sorted(ratings)
    matrix = np.array([[ratings[p].get(key_of[e.item_id], np.nan) for e in order]
                       for p in panellists])
    try:
        result = angoff(matrix, bank)
    except ValueError as error:
        raise StandardSettingError(_("%(where)s: %(problem)s", where=where, problem=str(error))) \
            from None
    study = StandardSetting(
        level=level, part=part, scale=SCALE_OF[part], method="angoff",
        title=title.strip()[:200] or f"Angoff {level} {part}", run_id=run.id,
        item_ids=[e.item_id for e in order], ratings={p: [None if np.isnan(v) else float(v)
                                                          for v in row]
                                                      for p, row in zip(panellists, matrix)},
        cut_theta=float(result.cut_theta), cut_raw=float(result.cut_raw),
        cut_se=float(result.standard_error), spread_sd=float(result.spread_sd),
        n_panellists=int(result.n_panellists),
        panellist_thetas=[float(v) for v in result.panellist_thetas], note=note[:4000],
        created_at=now or utcnow(), created_by_id=creator_id, status="draft")
    db.session.add(study)
    db.session.commit()
    return study


def _items_by_key(keys: list[str], part: str) -> dict[str, Item]:
    from talentpool.assessment.tracks import SCALES_BY_ID

    tracks = SCALES_BY_ID[SCALE_OF[part]].tracks
    rows = db.session.scalars(select(Item).where(Item.key.in_(keys), Item.track.in_(tracks)))
    return {item.key: item for item in rows}


def activate(public_id: str, admin_id: int | None, now: datetime | None = None
             ) -> StandardSetting:
    """Make a study the level's standard for its part (the previous one retires); one commit."""
    study = db.session.scalar(select(StandardSetting).where(
        StandardSetting.public_id == public_id))
    if study is None:
        raise StandardSettingError(_("No such standard-setting study."))
    if study.status == "active":
        return study
    db.session.execute(update(StandardSetting).where(
        StandardSetting.level == study.level, StandardSetting.part == study.part,
        StandardSetting.status == "active").values(status="retired"))
    study.status, study.activated_at, study.activated_by_id = "active", now or utcnow(), admin_id
    try:
        db.session.commit()
    except IntegrityError:  # another administrator activated one at the same moment
        db.session.rollback()
        raise StandardSettingError(_("Another study was activated at the same moment. Reload.")) \
            from None
    return study


def decision_quality(level: int, part: str):
    """Rudner's classification accuracy and consistency over the level's graded attempts."""
    results = [a.part_results.get(part, {}) for a in db.session.scalars(
        select(ExamAttempt).where(ExamAttempt.level == level, ExamAttempt.state.in_(GRADED)))]
    scored = [r for r in results if r.get("se") and r.get("theta") is not None]
    if not scored:
        return None
    theta = np.array([r["theta"] for r in scored], float)
    se = np.array([r["se"] for r in scored], float)
    cuts = np.array([r["cut_theta"] for r in scored], float)
    return classification_accuracy_consistency(theta - cuts, se, 0.0)
