"""Talent-pool tables: tiers, listing consents, profiles, employers and what they do.

Search reads only ``talent_profile`` and ``profile_skill``; both carry copies of the tier,
levels and skills (refreshed whenever a tier is recomputed) so that a search never has to
join the certificate or skill history tables. ``profile_search_text`` holds what each person
shows employers, normalised for keyword search (directory/keywords.py), in a table of its own
so that the profile rows that every other search reads stay narrow; PostgreSQL indexes it by
trigrams (the pg_trgm extension, created with the table).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DDL, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
    event, false, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talentpool.database import JSONType, new_public_id, utcnow
from talentpool.extensions import db

NO_LEVEL = 6  # best_level of a person without a valid certificate (levels run 5 → 1)


class TalentTier(db.Model):
    """A person's current tier with the reasons behind it (an automated decision, PIPL art. 24)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSONType, default=list)
    next_steps: Mapped[list] = mapped_column(JSONType, default=list)
    evidence: Mapped[dict] = mapped_column(JSONType, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ListingConsent(db.Model):
    """One consent given or withdrawn; append-only, so the history stays complete."""

    __table_args__ = (Index("ix_listing_consent_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))  # given | withdrawn
    fields: Mapped[list] = mapped_column(JSONType, default=list)
    notice_version: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TalentProfile(db.Model):
    """A trainee's entry in the pool; employers see only the fields named in the consent."""

    __table_args__ = (
        Index("ix_talent_profile_search_relevance", "listed", "relevance"),
        Index("ix_talent_profile_search_skill", "listed", "best_skill"),
        Index("ix_talent_profile_search_recent", "listed", "last_active_at").ddl_if(
            dialect="sqlite"),
        # PostgreSQL sorts NULLs first in a backward index scan; recency sorts put them last.
        Index("ix_talent_profile_search_recent_pg", "listed",
              text("last_active_at DESC NULLS LAST"), text("id DESC")).ddl_if(
            dialect="postgresql"),
        Index("ix_talent_profile_search_tier", "listed", "tier_rank", "relevance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    pool_name: Mapped[str] = mapped_column(String(40))
    headline: Mapped[str] = mapped_column(String(160), default="")
    region: Mapped[str] = mapped_column(String(40), default="")
    languages: Mapped[str] = mapped_column(String(80), default="")  # ",zh,en," for LIKE
    availability: Mapped[str] = mapped_column(String(16), default="open")
    phone: Mapped[str] = mapped_column(String(32), default="")
    share_region: Mapped[bool] = mapped_column(Boolean, default=False)
    share_languages: Mapped[bool] = mapped_column(Boolean, default=False)
    share_real_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # Copies refreshed with the tier, for fast search.
    tier: Mapped[str] = mapped_column(String(16), default="reserve")
    tier_rank: Mapped[int] = mapped_column(Integer, default=0)
    best_level: Mapped[int] = mapped_column(Integer, default=NO_LEVEL)
    best_skill: Mapped[float] = mapped_column(Float, default=0.0)
    relevance: Mapped[float] = mapped_column(Float, default=0.0)
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    skills: Mapped[list[ProfileSkill]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ProfileSkill.score.desc()")
    search_text: Mapped[ProfileSearchText | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True)


class ProfileSearchText(db.Model):
    """What a person shows employers, normalised for keyword search; rebuilt by the service
    whenever a shown text or the consent changes (directory/keywords.py)."""

    __table_args__ = (
        Index("ix_profile_search_text_trgm", "text", postgresql_using="gin",
              postgresql_ops={"text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("talent_profile.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


event.listen(ProfileSearchText.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class ProfileSkill(db.Model):
    """The current skill of a listed person in one track, with its uncertainty."""

    __table_args__ = (
        UniqueConstraint("profile_id", "track", name="uq_profile_skill_profile_track"),
        Index("ix_profile_skill_track_score", "track", "score", "profile_id"),
        Index("ix_profile_skill_track_relevance", "track", "relevance", "profile_id"),
        Index("ix_profile_skill_track_recent", "track", "last_active_at", "profile_id").ddl_if(
            dialect="sqlite"),
        Index("ix_profile_skill_track_recent_pg", "track", text("last_active_at DESC NULLS LAST"),
              text("profile_id DESC")).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profile.id", ondelete="CASCADE"))
    track: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    score_se: Mapped[float] = mapped_column(Float)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    relevance: Mapped[float] = mapped_column(Float, default=0.0)
    last_active_at: Mapped[datetime | None] = mapped_column(DateTime)  # copy, for sorting

    profile: Mapped[TalentProfile] = relationship(back_populates="skills")


class EmployerOrganisation(db.Model):
    """A company or lab; an admin verifies it before its members may search."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(120))
    website: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class EmployerMember(db.Model):
    """Which organisation an employer account belongs to."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("employer_organisation.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[EmployerOrganisation] = relationship()


class ProfileView(db.Model):
    """An employer opened a profile (page or API); the trainee can see who looked."""

    __table_args__ = (Index("ix_profile_view_profile_at", "profile_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("talent_profile.id", ondelete="CASCADE"))
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    organisation_name: Mapped[str] = mapped_column(String(120))
    channel: Mapped[str] = mapped_column(String(8), default="page")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Shortlist(db.Model):
    """An employer's named list of profiles; private to its owner."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entries: Mapped[list[ShortlistEntry]] = relationship(
        back_populates="shortlist", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ShortlistEntry.added_at")


class ShortlistEntry(db.Model):
    """A profile on a shortlist, with the employer's note."""

    __table_args__ = (UniqueConstraint("shortlist_id", "profile_id",
                                       name="uq_shortlist_entry_shortlist_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlist.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("talent_profile.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    shortlist: Mapped[Shortlist] = relationship(back_populates="entries")
    profile: Mapped[TalentProfile] = relationship()


class ContactRequest(db.Model):
    """An employer asks for a trainee's contact details; the trainee accepts or declines."""

    __table_args__ = (
        Index("uq_contact_request_open", "employer_id", "profile_id", unique=True,
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    employer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(120))
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("talent_profile.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    profile: Mapped[TalentProfile] = relationship()


class SavedSearch(db.Model):
    """A named set of search filters an employer can run again.

    With ``alert`` on, a daily job tells the employer how many profiles newly match it
    (directory/search_alerts.py): ``alert_seen`` holds the ids of the profiles that matched at
    its last run, ``alert_checked_at`` when that was.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    alert: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    alert_seen: Mapped[list | None] = mapped_column(JSONType)
    alert_checked_at: Mapped[datetime | None] = mapped_column(DateTime)


class ApiToken(db.Model):
    """A scoped, revocable employer API token; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
