"""Certification exams: eligibility, attempts, item delivery, deadlines and grading.

The server keeps every clock: a part's deadline is stored on the attempt and an answer that
arrives after ``deadline + grace`` is refused. ``sequence`` counts the answers of an attempt;
an answer must carry the current value, so a stale page or a replayed request is rejected by a
conditional update. A partial unique index allows one open attempt per person and level, and
ending an attempt claims it with a conditional update, so concurrent "finish" requests grade
once. Ending the attempt, grading it and issuing its certificate are one transaction with one
commit; the talent pool hears of the certificate after the commit. Neither gold answers nor
item parameters leave the server. How parts are scored and decided: see ``grading``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from talentpool.assessment import exam_bank, exposure, grading, pools, resits
from talentpool.assessment.models import (
    OPEN_STATES, ExamAttempt, ExamResponse, ExamSession, Item,
)
from talentpool.database import kept_loaded, utcnow
from talentpool.extensions import db
from talentpool.office.models import APPROVED, PRESENT, Registration
from talentpool.organisations import service as organisations
from talentpool.organisations.models import Organisation
from talentpool.scoring import ScoringError, categorize, get_scorer
from talentpool.timezones import local_text


class ExamError(Exception):
    """A refused exam action; ``str(error)`` is a translated message (HTTP ``status``)."""

    status = 400


class StaleAnswer(ExamError):
    status = 409


class DeadlinePassed(ExamError):
    status = 410


def issuing_organisations() -> list[Organisation]:
    """The evaluation organisations a sitting may belong to."""
    return organisations.organisations()


def all_sessions() -> list[ExamSession]:
    """Every session, the latest opening first (exam administration)."""
    return list(db.session.scalars(select(ExamSession).order_by(ExamSession.opens_at.desc())))


def create_session(level: int, title: str, opens_at: datetime, closes_at: datetime,
                   creator_id: int | None, cohort_id: int | None = None,
                   organisation: str | None = None, plan_id: int | None = None,
                   room: str = "", online: bool = False,
                   capacity: int | None = None) -> ExamSession:
    """Schedule a session after checking the scheme and that the item pools are large enough.

    The session belongs to the evaluation organisation with the short name ``organisation``
    (default: the default organisation). With ``plan_id`` (the plan's organisation and level
    must match; ``office.plans`` checks it) it is a proctored sitting of that plan in ``room``
    or ``online`` for at most ``capacity`` candidates; without, a self-paced mock exam.
    """
    rule = pools.scheme().levels.get(level)
    if rule is None:
        raise ExamError(_("The level must be 1, 2, 3, 4 or 5."))
    if closes_at <= opens_at:
        raise ExamError(_("The session must close after it opens."))
    problems = [p for part in ("theory", "practical")
                for p in pools.readiness(rule, part).problems]
    if problems:
        raise ExamError(_("Level %(level)d cannot open yet: %(problems)s", level=level,
                          problems=" ".join(problems)))
    issuer = (organisations.default_organisation() if not organisation
              else organisations.by_slug(organisation))
    if issuer is None:
        raise ExamError(_("No evaluation organisation has the short name %(slug)s.",
                          slug=str(organisation)[:40]))
    session = ExamSession(level=level, title=title.strip()[:120] or f"Level {level}",
                          opens_at=opens_at, closes_at=closes_at, cohort_id=cohort_id,
                          organisation=issuer, created_by_id=creator_id, plan_id=plan_id,
                          room=room.strip()[:120], online=online, capacity=capacity)
    db.session.add(session)
    db.session.commit()
    return session


def eligibility_problem(user_id: int, level: int, now: datetime,
                        certifying: bool = False) -> str | None:
    """Why the person may not sit this level now, or None.

    A certifying sitting's candidates were admitted by the office's eligibility review, so
    only holding the level already and the retake wait after a failed certifying attempt count
    there; a mock exam keeps the prerequisite level and waits after failed mocks.
    """
    rule = pools.scheme().levels[level]
    held = exam_bank.held_levels(user_id, now)
    if level in held:
        return _("You already hold a valid level %(level)d certificate.", level=level)
    if not certifying and rule.prerequisite is not None and rule.prerequisite not in held:
        return _("Level %(level)d needs a valid level %(required)d certificate first.",
                 level=level, required=rule.prerequisite)
    kind = ExamSession.plan_id.is_not(None) if certifying else ExamSession.plan_id.is_(None)
    last_failed = db.session.scalar(select(func.max(ExamAttempt.finished_at)).join(
        ExamSession, ExamSession.id == ExamAttempt.session_id).where(
        ExamAttempt.user_id == user_id, ExamAttempt.level == level,
        ExamAttempt.passed.is_(False), kind))
    if last_failed and now < last_failed + timedelta(days=rule.retake_wait_days):
        retake_from = last_failed + timedelta(days=rule.retake_wait_days)
        return _("You can retake level %(level)d from %(date)s.", level=level,
                 date=local_text(retake_from, pattern="yyyy-MM-dd"))
    return None


def open_sessions(now: datetime, user_id: int | None = None) -> list[ExamSession]:
    """Sessions the person may start right now: public mock exams, those of ``user_id``'s
    cohorts, and the certifying sittings they are seated in."""
    audience = ExamSession.plan_id.is_(None) & ExamSession.cohort_id.is_(None)
    if user_id is not None:
        from talentpool.cohorts.service import cohort_ids_of  # cohorts builds on assessment

        cohort_ids = cohort_ids_of(user_id)
        if cohort_ids:
            audience = audience | (ExamSession.plan_id.is_(None)
                                   & ExamSession.cohort_id.in_(cohort_ids))
        audience = audience | ExamSession.id.in_(select(Registration.sitting_id).where(
            Registration.user_id == user_id, Registration.state == APPROVED))
    return list(db.session.scalars(select(ExamSession).where(
        ExamSession.opens_at <= now, ExamSession.closes_at > now, audience)
        .order_by(ExamSession.level.desc(), ExamSession.opens_at)))


def admission_problem(user_id: int, session: ExamSession) -> str | None:
    """Why the person may not start a certifying sitting yet (None for a mock exam): only a
    candidate seated in it and checked in by a proctor as present may start."""
    if not session.certifying:
        return None
    registration = db.session.scalar(select(Registration).where(
        Registration.sitting_id == session.id, Registration.user_id == user_id,
        Registration.state == APPROVED))
    if registration is None:
        return _("You are not seated in this sitting: only candidates whose registration was "
                 "approved and who hold its admission ticket may sit it.")
    if registration.attendance != PRESENT:
        return _("A proctor must check you in (admission ticket and identity) before you can "
                 "start.")
    return None


def attempts_of(user_id: int) -> list[ExamAttempt]:
    return list(db.session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == user_id)
                                   .order_by(ExamAttempt.started_at.desc())))


def open_attempt_of(user_id: int) -> ExamAttempt | None:
    """The person's attempt in progress, if any (practice is closed meanwhile)."""
    return db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.user_id == user_id, ExamAttempt.state.in_(OPEN_STATES)).limit(1))


def own_attempt(user_id: int, public_id: str) -> ExamAttempt | None:
    """The person's own attempt (None for anyone else's)."""
    return db.session.scalar(select(ExamAttempt).where(ExamAttempt.public_id == public_id,
                                                       ExamAttempt.user_id == user_id))


def start_attempt(user_id: int, session_public_id: str, now: datetime | None = None) -> ExamAttempt:
    """Start (or resume) the person's attempt at a session."""
    now = now or utcnow()
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == session_public_id))
    if session is None or session.cohort_id is not None and not exam_bank.in_cohort(
            user_id, session.cohort_id):
        raise ExamError(_("No such exam session."))
    refused = admission_problem(user_id, session)
    if refused:
        raise ExamError(refused)
    current = db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.user_id == user_id, ExamAttempt.level == session.level,
        ExamAttempt.state.in_(OPEN_STATES)))
    if current is not None:
        return current
    if not session.opens_at <= now < session.closes_at:
        raise ExamError(_("This session is not open now."))
    problem = eligibility_problem(user_id, session.level, now, session.certifying)
    if problem:
        raise ExamError(problem)
    rule = pools.scheme().levels[session.level]
    kept = resits.kept_part(user_id, session.level, now, session.certifying)
    first = "practical" if kept and kept[0] == "theory" else "theory"
    attempt = ExamAttempt(session_id=session.id, user_id=user_id, level=session.level,
                          state=first, started_at=now, part_started_at=now,
                          part_deadline=now + timedelta(
                              minutes=rule.part(first).time_limit_minutes))
    if kept:  # a resit: only the failed part is sat; the passed one is kept
        resits.carry(attempt, *kept)
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:  # the same exam started in another tab at the same moment
        db.session.rollback()
        return db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.user_id == user_id, ExamAttempt.level == session.level,
            ExamAttempt.state.in_(OPEN_STATES)))
    try:
        exam_bank.prepare_part(attempt, first, now)
    except exam_bank.PoolNotReady:
        db.session.rollback()
        raise ExamError(_("This exam cannot start now: its item pool or standard is not ready. "
                          "Please contact the exam office.")) from None
    _advance(attempt, now)
    commit_and_notify(attempt)
    return attempt


def current_item(attempt: ExamAttempt) -> Item | None:
    return db.session.get(Item, attempt.current_item_id) if attempt.current_item_id else None


def deadline_with_grace(attempt: ExamAttempt) -> datetime:
    return attempt.part_deadline + timedelta(seconds=pools.scheme().grace_seconds)


def submit_answer(attempt: ExamAttempt, sequence: int, answer: object,
                  now: datetime | None = None, duration_ms: int | None = None) -> ExamAttempt:
    """Score and store the answer to the current item, then choose what comes next."""
    now = now or utcnow()
    if attempt.state not in OPEN_STATES:
        raise StaleAnswer(_("This attempt is already finished."))
    if sequence != attempt.sequence:
        raise StaleAnswer(_("This page is out of date: the answer was already given or another "
                            "tab moved on. Reload to continue."))
    if now > deadline_with_grace(attempt):
        close_overdue_attempt(attempt.id, now)
        raise DeadlinePassed(_("Time is up for this part: answers after the deadline are not "
                               "accepted. Your earlier answers were kept."))
    item, part = current_item(attempt), attempt.state
    scorer = get_scorer(item.type_id)
    try:
        if scorer.human_scored:  # raters score it later; a blank answer scores 0 at once
            scorer.validate_answer(item.spec, answer)
            from talentpool.rating.answer_files import check_listing  # rating builds on exams

            try:
                check_listing(attempt, item, answer)
            except ValueError as error:
                raise ScoringError("answer.files", str(error)) from None
            result = scorer.compute(item.spec, item.gold, answer) \
                if scorer.is_empty(answer) else None
        else:
            result = scorer.score(item.spec, item.gold, answer)
    except ScoringError as error:
        raise ExamError(_("Your answer could not be scored: %(problem)s", problem=error)) from None
    claimed = db.session.execute(update(ExamAttempt).where(
        ExamAttempt.id == attempt.id, ExamAttempt.sequence == sequence,
        ExamAttempt.state.in_(OPEN_STATES)).values(sequence=sequence + 1))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise StaleAnswer(_("This page is out of date: the answer was already given or another "
                            "tab moved on. Reload to continue."))
    # The claim matched this sequence and an open state, so nothing else moved: no reload.
    set_committed_value(attempt, "sequence", sequence + 1)
    position = db.session.scalar(select(func.count()).select_from(ExamResponse).where(
        ExamResponse.attempt_id == attempt.id, ExamResponse.part == attempt.state))
    db.session.add(ExamResponse(attempt_id=attempt.id, item_id=item.id, part=attempt.state,
                                position=position, pretest=attempt.current_pretest,
                                answer=answer, score=result and result.value,
                                category=result and categorize(result.value, item.thresholds),
                                duration_ms=duration_ms, answered_at=now))
    _advance(attempt, now)
    if attempt.state != part:  # a part ended: graded, perhaps certified; reload after
        commit_and_notify(attempt)
        return attempt
    # A steady answer: the reply shows the next item, and the commit keeps the attempt as this
    # answer wrote it, so showing it reads only the item and the progress.
    with kept_loaded():
        commit_and_notify(attempt)
    return attempt


def _advance(attempt: ExamAttempt, now: datetime) -> None:
    """Pick the next item of the current part; end the part (and the attempt) when done."""
    while attempt.state in OPEN_STATES:
        choice = exam_bank.next_item(attempt, attempt.state, now)
        if choice is not None:
            first = attempt.current_item_id is None
            attempt.current_item_id, attempt.current_pretest = choice
            exposure.record(attempt.id, attempt.level, attempt.state, choice[0], now, first)
            return
        _end_part(attempt, now)


def _end_part(attempt: ExamAttempt, now: datetime, start_next: bool = True,
              ended_at: datetime | None = None) -> None:
    """Score the current part (ended at ``ended_at``, default ``now``); then start the
    practical part, or grade the attempt.

    The practical part starts only with ``start_next``, when it is not kept from an earlier
    sitting (a resit, ``resits``), and while its own clock (which starts when the theory part
    ended) has not run out by ``now``; otherwise the parts not yet started are left unstarted
    and score 0, "not attempted".
    """
    part = attempt.state
    _record_part(attempt, part)
    attempt.current_item_id, attempt.current_pretest = None, False
    rule = pools.scheme().levels[attempt.level]
    start = min(ended_at or now, attempt.part_deadline)  # an overdue part's clock kept running
    practical_deadline = start + timedelta(minutes=rule.practical.time_limit_minutes)
    practical_kept = resits.carried(attempt, "practical")
    if part == "theory" and start_next and not practical_kept and now <= practical_deadline \
            + timedelta(seconds=pools.scheme().grace_seconds):
        attempt.state, attempt.part_started_at = "practical", start
        attempt.part_deadline = practical_deadline
        exam_bank.prepare_part(attempt, "practical", now)
        return
    if part == "theory" and not practical_kept:
        _record_part(attempt, "practical")
    attempt.finished_at = now
    _grade(attempt, now)


def _record_part(attempt: ExamAttempt, part: str) -> None:
    result = grading.score_part(attempt, part)
    attempt.part_results = {**(attempt.part_results or {}), part: result}
    setattr(attempt, f"{part}_score",
            None if result["score"] is None else float(result["score"]))
    setattr(attempt, f"{part}_se", result.get("score_se"))


def finish(attempt: ExamAttempt, sequence: int, now: datetime | None = None) -> ExamAttempt:
    """Hand in now: unanswered items score in the lowest category and a part not yet started
    is not attempted; grades once."""
    now = now or utcnow()
    claimed = db.session.execute(update(ExamAttempt).where(
        ExamAttempt.id == attempt.id, ExamAttempt.sequence == sequence,
        ExamAttempt.state.in_(OPEN_STATES)).values(sequence=sequence + 1))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise StaleAnswer(_("This attempt was already finished or moved on. Reload the page."))
    db.session.refresh(attempt)
    if attempt.state in OPEN_STATES:
        _end_part(attempt, now, start_next=False)
    commit_and_notify(attempt)
    return attempt


def terminate(attempt: ExamAttempt, now: datetime) -> bool:
    """End the attempt in progress by a proctor's decision (no commit; the caller's use case
    commits): claimed like ``finish``, the parts are scored as they stand, the current one is
    marked "terminated", and the attempt fails — it never issues a certificate. False when the
    attempt was no longer in progress."""
    claimed = db.session.execute(update(ExamAttempt).where(
        ExamAttempt.id == attempt.id, ExamAttempt.sequence == attempt.sequence,
        ExamAttempt.state.in_(OPEN_STATES)).values(sequence=attempt.sequence + 1))
    if claimed.rowcount != 1:
        return False
    db.session.refresh(attempt)
    part = attempt.state
    _record_part(attempt, part)
    if part == "theory" and not resits.carried(attempt, "practical"):
        _record_part(attempt, "practical")
    results = dict(attempt.part_results or {})
    results[part] = {**results[part], "status": "terminated"}
    attempt.part_results = results
    attempt.current_item_id, attempt.current_pretest = None, False
    attempt.state, attempt.passed, attempt.finished_at = "failed", False, now
    return True


def close_overdue_attempt(attempt_id: int, now: datetime) -> None:
    """Close the overdue part(s) of one attempt and grade it when it ends; safe to call twice."""
    attempt = db.session.get(ExamAttempt, attempt_id)
    while attempt.state in OPEN_STATES and now > deadline_with_grace(attempt):
        claimed = db.session.execute(update(ExamAttempt).where(
            ExamAttempt.id == attempt.id, ExamAttempt.sequence == attempt.sequence,
            ExamAttempt.state == attempt.state).values(sequence=attempt.sequence + 1))
        if claimed.rowcount != 1:
            db.session.rollback()
            return
        db.session.refresh(attempt)
        _end_part(attempt, now, ended_at=attempt.part_deadline)
        if attempt.state in OPEN_STATES:
            _advance(attempt, now)
    commit_and_notify(attempt)


def close_overdue(now: datetime | None = None) -> str:
    """The scheduled job: close every attempt past its deadline and grade it (idempotent)."""
    now = now or utcnow()
    overdue = [a.id for a in db.session.scalars(select(ExamAttempt).where(
        ExamAttempt.state.in_(OPEN_STATES), ExamAttempt.part_deadline < now))]
    for attempt_id in overdue:
        close_overdue_attempt(attempt_id, now)
    return f"closed {len(overdue)} overdue attempts"


def _grade(attempt: ExamAttempt, now: datetime) -> None:
    """Decide pass/fail from the shown part scores (no commit). The certificate of a passed
    certifying sitting follows when its published results' appeal window has closed
    (``office.publication``); a mock exam never issues one."""
    rule = pools.scheme().levels[attempt.level]
    if grading.awaiting_rating(attempt):  # written work goes to raters; decided when rated
        from talentpool.rating import service as rating  # rating builds on the exam

        attempt.state = "awaiting_rating"
        rating.open_tasks(attempt, now)
        return
    parts_passed = grading.verdict(attempt)
    if parts_passed and rule.panel_review and attempt.session.certifying:  # mocks have none
        from talentpool.rating import panels  # the panel review builds on the exam

        attempt.state = "awaiting_panel"
        panels.open_hearing(attempt, now)
        return
    attempt.state = "passed" if parts_passed else "failed"
    attempt.passed = parts_passed


def complete_rating(attempt: ExamAttempt, now: datetime, severity: dict | None = None) -> None:
    """Every written answer of the sitting has its final rating: score the rated part (noting
    whether rater severity was adjusted, and why not) and decide the attempt (no commit: the
    rating's transaction)."""
    if attempt.state != "awaiting_rating":
        return
    _record_part(attempt, "practical")
    if severity is not None:
        results = dict(attempt.part_results)
        results["practical"] = {**results["practical"], "severity": severity}
        attempt.part_results = results
    _grade(attempt, now)


def commit_and_notify(attempt: ExamAttempt) -> None:
    """The use case's one commit; then, for a new certificate, the signal to other domains."""
    issued = db.session.info.pop("certificate_issued_for", None)
    db.session.commit()
    if issued is not None:
        from talentpool.certification.service import notify_certificate_change

        notify_certificate_change(attempt.user_id)


def issue_certificate(attempt: ExamAttempt, panel_score: float | None, now: datetime) -> None:
    """Sign the certificate of a passed attempt of a certifying sitting into the current
    transaction."""
    if not attempt.session.certifying:
        raise ExamError(_("A mock exam never issues a certificate."))
    from talentpool.accounts.models import User
    from talentpool.certification.service import add_certificate

    rule = pools.scheme().levels[attempt.level]
    results = attempt.part_results or {}
    decision = {part: {key: results.get(part, {}).get(key)
                       for key in ("score", "score_se", "theta", "se", "run", "standard",
                                   "carried_from", "passed_at")}
                for part in ("theory", "practical")}
    certificate = add_certificate(db.session.get(User, attempt.user_id), attempt.level,
                                  attempt.theory_score, attempt.practical_score,
                                  panel_score=panel_score, now=now,
                                  valid_years=rule.validity_years, decision=decision,
                                  organisation=attempt.session.organisation)
    attempt.certificate_serial = certificate.serial
    db.session.info["certificate_issued_for"] = attempt.user_id


def element_feedback(attempt: ExamAttempt, now: datetime) -> list[dict] | None:
    """Mean score per assessment element, only once the session's window has closed."""
    if now < attempt.session.closes_at:
        return None
    rows = db.session.execute(
        select(Item.element, func.count(), func.avg(ExamResponse.score))
        .join(Item, Item.id == ExamResponse.item_id)
        .where(ExamResponse.attempt_id == attempt.id, ExamResponse.pretest.is_(False))
        .group_by(Item.element).order_by(Item.element))
    return [{"element": element, "items": n, "mean": float(mean)} for element, n, mean in rows]


def progress(attempt: ExamAttempt) -> tuple[int, int]:
    """(answered in this part, the part's maximum length)."""
    rule = pools.scheme().levels[attempt.level].part(attempt.state)
    answered = db.session.scalar(select(func.count()).select_from(ExamResponse).where(
        ExamResponse.attempt_id == attempt.id, ExamResponse.part == attempt.state))
    if rule.mode == "fixed":
        return answered, len((attempt.form or {}).get(attempt.state, [])) or rule.length
    return answered, rule.max_items + len(rule.pretest_positions)

