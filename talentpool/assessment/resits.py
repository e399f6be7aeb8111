"""Resits (补考): a candidate who passed one part and failed the other sits only the failed part
within the resit window (``RESIT_WINDOW_DAYS``, default 365), keeping the passed part's score.

The kept part is the one passed in the person's latest failed attempt of the level; it stays
valid for the window counted from the sitting in which it was passed, also through further
resits. Its result (score, SE, θ̂, the calibration run and standard that decided it) is carried
into the new attempt with ``carried_from`` and ``passed_at``, so the certificate's decision
record names where each part was decided.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from talentpool.assessment.grading import passes
from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.extensions import db

PARTS = ("theory", "practical")
DEFAULT_WINDOW_DAYS = 365


def window() -> timedelta:
    """How long a passed part is kept for a resit."""
    return timedelta(days=current_app.config.get("RESIT_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def kept_part(user_id: int, level: int, now: datetime,
              certifying: bool = True) -> tuple[str, dict] | None:
    """(part, result to carry) when the person's latest failed attempt of the level — of a
    certifying sitting, or of a mock exam for a mock — passed exactly one part and that part
    was passed within the window; otherwise None."""
    kind = ExamSession.plan_id.is_not(None) if certifying else ExamSession.plan_id.is_(None)
    latest = db.session.scalar(select(ExamAttempt).join(
        ExamSession, ExamSession.id == ExamAttempt.session_id).where(
        ExamAttempt.user_id == user_id, ExamAttempt.level == level,
        ExamAttempt.state == "failed", ExamAttempt.finished_at.is_not(None), kind)
        .order_by(ExamAttempt.finished_at.desc(), ExamAttempt.id.desc()).limit(1))
    if latest is None:
        return None
    results = latest.part_results or {}
    passed = [part for part in PARTS if results.get(part, {}).get("status") != "not_attempted"
              and passes(results.get(part, {}).get("score", 0))]
    if len(passed) != 1:
        return None
    part = passed[0]
    result = results[part]
    passed_at = result.get("passed_at") or _stamp(latest.finished_at)
    if datetime.fromisoformat(passed_at) < now - window():
        return None
    return part, {**result, "carried_from": result.get("carried_from") or latest.public_id,
                  "passed_at": passed_at}


def carried(attempt: ExamAttempt, part: str) -> bool:
    """Whether ``part`` of the attempt was kept from an earlier sitting (not sat here)."""
    return bool((attempt.part_results or {}).get(part, {}).get("carried_from"))


def carry(attempt: ExamAttempt, part: str, result: dict) -> None:
    """Put the kept part's result into the new attempt (no commit)."""
    attempt.part_results = {**(attempt.part_results or {}), part: result}
    setattr(attempt, f"{part}_score", float(result["score"]))
    setattr(attempt, f"{part}_se", result.get("score_se"))
