"""The certification scheme as administrators read it: per level and part the mode, length,
time limit and blueprint, and the cut with where it comes from.

Read only. The scheme file (``EXAM_SCHEME``) fixes how each part is assembled and timed; the cut
does not live in it: an IRT-scored part passes at 60 on its 0–100 reporting scale, and the θ
behind that 60 is the level's active standard-setting study (``standards``); a rated part
passes at 60 % of the paper's points, scored by raters against the rubric; the panel review of
levels 2 and 1 has its pass mark in the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment import pools
from talentpool.assessment.grading import PASS_MARK
from talentpool.assessment.models import StandardSetting
from talentpool.assessment.scheme import PARTS, LevelRule, PartRule, Scheme
from talentpool.extensions import db

STUDY, NO_STUDY, RUBRIC = "study", "no_study", "rubric"


@dataclass(frozen=True)
class PartCut:
    """Where a part's cut comes from: an active ``STUDY`` (with the study), ``NO_STUDY`` yet
    (the part cannot certify), or the ``RUBRIC`` points of a rated part."""

    source: str
    study: StandardSetting | None = None
    activated_by: str | None = None


@dataclass(frozen=True)
class PartRow:
    rule: PartRule
    cut: PartCut


@dataclass(frozen=True)
class LevelRow:
    rule: LevelRule
    parts: tuple[PartRow, ...]


@dataclass(frozen=True)
class SchemeOverview:
    scheme: Scheme
    file_name: str
    modified_at: datetime  # naive UTC, like every stored time
    pass_mark: int
    levels: tuple[LevelRow, ...]


def overview() -> SchemeOverview:
    """The scheme in use with every part's cut and its source, levels 5 to 1."""
    scheme = pools.scheme()
    path = Path(current_app.config["EXAM_SCHEME"])
    active = {(s.level, s.part): s for s in db.session.scalars(
        select(StandardSetting).where(StandardSetting.status == "active"))}
    names = _names({s.activated_by_id for s in active.values()} - {None})
    levels = tuple(
        LevelRow(rule, tuple(PartRow(rule.part(part), _cut(rule.part(part),
                                                             active.get((number, part)), names))
                             for part in PARTS))
        for number, rule in sorted(scheme.levels.items(), reverse=True))
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    return SchemeOverview(scheme, path.name, modified, PASS_MARK, levels)


def _cut(rule: PartRule, study: StandardSetting | None, names: dict[int, str]) -> PartCut:
    if rule.rated:
        return PartCut(RUBRIC)
    if study is None:
        return PartCut(NO_STUDY)
    return PartCut(STUDY, study, names.get(study.activated_by_id))


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name)
                                   .where(User.id.in_(user_ids))).all())
