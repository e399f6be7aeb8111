"""Page contexts: dashboards with their charts, and the includes for the home pages."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool import chart_time, charts
from talentpool.accounts.models import User
from talentpool.assessment import pools
from talentpool.assessment.models import ExamSession
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.cohorts import dashboards, outlook, service
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


def volume_chart(volume: list[tuple[date, int]], label: str) -> charts.Chart | None:
    """Practice answers per day as bars, and the same days and counts as a table."""
    if not any(n for _day, n in volume):
        return None
    svg = charts.daily_bar_chart([d for d, _n in volume], [n for _d, n in volume],
                                 y_label=_("Practice answers per day"), label=label)
    return charts.Chart(svg, label, (_("Day"), _("Practice answers")),
                        tuple((chart_time.format_day(d, "day_year"), str(n)) for d, n in volume))


def skill_chart(rows: list[tuple[str, float, float, int]], cut: float, *, label: str,
                x_label: str, count_column: str) -> charts.Chart:
    """Skill per track with its 95 % interval; ``rows`` are (track, score, SE, count)."""
    ranges = [skills.interval(score, se) for _t, score, se, _n in rows]
    svg = charts.interval_chart(
        [_track_name(t) for t, *_rest in rows], [score for _t, score, _s, _n in rows],
        [low for low, _high in ranges], [high for _low, high in ranges], x_label=x_label,
        label=label, reference=cut, reference_label=_("cut score"))
    return charts.Chart(svg, label, (_("Track"), _("Skill"), _("95% interval"), count_column),
                        tuple((_track_name(t), f"{score:.0f}", f"{low:.0f}–{high:.0f}", str(n))
                              for (t, score, _s, n), (low, high) in zip(rows, ranges)))


def cohort_sessions(cohort: Cohort) -> list[ExamSession]:
    return list(db.session.scalars(select(ExamSession).where(ExamSession.cohort_id == cohort.id)
                                   .order_by(ExamSession.opens_at.desc())))


def cohort_dashboard(cohort: Cohort, today: date) -> dict:
    """Everything the cohort dashboard shows."""
    progress = dashboards.cohort_progress(cohort, today)
    user_ids = [p.enrolment.user_id for p in progress]
    summary = dashboards.track_summary(progress)
    chart = skill_chart(summary, _cut(cohort), label=_("Mean skill per track"),
                        x_label=_("Mean skill (0–100) with its 95% interval"),
                        count_column=_("Trainees with an estimate")) if summary else None
    return {"progress": progress, "summary": summary, "skill_chart": chart,
            "volume_chart": volume_chart(dashboards.daily_volume(cohort, user_ids, today),
                                         _("Practice answers of the cohort per day")),
            "weakest": dashboards.weakest_elements(cohort, user_ids),
            "elapsed": dashboards.elapsed_share(cohort, today),
            "behind": sum(1 for p in progress if p.behind),
            "pending": [e for e in cohort.enrolments if e.user_id is None],
            "sessions": cohort_sessions(cohort), "results": dashboards.cohort_results(cohort),
            "trainee_names": {p.enrolment.user_id: p.enrolment.name for p in progress},
            "track_name": _track_name, **_outlook_helpers()}


def trainee_dashboard(cohort: Cohort, enrolment: Enrolment, today: date) -> dict:
    """Everything one trainee's dashboard shows."""
    counts = dashboards.practice_counts(cohort, [enrolment.user_id])
    progress = dashboards.trainee_progress(cohort, enrolment, counts, today)
    rated = [t for t in progress.tracks if t.score is not None]
    chart = skill_chart([(t.track, t.score, t.score_se, t.n_items) for t in rated], _cut(cohort),
                        label=_("Latest skill per track"),
                        x_label=_("Skill (0–100) with its 95% interval"),
                        count_column=_("Items answered")) if rated else None
    histories = []
    for t in rated:
        name = _track_name(t.track)
        histories.append((name, skills.history_chart(
            skills.history(enrolment.user_id, t.track), cut=_cut(cohort),
            cut_label=_("cut score"), label=_("Skill over time: %(track)s", track=name))))
    return {"progress": progress, "skill_chart": chart, "histories": histories,
            "volume_chart": volume_chart(dashboards.daily_volume(cohort, [enrolment.user_id],
                                                                 today),
                                         _("Practice answers of the trainee per day")),
            "weakest": dashboards.weakest_elements(cohort, [enrolment.user_id]),
            "elapsed": dashboards.elapsed_share(cohort, today), "track_name": _track_name,
            **_outlook_helpers()}


def _outlook_helpers() -> dict:
    """What the templates need to say a chance in words."""
    return {"chance_words": outlook.chance_words, "chance_number": outlook.chance_number}


def trainee_plans(user_id: int) -> dict:
    """Context of ``cohorts/_trainee_plan.html`` on the trainee's home page."""
    today = utcnow().date()
    plans = []
    for cohort in service.cohorts_of_trainee(user_id):
        row = next(e for e in cohort.enrolments if e.user_id == user_id)
        counts = dashboards.practice_counts(cohort, [user_id])
        plans.append((cohort, dashboards.trainee_progress(cohort, row, counts, today)))
    return {"training_plans": plans, "track_name": _track_name, **_outlook_helpers()}


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
