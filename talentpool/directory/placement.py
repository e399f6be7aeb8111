"""Tier placement: gather a person's evidence, place them, store the tier with its reasons.

Called for one person right after a certificate (or a recognition) is issued or revoked
(``on_certificate_event``) and for everyone by the daily job (``recompute_all_tiers``),
which also catches certificates that expired and activity that grew old.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from talentpool.accounts.models import User
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.recognition.service import held_levels
from talentpool.database import utcnow, will_write
from talentpool.directory.keywords import refresh_search_text
from talentpool.directory.models import NO_LEVEL, ProfileSkill, TalentProfile, TalentTier
from talentpool.directory.tiers import Evidence, Placement, load_rules, place
from talentpool.extensions import db
from talentpool.practice import skills as skill_estimates
from talentpool.practice.models import Response

TIER_WEIGHT = 10.0   # relevance points per tier step
LEVEL_WEIGHT = 4.0   # relevance points per certificate level


def relevance(score: float, tier_rank: int, best_level: int) -> float:
    """Default ranking: skill, plus a bonus for the tier and the certificate level."""
    return round(score + TIER_WEIGHT * tier_rank + LEVEL_WEIGHT * (NO_LEVEL - best_level), 3)


def last_activity(user_id: int) -> datetime | None:
    """The latest practice answer or exam start of the person."""
    answered = db.session.scalar(select(func.max(Response.created_at))
                                 .where(Response.user_id == user_id))
    examined = db.session.scalar(select(func.max(ExamAttempt.started_at))
                                 .where(ExamAttempt.user_id == user_id))
    moments = [moment for moment in (answered, examined) if moment is not None]
    return max(moments) if moments else None


def gather_evidence(user_id: int, now: datetime) -> tuple[Evidence, dict]:
    """The evidence for a placement, and the skill rows it used (track → estimate)."""
    levels = held_levels(user_id, now)
    current = skill_estimates.current(user_id)
    evidence = Evidence(best_level=min(levels) if levels else None,
                        skills={track: row.score for track, row in current.items()},
                        last_active_at=last_activity(user_id))
    return evidence, current


def store_placement(user_id: int, placement: Placement, evidence: Evidence,
                    now: datetime) -> TalentTier:
    """Write the tier row (the caller commits)."""
    will_write()
    row = db.session.get(TalentTier, user_id) or TalentTier(user_id=user_id)
    row.tier, row.rank = placement.tier.id, placement.tier.rank
    row.reasons, row.next_steps = placement.reasons, placement.next_steps
    row.evidence = {"best_level": evidence.best_level, "skills": evidence.skills,
                    "last_active_at": evidence.last_active_at.isoformat(timespec="seconds")
                    if evidence.last_active_at else None}
    row.computed_at = now
    db.session.add(row)
    return row


def refresh_profile(profile: TalentProfile, tier: TalentTier, evidence: Evidence,
                    current: dict) -> None:
    """Copy tier, level, skills and activity onto the searchable profile, and rebuild its
    search text, which names its tracks (the caller commits)."""
    best_level = evidence.best_level or NO_LEVEL
    profile.tier, profile.tier_rank, profile.best_level = tier.tier, tier.rank, best_level
    profile.best_skill = round(max(evidence.skills.values(), default=0.0), 3)
    profile.relevance = relevance(profile.best_skill, tier.rank, best_level)
    profile.last_active_at = evidence.last_active_at
    existing = {skill.track: skill for skill in profile.skills}
    for track, row in current.items():
        skill = existing.pop(track, None) or ProfileSkill(track=track)
        skill.score, skill.score_se = round(row.score, 3), round(row.score_se, 3)
        skill.provisional = row.provisional
        skill.relevance = relevance(skill.score, tier.rank, best_level)
        skill.last_active_at = evidence.last_active_at
        if skill.id is None:
            profile.skills.append(skill)
    for stale in existing.values():
        profile.skills.remove(stale)
    refresh_search_text(profile)


def place_person(user_id: int, now: datetime) -> TalentTier:
    """Place one person and refresh their profile copy (the caller commits)."""
    evidence, current = gather_evidence(user_id, now)
    tier = store_placement(user_id, place(evidence, load_rules(), now), evidence, now)
    profile = db.session.scalar(select(TalentProfile).where(TalentProfile.user_id == user_id))
    if profile is not None:
        refresh_profile(profile, tier, evidence, current)
    return tier


def recompute_tier(user_id: int, now: datetime | None = None) -> TalentTier:
    """Place one person again and store the result; commits."""
    tier = place_person(user_id, now or utcnow())
    db.session.commit()
    return tier


def on_certificate_event(_sender=None, user_id: int | None = None) -> None:
    """Receiver of ``certificate_changed``: the holder's tier changes at once."""
    if user_id is not None:
        recompute_tier(user_id)


def recompute_all_tiers(now: datetime | None = None, batch: int = 500) -> str:
    """Place every trainee again (daily job; expiry and old activity count here); one commit."""
    now = now or utcnow()
    user_ids = list(db.session.scalars(select(User.id).where(User.role == Role.TRAINEE)
                                       .order_by(User.id)))
    for number, user_id in enumerate(user_ids, start=1):
        place_person(user_id, now)
        if number % batch == 0:
            db.session.flush()
    db.session.commit()
    return f"recomputed the tier of {len(user_ids)} trainees"


def tier_of(user_id: int) -> TalentTier | None:
    """The stored tier of a person, or None before the first placement."""
    return db.session.get(TalentTier, user_id)
