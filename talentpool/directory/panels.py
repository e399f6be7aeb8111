"""Small summaries of the talent pool for the home pages."""

from __future__ import annotations

from sqlalchemy import func, select

from talentpool.directory import employers
from talentpool.directory.models import ContactRequest, Shortlist
from talentpool.directory.placement import recompute_tier, tier_of
from talentpool.directory.profiles import profile_of
from talentpool.directory.tiers import tier_by_id
from talentpool.extensions import db


def trainee_panel(user_id: int, locale: str) -> dict:
    """Tier, listing state and pending requests of a trainee."""
    tier = tier_of(user_id) or recompute_tier(user_id)
    profile = profile_of(user_id)
    pending = sum(1 for r in employers.received_requests(profile) if r.status == "pending")
    found = tier_by_id(tier.tier)
    return {"tier_name": found.name(locale) if found else tier.tier,
            "listed": bool(profile and profile.listed), "pending_requests": pending}


def employer_panel(user_id: int) -> dict:
    """Verification state, shortlists and request counts of an employer."""
    counts = dict(db.session.execute(select(ContactRequest.status, func.count())
                                     .where(ContactRequest.employer_id == user_id)
                                     .group_by(ContactRequest.status)).all())
    shortlists = db.session.scalar(select(func.count()).select_from(Shortlist)
                                   .where(Shortlist.owner_id == user_id))
    return {"registered": employers.organisation_of(user_id) is not None,
            "verified": employers.is_verified_employer(user_id), "shortlists": shortlists or 0,
            "pending": counts.get("pending", 0), "accepted": counts.get("accepted", 0)}
