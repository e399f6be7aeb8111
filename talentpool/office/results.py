"""Published results (成绩公示): what a candidate sees of their own result, and the public list.

A certifying sitting's scores and verdicts stay with the office until it publishes them
(``publication.publish``): before, the candidate reads only "graded"; after, the part scores,
the verdict, the appeal deadline and — while the window is open — the appeal form. A mock exam's
result shows at once, as before.

If the organisation chooses (``Organisation.public_results``), the published results are also a
public list at ``/issuers/<slug>/results/<sitting>``: the candidates who passed, with masked
name and identity number, level and result. Failed candidates and every score stay private:
the list exists to let the public check who was certified, and a score adds nothing to that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.certification.holders import identity_of
from talentpool.certification.identity import mask_id_number
from talentpool.certification.names import mask_name
from talentpool.extensions import db
from talentpool.office import appeals
from talentpool.office.models import Registration
from talentpool.organisations.models import Organisation
from talentpool.organisations.service import by_slug


def hidden(attempt: ExamAttempt) -> bool:
    """Whether the attempt's scores and verdict are still withheld from the candidate: graded
    in a certifying sitting whose results are not published yet."""
    return attempt.session.certifying and attempt.session.results_published_at is None


@dataclass(frozen=True)
class CandidateResult:
    """What the candidate's result page shows about publication and appeals."""

    hidden: bool
    published_at: datetime | None
    appeal_closes_at: datetime | None
    window_open: bool
    appealable: list[str]  # parts that can still be appealed now
    appeals: list  # the candidate's appeals of this attempt


def candidate_result(attempt: ExamAttempt, now: datetime) -> CandidateResult:
    """The publication and appeal state of the candidate's own graded attempt."""
    session = attempt.session
    if not session.certifying:
        return CandidateResult(False, None, None, False, [], [])
    if hidden(attempt):
        return CandidateResult(True, None, None, False, [], [])
    filed = appeals.appeals_of_attempt(attempt)
    window_open = now < session.appeal_closes_at
    taken = {appeal.part for appeal in filed}
    parts = [part for part in appeals.appealable_parts(attempt) if part not in taken] \
        if window_open else []
    return CandidateResult(False, session.results_published_at, session.appeal_closes_at,
                           window_open, parts, filed)


@dataclass(frozen=True)
class PublicRow:
    masked_name: str
    masked_id_number: str | None
    level: int
    passed: bool


def public_list(slug: str, sitting_public_id: str
                ) -> tuple[Organisation, ExamSession, list[PublicRow]] | None:
    """The public list of a sitting's published results, or None when there is none to show
    (unknown, not published, or the organisation does not publish lists)."""
    organisation = by_slug(slug)
    if organisation is None or not organisation.public_results:
        return None
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == sitting_public_id,
        ExamSession.organisation_id == organisation.id))
    if session is None or not session.certifying or session.results_published_at is None:
        return None
    rows = db.session.execute(select(ExamAttempt, Registration).outerjoin(
        Registration, (Registration.sitting_id == ExamAttempt.session_id)
        & (Registration.user_id == ExamAttempt.user_id)).where(
        ExamAttempt.session_id == session.id, ExamAttempt.state == "passed")
        .order_by(Registration.seat, ExamAttempt.id)).all()
    listed = []
    for attempt, registration in rows:
        document = identity_of(attempt.user_id)
        name = registration.candidate_name if registration else ""
        listed.append(PublicRow(mask_name(name or "") or "*",
                                mask_id_number(document.id_number) if document else None,
                                attempt.level, True))
    return organisation, session, listed


def office_rows(session: ExamSession) -> list[dict]:
    """The sitting's attempts for its office: candidate, state, part scores, appeals."""
    rows = db.session.execute(select(ExamAttempt, Registration).outerjoin(
        Registration, (Registration.sitting_id == ExamAttempt.session_id)
        & (Registration.user_id == ExamAttempt.user_id)).where(
        ExamAttempt.session_id == session.id).order_by(Registration.seat, ExamAttempt.id)).all()
    return [{"attempt": attempt, "name": registration.candidate_name if registration else "–",
             "appeals": appeals.appeals_of_attempt(attempt)} for attempt, registration in rows]
