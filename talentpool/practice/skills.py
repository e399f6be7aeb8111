"""Skill estimates per track on the 0–100 reporting scale, with their uncertainty.

θ is the IRT ability (logistic metric, population N(0, 1)); the report score is
``50 + 12.5·θ`` clipped to [0, 100], so ±1 SD is ±12.5 points and the default cut of 60
lies at θ = 0.8. EAP with the posterior SD uses the active calibration of the track;
before a track is calibrated, prior item parameters are used and the estimate is marked
provisional. The skills page and the cohort pages draw the history with ``history_chart``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select

from talentpool.assessment.calibration import (
    active_run, build_bank, calibrated_entries, provisional_entry,
)
from talentpool.assessment.models import Item
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.extensions import db
from talentpool.practice.models import Response, SkillEstimate
from talentpool.psychometrics import eap

if TYPE_CHECKING:
    from talentpool.charts import Chart

REPORT_CENTER = 50.0
REPORT_SLOPE = 12.5


def report_score(theta: float) -> float:
    """θ on the 0–100 reporting scale."""
    return float(np.clip(REPORT_CENTER + REPORT_SLOPE * theta, 0.0, 100.0))


def interval(score: float, score_se: float) -> tuple[float, float]:
    """The 95 % range of a report score, ``score ± 1.96 SE`` within [0, 100]."""
    return max(0.0, score - 1.96 * score_se), min(100.0, score + 1.96 * score_se)


def theta_for_score(score: float) -> float:
    """The θ of a report score (e.g. a cut score of 60 → θ 0.8)."""
    return (score - REPORT_CENTER) / REPORT_SLOPE


@dataclass(frozen=True)
class Skill:
    theta: float
    se: float
    n_items: int
    provisional: bool
    run_id: int | None

    @property
    def score(self) -> float:
        return report_score(self.theta)

    @property
    def score_se(self) -> float:
        return REPORT_SLOPE * self.se


def estimate(user_id: int, track: str) -> Skill | None:
    """EAP of the user's first answers in ``track``; None before any answer.

    The first answer to an item is the measurement: later answers, and retries above all
    (given right after seeing the gold), are practice and never enter the estimate."""
    firsts: dict[int, int] = {}
    for item_id, category in db.session.execute(
            select(Response.item_id, Response.category)
            .where(Response.user_id == user_id, Response.track == track,
                   Response.retry.is_(False))
            .order_by(Response.created_at, Response.id)):
        firsts.setdefault(item_id, category)
    if not firsts:
        return None
    run = active_run(track)
    if run is not None:
        entries = calibrated_entries(run)
        answered = [entries[i] for i in firsts if i in entries]
        mean, sd, provisional = run.population_mean, run.population_sd, False
    else:
        items = db.session.scalars(select(Item).where(Item.id.in_(list(firsts))))
        answered = [provisional_entry(item) for item in items]
        mean, sd, provisional = 0.0, 1.0, True
    if not answered:
        return None
    bank, order = build_bank(answered)
    row = np.array([[entry.category_map[min(firsts[entry.item_id], len(entry.category_map) - 1)]
                     for entry in order]], dtype=float)
    result = eap(row, bank, mean=mean, sd=sd)
    return Skill(float(result.theta[0]), float(result.se[0]), len(order), provisional,
                 run.id if run else None)


def record(user_id: int, track: str) -> SkillEstimate | None:
    """Add the current estimate to the history (the caller commits)."""
    skill = estimate(user_id, track)
    if skill is None:
        return None
    row = SkillEstimate(user_id=user_id, track=track, theta=skill.theta, se=skill.se,
                        score=skill.score, score_se=skill.score_se, n_items=skill.n_items,
                        provisional=skill.provisional, run_id=skill.run_id)
    db.session.add(row)
    return row


def current(user_id: int) -> dict[str, SkillEstimate]:
    """The latest estimate per track."""
    latest = (select(SkillEstimate.track, func.max(SkillEstimate.id).label("last"))
              .where(SkillEstimate.user_id == user_id).group_by(SkillEstimate.track).subquery())
    rows = db.session.scalars(select(SkillEstimate).join(latest, SkillEstimate.id == latest.c.last))
    return {row.track: row for row in rows}


def history(user_id: int, track: str, limit: int = 200) -> list[SkillEstimate]:
    """Estimates over time, oldest first."""
    rows = db.session.scalars(select(SkillEstimate)
                              .where(SkillEstimate.user_id == user_id, SkillEstimate.track == track)
                              .order_by(SkillEstimate.id.desc()).limit(limit))
    return list(reversed(list(rows)))


def history_chart(rows: list[SkillEstimate], *, cut: float, cut_label: str,
                  label: str) -> Chart:
    """The skill history as a chart named ``label``, with a line per estimate in its table:
    when (in the reader's time zone), skill, 95 % range and the items it is measured from."""
    from talentpool import charts

    ranges = [interval(r.score, r.score_se) for r in rows]
    svg = charts.band_chart(
        [r.computed_at for r in rows], [r.score for r in rows], [low for low, _ in ranges],
        [high for _, high in ranges], label=label, y_label=_("Skill (0–100)"),
        band_label=_("95% interval"), line_label=_("Estimate"), reference=cut,
        reference_label=cut_label)
    return charts.Chart(svg, label, (_("Time"), _("Skill"), _("95% interval"), _("Items answered")),
                        tuple((format_datetime(r.computed_at, "short"), f"{r.score:.0f}",
                               f"{low:.0f}–{high:.0f}", str(r.n_items))
                              for r, (low, high) in zip(rows, ranges)))


def skill_cards(user_id: int) -> list[dict]:
    """Per track with an estimate: the latest estimate, its 95 % range and the history chart
    against the default cut score of 60."""
    from talentpool.i18n import current_locale

    cards = []
    for track_id, latest in sorted(current(user_id).items()):
        track = TRACKS_BY_ID[track_id]
        low, high = interval(latest.score, latest.score_se)
        chart = history_chart(history(user_id, track_id), cut=60,
                              cut_label=_("Default cut score 60"),
                              label=_("Skill over time: %(track)s",
                                      track=track.name(current_locale())))
        cards.append({"track": track, "latest": latest, "chart": chart, "low": low, "high": high})
    return cards
