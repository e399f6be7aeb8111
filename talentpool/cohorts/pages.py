"""Page contexts: dashboards with their charts, and the includes for the home pages."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool import charts
from talentpool.accounts.models import User
from talentpool.assessment import pools
from talentpool.assessment.models import ExamSession
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.cohorts import dashboards, service
from talentpool.cohorts.models import Cohort, Enrolment
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.i18n import current_locale
from talentpool.practice import skills


def _track_name(track: str) -> str:
    return TRACKS_BY_ID[track].name(current_locale()) if track in TRACKS_BY_ID else track


def _cut(cohort: Cohort) -> float:
    """The level's practical cut on the 0–100 skill scale (60 while no standard is active)."""
    cut = pools.cut_theta(cohort.target_level, "practical")
    return 60.0 if cut is None else skills.report_score(cut)


def volume_chart(volume: list[tuple[date, int]]) -> str | None:
    if not any(n for _day, n in volume):
        return None
    return charts.daily_bar_chart([d for d, _n in volume], [n for _d, n in volume],
                                  y_label=_("Practice answers per day"))


def cohort_sessions(cohort: Cohort) -> list[ExamSession]:
    return list(db.session.scalars(select(ExamSession).where(ExamSession.cohort_id == cohort.id)
                                   .order_by(ExamSession.opens_at.desc())))


def cohort_dashboard(cohort: Cohort, today: date) -> dict:
    """Everything the cohort dashboard shows."""
    progress = dashboards.cohort_progress(cohort, today)
    user_ids = [p.enrolment.user_id for p in progress]
    summary = dashboards.track_summary(progress)
    skill_chart = None
    if summary:
        skill_chart = charts.interval_chart(
            [_track_name(t) for t, *_rest in summary], [m for _t, m, _s, _n in summary],
            [max(0.0, m - 1.96 * s) for _t, m, s, _n in summary],
            [min(100.0, m + 1.96 * s) for _t, m, s, _n in summary],
            x_label=_("Mean skill (0–100) with its 95% interval"), reference=_cut(cohort),
            reference_label=_("cut score"))
    return {"progress": progress, "summary": summary, "skill_chart": skill_chart,
            "volume_chart": volume_chart(dashboards.daily_volume(cohort, user_ids, today)),
            "weakest": dashboards.weakest_elements(cohort, user_ids),
            "elapsed": dashboards.elapsed_share(cohort, today),
            "behind": sum(1 for p in progress if p.behind),
            "pending": [e for e in cohort.enrolments if e.user_id is None],
            "sessions": cohort_sessions(cohort), "results": dashboards.cohort_results(cohort),
            "trainee_names": {p.enrolment.user_id: p.enrolment.name for p in progress},
            "track_name": _track_name}


def trainee_dashboard(cohort: Cohort, enrolment: Enrolment, today: date) -> dict:
    """Everything one trainee's dashboard shows."""
    counts = dashboards.practice_counts(cohort, [enrolment.user_id])
    progress = dashboards.trainee_progress(cohort, enrolment, counts, today)
    rated = [t for t in progress.tracks if t.score is not None]
    skill_chart = charts.interval_chart(
        [_track_name(t.track) for t in rated], [t.score for t in rated], [t.low for t in rated],
        [t.high for t in rated], x_label=_("Skill (0–100) with its 95% interval"),
        reference=_cut(cohort), reference_label=_("cut score")) if rated else None
    histories = []
    for t in rated:
        rows = skills.history(enrolment.user_id, t.track)
        histories.append((_track_name(t.track), charts.band_chart(
            [r.computed_at for r in rows], [r.score for r in rows],
            [max(0.0, r.score - 1.96 * r.score_se) for r in rows],
            [min(100.0, r.score + 1.96 * r.score_se) for r in rows],
            y_label=_("Skill (0–100)"), band_label=_("95% interval"), line_label=_("estimate"),
            reference=_cut(cohort), reference_label=_("cut score"))))
    return {"progress": progress, "skill_chart": skill_chart, "histories": histories,
            "volume_chart": volume_chart(dashboards.daily_volume(cohort, [enrolment.user_id],
                                                                 today)),
            "weakest": dashboards.weakest_elements(cohort, [enrolment.user_id]),
            "elapsed": dashboards.elapsed_share(cohort, today), "track_name": _track_name}


def trainee_plans(user_id: int) -> dict:
    """Context of ``cohorts/_trainee_plan.html`` on the trainee's home page."""
    today = utcnow().date()
    plans = []
    for cohort in service.cohorts_of_trainee(user_id):
        row = next(e for e in cohort.enrolments if e.user_id == user_id)
        counts = dashboards.practice_counts(cohort, [user_id])
        plans.append((cohort, dashboards.trainee_progress(cohort, row, counts, today)))
    return {"training_plans": plans, "track_name": _track_name}


def institution_home(user: User) -> dict:
    """Context of ``cohorts/_institution_home.html`` on the staff home page."""
    member = service.membership(user)
    if member is None:
        return {"institution_member": None, "home_cohorts": [], "home_sessions": []}
    cohorts = service.cohorts_of(member.institution_id)
    sessions = list(db.session.scalars(select(ExamSession).where(
        ExamSession.cohort_id.in_([c.id for c in cohorts]), ExamSession.closes_at > utcnow())
        .order_by(ExamSession.opens_at))) if cohorts else []
    return {"institution_member": member, "home_cohorts": cohorts, "home_sessions": sessions,
            "home_cohort_names": {c.id: c.name for c in cohorts}}
