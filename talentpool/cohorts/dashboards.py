"""Progress numbers of a cohort and of each trainee (docs/institutions.md explains them).

* Practice volume: practice answers per day since the plan's start.
* Falling behind: by today a trainee is expected to have done ``quota × elapsed share`` items
  (elapsed share = days since the start / days from start to deadline, clipped to [0, 1]);
  a trainee who has done less than ``BEHIND_SHARE`` of that is falling behind.
* Pass probability: ``Φ((θ̂ − θ_cut) / SE)`` per part. The theory part uses the theory
  track; the practical part a composite of the plan's practical tracks, ``θ̄ = mean θ̂_k``
  with ``SE = √(Σ SE_k²) / K`` (a track without an estimate counts with the prior θ 0, SE 1).
  θ_cut is the part's cut score of the level on the θ scale; the probability of passing the
  level is the product of the parts (independent errors). The level is the plan's target,
  or for a trainee who already holds it (or a higher level) the next level up
  (``outlook``): a certified trainee is never given a chance for a level they hold.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from talentpool.assessment import pools
from talentpool.assessment.models import AssessmentElement, ExamAttempt, ExamSession, Item
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.cohorts import outlook
from talentpool.cohorts.models import Cohort, Enrolment
from talentpool.extensions import db
from talentpool.practice import skills
from talentpool.practice.models import Response

BEHIND_SHARE = 0.8
PRIOR_THETA, PRIOR_SE = 0.0, 1.0


def normal_cdf(z: float) -> float:
    """Φ(z), the standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def pass_probability(theta: float, se: float, theta_cut: float) -> float:
    """P(θ ≥ θ_cut) = Φ((θ̂ − θ_cut) / SE) for a normal posterior N(θ̂, SE²)."""
    return normal_cdf((theta - theta_cut) / max(se, 1e-6))


def composite(estimates: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean θ of several tracks and its SE, √(Σ SE²) / K."""
    k = len(estimates)
    return (sum(t for t, _ in estimates) / k, math.sqrt(sum(s * s for _, s in estimates)) / k)


def elapsed_share(cohort: Cohort, today: date) -> float:
    """Share of the plan's period that has passed, in [0, 1]."""
    total = (cohort.deadline - cohort.starts_on).days
    return min(1.0, max(0.0, (today - cohort.starts_on).days / total)) if total > 0 else 1.0


@dataclass(frozen=True)
class TrackProgress:
    track: str
    done: int
    quota: int
    score: float | None
    score_se: float | None
    pass_probability: float | None  # of the track's part of ``TraineeProgress.level``
    n_items: int | None = None  # items the skill estimate is measured from

    @property
    def low(self) -> float | None:
        return None if self.score is None else skills.interval(self.score, self.score_se)[0]

    @property
    def high(self) -> float | None:
        return None if self.score is None else skills.interval(self.score, self.score_se)[1]


@dataclass(frozen=True)
class TraineeProgress:
    enrolment: Enrolment
    tracks: list[TrackProgress]
    done: int
    quota: int
    expected: float
    pass_probability: float | None  # of passing ``level``
    level: int | None = None  # the level predicted: the target, or the next above ``held``
    held: outlook.Held | None = None  # a valid certificate of the target level or higher

    @property
    def behind(self) -> bool:
        return self.done < BEHIND_SHARE * self.expected

    @property
    def share(self) -> float:
        return self.done / self.quota if self.quota else 0.0


def _start(cohort: Cohort) -> datetime:
    return datetime.combine(cohort.starts_on, time.min)


def practice_counts(cohort: Cohort, user_ids: list[int]) -> Counter:
    """(user id, track) → practice answers in the plan's tracks since the start."""
    if not user_ids:
        return Counter()
    rows = db.session.execute(
        select(Response.user_id, Response.track, func.count(Response.id))
        .where(Response.user_id.in_(user_ids), Response.track.in_(cohort.tracks),
               Response.mode == "practice", Response.retry.is_(False),
               Response.created_at >= _start(cohort))
        .group_by(Response.user_id, Response.track))
    return Counter({(user_id, track): n for user_id, track, n in rows})


def level_pass_probability(cohort: Cohort, current: dict,
                           level: int | None = None) -> float | None:
    """Probability of passing ``level`` (default: the target level) from the latest skill
    estimates in the plan's tracks (see above)."""
    plan = [t for t in cohort.tracks if t in TRACKS_BY_ID]
    if not any(t in current for t in plan):
        return None
    level = cohort.target_level if level is None else level
    cuts = {part: pools.cut_theta(level, part) for part in ("theory", "practical")}
    if any(cut is None for cut in cuts.values()):
        return None  # no standard set for the level yet: nothing honest to predict
    probability = 1.0
    if "theory" in plan:
        est = current.get("theory")
        theta, se = (est.theta, est.se) if est else (PRIOR_THETA, PRIOR_SE)
        probability *= pass_probability(theta, se, cuts["theory"])
    practical = [t for t in plan if TRACKS_BY_ID[t].practical]
    if practical:
        theta, se = composite([(current[t].theta, current[t].se) if t in current
                               else (PRIOR_THETA, PRIOR_SE) for t in practical])
        probability *= pass_probability(theta, se, cuts["practical"])
    return probability


def _cut_theta(level: int | None, track: str) -> float | None:
    """The level's cut for the track's part, or None while the level has no standard."""
    if level is None or track not in TRACKS_BY_ID:
        return None
    part = "practical" if TRACKS_BY_ID[track].practical else "theory"
    return pools.cut_theta(level, part)


def joined(cohort: Cohort) -> list[Enrolment]:
    return [e for e in cohort.enrolments if e.user_id is not None]


def trainee_progress(cohort: Cohort, enrolment: Enrolment, counts: Counter,
                     today: date) -> TraineeProgress:
    """Quota, skill and pass outlook of one joined trainee: a certificate held at the target
    level or above, and the chance of passing the level predicted."""
    current = skills.current(enrolment.user_id)
    held = outlook.held_at_or_above(enrolment.user_id, cohort.target_level)
    level = outlook.level_to_predict(cohort.target_level, held)
    rows = []
    for track, quota in cohort.quotas.items():
        est = current.get(track)
        rows.append(TrackProgress(
            track, counts[(enrolment.user_id, track)], quota,
            est.score if est else None, est.score_se if est else None,
            pass_probability(est.theta, est.se, cut)
            if est and (cut := _cut_theta(level, track)) is not None else None,
            est.n_items if est else None))
    quota = sum(cohort.quotas.values())
    return TraineeProgress(enrolment, rows, sum(min(r.done, r.quota) for r in rows), quota,
                           quota * elapsed_share(cohort, today),
                           None if level is None else level_pass_probability(cohort, current,
                                                                             level),
                           level, held)


def cohort_progress(cohort: Cohort, today: date) -> list[TraineeProgress]:
    """Every joined trainee's progress, falling-behind first."""
    members = joined(cohort)
    counts = practice_counts(cohort, [e.user_id for e in members])
    rows = [trainee_progress(cohort, e, counts, today) for e in members]
    return sorted(rows, key=lambda p: (not p.behind, p.share, p.enrolment.name))


def track_summary(progress: list[TraineeProgress]) -> list[tuple[str, float, float, int]]:
    """Per track: mean skill score of trainees with an estimate, its SE √(Σ SE²)/n, and n."""
    by_track: dict[str, list[TrackProgress]] = {}
    for trainee in progress:
        for row in trainee.tracks:
            if row.score is not None:
                by_track.setdefault(row.track, []).append(row)
    summary = []
    for track, rows in by_track.items():
        n = len(rows)
        summary.append((track, sum(r.score for r in rows) / n,
                        math.sqrt(sum(r.score_se ** 2 for r in rows)) / n, n))
    return summary


def daily_volume(cohort: Cohort, user_ids: list[int], today: date) -> list[tuple[date, int]]:
    """Practice answers per day from the start to today (or the deadline, if earlier)."""
    last = min(today, cohort.deadline)
    days = [cohort.starts_on + timedelta(days=n) for n in range((last - cohort.starts_on).days + 1)]
    tally: Counter = Counter()
    if user_ids and days:
        for (moment,) in db.session.execute(select(Response.created_at).where(
                Response.user_id.in_(user_ids), Response.track.in_(cohort.tracks),
                Response.mode == "practice", Response.created_at >= _start(cohort))):
            tally[moment.date()] += 1
    return [(day, tally[day]) for day in days]


def weakest_elements(cohort: Cohort, user_ids: list[int], limit: int = 5) -> list[tuple]:
    """Assessment elements with the lowest mean practice score: (code, name, mean, answers)."""
    if not user_ids:
        return []
    mean = func.avg(Response.score)
    rows = list(db.session.execute(
        select(Item.element, mean, func.count(Response.id))
        .join(Item, Item.id == Response.item_id)
        .where(Response.user_id.in_(user_ids), Response.track.in_(cohort.tracks),
               Response.mode == "practice", Response.retry.is_(False),
               Response.created_at >= _start(cohort))
        .group_by(Item.element).order_by(mean, Item.element).limit(limit)))
    names = dict(db.session.execute(select(AssessmentElement.code, AssessmentElement.name).where(
        AssessmentElement.code.in_([code for code, _m, _n in rows]))).all())
    return [(code, names.get(code), float(avg), n) for code, avg, n in rows]


def cohort_results(cohort: Cohort) -> list[ExamAttempt]:
    """Exam attempts of the cohort's trainees since the plan's start, newest first: mock
    exams, and certifying sittings once their results are published (never before)."""
    user_ids = [e.user_id for e in joined(cohort)]
    if not user_ids:
        return []
    return list(db.session.scalars(select(ExamAttempt).join(
        ExamSession, ExamSession.id == ExamAttempt.session_id).where(
        ExamAttempt.user_id.in_(user_ids), ExamAttempt.started_at >= _start(cohort),
        ExamSession.plan_id.is_(None) | ExamSession.results_published_at.is_not(None))
        .order_by(ExamAttempt.started_at.desc())))
