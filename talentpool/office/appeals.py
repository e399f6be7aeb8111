"""Appeals (复核) of published results: a candidate asks for one part to be scored again.

A candidate files an appeal of a part of their own attempt while the sitting's appeal window is
open (``publication``); one appeal per part, with a reason. It goes to a rater other than the
one who scored the part: a rater (考评员) of the organisation — for the panel part also a panel
member (评审专家) — who is neither the candidate, nor their teacher (``cohorts.service.teaches``),
nor a member of the panel who scored the hearing. It is assigned at once to the eligible rater
with the fewest open appeals, or waits for the office administrator to assign one.

The theory and practical parts are scored by the machine, so their appeal is a re-check: the
rater sees every scored answer of the part with its gold and automatic score, may correct
individual scores, and the part is estimated again exactly as at grading
(``grading.score_part``); the panel part gets a new panel score, passed against the hearing's
pass mark. The verdict is then decided again (a failed attempt may pass, a passed one fail; both written to the audit log with the
values before and after), the candidate is told, and a certificate now due is issued.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.mail import send_mail
from talentpool.accounts.models import User
from talentpool.assessment import grading, pools, resits
from talentpool.assessment.models import ExamAttempt, ExamResponse, ExamSession
from talentpool.cohorts.service import teaches
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.notifications.service import notify, site_path
from talentpool.office import publication
from talentpool.office.models import APPEAL_DECIDED, APPEAL_OPEN, APPEAL_PARTS, Appeal
from talentpool.organisations.audit import record
from talentpool.organisations.models import OfficeRole, Organisation, OrganisationMember
from talentpool.scoring import ScoringError, categorize
from talentpool.timezones import local_text

UPHELD, CHANGED = "upheld", "changed"
MAX_REASON = 4000


class AppealError(Exception):
    """A refused appeal action; ``str(error)`` says what went wrong and what to do."""


def _stamp(moment: datetime) -> str:
    return local_text(moment)


def appealable_parts(attempt: ExamAttempt) -> list[str]:
    """The parts of a graded attempt that can be appealed here: sat in this attempt (not kept
    from an earlier sitting, not "not attempted"), and the panel part once reviewed."""
    results = attempt.part_results or {}
    parts = [part for part in ("theory", "practical") if part in results
             and not resits.carried(attempt, part)
             and results[part].get("status") != grading.NOT_ATTEMPTED]
    return parts + (["panel"] if attempt.panel_score is not None else [])


def file_appeal(user, attempt_public_id: str, part: str, reason: str,
                now: datetime | None = None) -> Appeal:
    """File the candidate's appeal of one part of their own published result; commits, then
    tells the assigned rater. Nothing is written when it is refused."""
    now = (now or utcnow()).replace(microsecond=0)
    attempt = db.session.scalar(select(ExamAttempt).where(
        ExamAttempt.public_id == attempt_public_id, ExamAttempt.user_id == user.id))
    session = attempt.session if attempt is not None else None
    if session is None or not session.certifying:
        raise AppealError(_("No such result of yours can be appealed."))
    if session.results_published_at is None:
        raise AppealError(_("The results of this sitting are not published yet; you can ask "
                            "for a re-check once they are."))
    if now >= session.appeal_closes_at:
        raise AppealError(_("The appeal window of this sitting closed on %(date)s; "
                            "appeals are no longer accepted.",
                            date=_stamp(session.appeal_closes_at)))
    if part not in APPEAL_PARTS or part not in appealable_parts(attempt):
        raise AppealError(_("This part cannot be appealed here: choose a part you sat in this "
                            "sitting (a part kept from an earlier sitting is appealed there)."))
    reason = (reason or "").strip()
    if not reason:
        raise AppealError(_("Say why the part should be scored again."))
    if db.session.scalar(select(Appeal.id).where(Appeal.attempt_id == attempt.id,
                                                 Appeal.part == part)) is not None:
        raise AppealError(_("You have already appealed this part; each part can be appealed "
                            "once."))
    appeal = Appeal(attempt_id=attempt.id, part=part, reason=reason[:MAX_REASON], filed_at=now)
    candidates = eligible_raters(attempt, part)
    rater = _least_busy(candidates)
    appeal.rater_id = rater.id if rater else None
    db.session.add(appeal)
    db.session.flush()
    record(session.organisation_id, user, "appeal.file", appeal.public_id,
           after={"attempt": attempt.public_id, "part": part,
                  "rater": rater.email if rater else None}, now=now)
    if rater is not None:
        _notify_rater(rater, appeal, session)
    try:
        db.session.commit()
    except IntegrityError:  # the same part appealed at the same moment in another tab
        db.session.rollback()
        raise AppealError(_("You have already appealed this part; each part can be appealed "
                            "once.")) from None
    if rater is not None:
        _tell_rater(rater, session)
    return appeal


def eligible_raters(attempt: ExamAttempt, part: str) -> list[User]:
    """Who may decide an appeal of the attempt's part (see the module docstring)."""
    roles = (OfficeRole.RATER, OfficeRole.PANEL_MEMBER) if part == "panel" else (
        OfficeRole.RATER,)
    people = db.session.scalars(select(User).join(
        OrganisationMember, OrganisationMember.user_id == User.id).where(
        OrganisationMember.organisation_id == attempt.session.organisation_id,
        OrganisationMember.role.in_(roles), User.active.is_(True)).distinct().order_by(User.id))
    from talentpool.rating.hearings import members_who_scored  # rating builds on the office

    scored = members_who_scored(attempt.id) if part == "panel" else set()
    return [person for person in people if person.id != attempt.user_id
            and person.id not in scored and not teaches(person.id, attempt.user_id)]


def _least_busy(people: list[User]) -> User | None:
    if not people:
        return None
    load = dict(db.session.execute(select(Appeal.rater_id, func.count()).where(
        Appeal.state == APPEAL_OPEN, Appeal.rater_id.in_([p.id for p in people]))
        .group_by(Appeal.rater_id)).all())
    return min(people, key=lambda person: (load.get(person.id, 0), person.id))


def _notify_rater(rater: User, appeal: Appeal, session: ExamSession) -> None:
    """The in-app notice of an assignment (the mail of ``_tell_rater`` stays the e-mail)."""
    notify(rater.id, "appeal_assigned", {"title": session.title},
           site_path("office.appeal", slug=session.organisation.slug, public_id=appeal.public_id),
           mail=False)


def _tell_rater(rater: User, session: ExamSession) -> None:
    send_mail(rater.email, _("An appeal (复核) is assigned to you"),
              _("An appeal of a result of %(title)s is assigned to you. Open your appeals in "
                "the assessment office to re-check it.", title=session.title))


def own_appeal(organisation: Organisation, appeal_public_id: str
               ) -> tuple[Appeal, ExamAttempt] | None:
    """The appeal with this id of one of the organisation's sittings, with its attempt."""
    row = db.session.execute(select(Appeal, ExamAttempt).join(
        ExamAttempt, ExamAttempt.id == Appeal.attempt_id).join(
        ExamSession, ExamSession.id == ExamAttempt.session_id).where(
        Appeal.public_id == appeal_public_id,
        ExamSession.organisation_id == organisation.id)).first()
    return None if row is None else (row[0], row[1])


def assign(organisation: Organisation, appeal_public_id: str, rater_public_id: str, actor,
           now: datetime | None = None) -> Appeal:
    """The office administrator assigns an open appeal to an eligible rater; commits, then
    tells the rater."""
    found = own_appeal(organisation, appeal_public_id)
    if found is None or found[0].state != APPEAL_OPEN:
        raise AppealError(_("This appeal is not open (any more); reload the page."))
    appeal, attempt = found
    rater = next((person for person in eligible_raters(attempt, appeal.part)
                  if person.public_id == rater_public_id), None)
    if rater is None:
        raise AppealError(_("Choose a rater who may decide this appeal: a rater of the "
                            "organisation (or panel member for the panel part) who neither "
                            "scored the part, nor is the candidate or teaches them."))
    before = db.session.get(User, appeal.rater_id) if appeal.rater_id else None
    appeal.rater_id = rater.id
    record(organisation.id, actor, "appeal.assign", appeal.public_id,
           before={"rater": before.email if before else None}, after={"rater": rater.email},
           now=now)
    _notify_rater(rater, appeal, attempt.session)
    db.session.commit()
    _tell_rater(rater, attempt.session)
    return appeal


def decide(organisation: Organisation, appeal_public_id: str, actor, reason: str,
           corrections: dict[int, float] | None = None, panel_score: float | None = None,
           now: datetime | None = None) -> Appeal:
    """The assigned rater decides the appeal: corrected answer scores (response id → score in
    0–1) of a theory or practical part, or a new panel score; the part is scored and the
    attempt decided again. One commit; then the candidate is told and a due certificate
    issued."""
    now = (now or utcnow()).replace(microsecond=0)
    found = own_appeal(organisation, appeal_public_id)
    if found is None:
        raise AppealError(_("No such appeal of this organisation."))
    appeal, attempt = found
    if appeal.state != APPEAL_OPEN:
        raise AppealError(_("This appeal was already decided on %(date)s.",
                            date=_stamp(appeal.decided_at)))
    if appeal.rater_id != getattr(actor, "id", None) or actor.id not in {
            person.id for person in eligible_raters(attempt, appeal.part)}:
        raise AppealError(_("Only the rater this appeal is assigned to can decide it."))
    reason = (reason or "").strip()
    if not reason:
        raise AppealError(_("Give the reason for the decision; the candidate reads it."))
    if attempt.certificate_serial is not None or attempt.state not in (
            "passed", "failed", "awaiting_panel"):
        raise AppealError(_("This attempt is no longer a published result that can be scored "
                            "again; ask the office administrator."))
    before = _decision_record(attempt)
    if appeal.part == "panel":
        changes = _new_panel_score(attempt, panel_score)
    else:
        changes = _correct_responses(attempt, appeal.part, corrections or {})
    _redecide(attempt)
    after = _decision_record(attempt)
    appeal.state, appeal.decision_reason, appeal.decided_at = (
        APPEAL_DECIDED, reason[:MAX_REASON], now)
    appeal.score_before, appeal.score_after = before[appeal.part], after[appeal.part]
    record(organisation.id, actor, "appeal.decide", appeal.public_id,
           before=before, after={**after, "outcome": outcome(appeal), "changes": changes,
                                 "attempt": attempt.public_id}, now=now)
    notify(attempt.user_id, "appeal_decided",
           {"part": appeal.part, "title": attempt.session.title, "outcome": outcome(appeal),
            "score": appeal.score_after},
           site_path("exams.attempt", public_id=attempt.public_id), mail=False)
    db.session.commit()
    _tell_candidate(attempt, appeal)
    publication.release_attempt(attempt, now)
    return appeal


def outcome(appeal: Appeal) -> str | None:
    """``upheld`` (the score stands) or ``changed``; None while open."""
    if appeal.state != APPEAL_DECIDED:
        return None
    return UPHELD if appeal.score_after == appeal.score_before else CHANGED


def _decision_record(attempt: ExamAttempt) -> dict:
    return {"theory": attempt.theory_score, "practical": attempt.practical_score,
            "panel": attempt.panel_score, "state": attempt.state, "passed": attempt.passed}


def _new_panel_score(attempt: ExamAttempt, score: float | None) -> list[dict]:
    if score is None or not 0 <= score <= 100:
        raise AppealError(_("Give the new panel score, from 0 to 100."))
    change = [{"panel": {"before": attempt.panel_score, "after": float(score)}}]
    attempt.panel_score = float(score)
    return change


def _correct_responses(attempt: ExamAttempt, part: str,
                       corrections: dict[int, float]) -> list[dict]:
    """Apply the corrected scores to the part's scored answers and estimate the part again."""
    rows = {row.id: row for row in scored_responses(attempt, part)}
    changes = []
    for response_id, value in corrections.items():
        row = rows.get(response_id)
        if row is None:
            raise AppealError(_("A corrected answer is not a scored answer of this part; "
                                "reload the page and try again."))
        try:
            category = categorize(value, row.item.thresholds)
        except ScoringError:
            raise AppealError(_("A corrected score must be a number from 0 to 1.")) from None
        if (row.score, row.category) != (value, category):
            changes.append({"item": row.item.public_id, "score": [row.score, value],
                            "category": [row.category, category]})
            row.score, row.category = float(value), category
    if changes:
        db.session.flush()
        result = grading.score_part(attempt, part)
        attempt.part_results = {**(attempt.part_results or {}), part: result}
        setattr(attempt, f"{part}_score", float(result["score"]))
        setattr(attempt, f"{part}_se", result.get("score_se"))
    return changes


def _redecide(attempt: ExamAttempt) -> None:
    """Pass/fail again from the part scores (``grading.verdict``, carried parts included) and,
    at levels with a panel review, the panel score; parts newly passed without a panel review
    yet wait for one."""
    parts_passed = grading.verdict(attempt)
    if parts_passed and pools.scheme().levels[attempt.level].panel_review:
        from talentpool.rating import hearings, panels  # rating builds on the office

        if attempt.panel_score is None:
            attempt.state, attempt.passed = "awaiting_panel", None
            if attempt.session.certifying and hearings.hearing_of(attempt.id) is None:
                panels.open_hearing(attempt, utcnow())
            return
        parts_passed = hearings.panel_passed(attempt)
    attempt.state = "passed" if parts_passed else "failed"
    attempt.passed = parts_passed


def _tell_candidate(attempt: ExamAttempt, appeal: Appeal) -> None:
    person = db.session.get(User, attempt.user_id)
    if person is None:
        return
    score = "–" if appeal.score_after is None else f"{appeal.score_after:.0f}"
    send_mail(person.email, _("Your appeal (复核) is decided"),
              _("Your appeal of the %(part)s part of %(title)s is decided: %(outcome)s. The "
                "part's score is now %(score)s. Reason: %(reason)s", part=part_label(appeal.part),
                title=attempt.session.title, score=score, reason=appeal.decision_reason,
                outcome=(_("the score stands") if outcome(appeal) == UPHELD
                         else _("the score was changed"))))


def part_label(part: str) -> str:
    """The part's translated name."""
    return {"theory": _("theory"), "practical": _("practical"), "panel": _("panel review")}[part]


def scored_responses(attempt: ExamAttempt, part: str) -> list[ExamResponse]:
    """The part's answers that count (pretest answers never do), in the order given."""
    return list(db.session.scalars(select(ExamResponse).where(
        ExamResponse.attempt_id == attempt.id, ExamResponse.part == part,
        ExamResponse.pretest.is_(False)).order_by(ExamResponse.position)))


def appeals_of(organisation: Organisation) -> list[tuple[Appeal, ExamAttempt]]:
    """Every appeal of the organisation's sittings, open ones first, newest first."""
    return _listed(ExamSession.organisation_id == organisation.id)


def appeals_for_rater(user, organisation: Organisation | None = None
                      ) -> list[tuple[Appeal, ExamAttempt]]:
    """The appeals assigned to the rater (in one organisation, or all), open ones first."""
    where = [Appeal.rater_id == user.id]
    if organisation is not None:
        where.append(ExamSession.organisation_id == organisation.id)
    return _listed(*where)


def appeals_of_attempt(attempt: ExamAttempt) -> list[Appeal]:
    """The attempt's appeals, in the order filed."""
    return list(db.session.scalars(select(Appeal).where(Appeal.attempt_id == attempt.id)
                                   .order_by(Appeal.id)))


def _listed(*where) -> list[tuple[Appeal, ExamAttempt]]:
    rows = db.session.execute(select(Appeal, ExamAttempt).join(
        ExamAttempt, ExamAttempt.id == Appeal.attempt_id).join(
        ExamSession, ExamSession.id == ExamAttempt.session_id).where(*where).order_by(
        (Appeal.state == APPEAL_OPEN).desc(), Appeal.filed_at.desc(), Appeal.id.desc()))
    return [(appeal, attempt) for appeal, attempt in rows]
