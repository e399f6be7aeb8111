"""Employer search over listed profiles.

Only listed profiles are searched, and a filter on an optional field (region, languages)
matches only people who chose to show that field, so a filter can never reveal a value
that was not shared (SECURITY row 12). Pages are fetched with one extra row to know whether
a next page exists, which spares a full count on large pools.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.database import utcnow
from talentpool.directory.models import ProfileSkill, TalentProfile
from talentpool.directory.privacy import AVAILABILITY, LANGUAGES
from talentpool.directory.tiers import load_rules
from talentpool.extensions import db

PAGE_SIZE = 20
MAX_PAGE = 500
SORTS = ("relevance", "skill", "recent")
ACTIVE_WITHIN = (7, 30, 90, 365)
SELECTIVE_SKILL = 85


@dataclass(frozen=True)
class SearchQuery:
    """Checked search filters; unknown or malformed values are dropped, never an error."""

    track: str = ""
    min_level: int | None = None   # certificate level this high or higher (5 → 1)
    min_skill: int | None = None
    tier: str = ""
    language: str = ""
    region: str = ""
    availability: str = ""
    active_days: int | None = None
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> SearchQuery:
        """Parse request arguments (or a saved search's mapping)."""
        def number(name: str, low: int, high: int) -> int | None:
            try:
                value = int(str(args.get(name, "")).strip())
            except ValueError:
                return None
            return value if low <= value <= high else None

        tiers = {tier.id for tier in load_rules()}
        text = {name: str(args.get(name, "") or "").strip() for name in
                ("track", "tier", "language", "region", "availability", "sort")}
        active = number("active_days", 1, 3650)
        return cls(
            track=text["track"] if text["track"] in TRACKS_BY_ID else "",
            min_level=number("min_level", 1, 5), min_skill=number("min_skill", 0, 100),
            tier=text["tier"] if text["tier"] in tiers else "",
            language=text["language"] if text["language"] in LANGUAGES else "",
            region=text["region"][:40],
            availability=text["availability"] if text["availability"] in AVAILABILITY else "",
            active_days=active if active in ACTIVE_WITHIN else None,
            sort=text["sort"] if text["sort"] in SORTS else "relevance",
            page=number("page", 1, MAX_PAGE) or 1)

    def as_args(self, **changes) -> dict:
        """The filters as URL arguments, without empty ones (for links and saved searches)."""
        values = {**asdict(self), **changes}
        return {key: value for key, value in values.items()
                if value not in ("", None) and not (key == "page" and value == 1)
                and not (key == "sort" and value == "relevance")}

    def is_empty(self) -> bool:
        """No filter chosen (sorting and paging aside)."""
        return not any(getattr(self, f.name) not in ("", None) for f in fields(self)
                       if f.name not in ("sort", "page"))


@dataclass(frozen=True)
class SearchPage:
    profiles: list[TalentProfile]
    page: int
    has_next: bool


def _walk_order_index(column, keep_index: bool):
    """The column as is, or wrapped so that no index is used for filtering on it.

    Results come a page at a time, so walking the index of the sort order and filtering as
    it goes stops after a page; a range filter that the planner would rather use on its own
    index makes it collect and sort every match instead (tens of thousands on a big pool).
    """
    return column if keep_index else func.coalesce(column, column)


def build_query(query: SearchQuery) -> Select:
    """The SELECT of matching listed profiles in the requested order."""
    by_recency = query.sort == "recent"
    # A high minimum skill matches few people: then its own index is the faster way in.
    by_skill = query.sort == "skill" or (query.min_skill or 0) >= SELECTIVE_SKILL
    statement = select(TalentProfile).where(TalentProfile.listed.is_(True))
    tier_ranks = {tier.id: tier.rank for tier in load_rules()}
    if query.track:
        statement = statement.join(ProfileSkill, ProfileSkill.profile_id == TalentProfile.id) \
            .where(ProfileSkill.track == query.track)
        if query.min_skill is not None:
            statement = statement.where(
                _walk_order_index(ProfileSkill.score, by_skill) >= query.min_skill)
    elif query.min_skill is not None:
        statement = statement.where(
            _walk_order_index(TalentProfile.best_skill, by_skill) >= query.min_skill)
    if query.min_level is not None:
        statement = statement.where(TalentProfile.best_level <= query.min_level)
    if query.tier:
        statement = statement.where(TalentProfile.tier_rank == tier_ranks[query.tier])
    if query.language:
        statement = statement.where(TalentProfile.share_languages.is_(True),
                                    TalentProfile.languages.contains(f",{query.language},"))
    if query.region:
        statement = statement.where(TalentProfile.share_region.is_(True),
                                    TalentProfile.region == query.region)
    if query.availability:
        statement = statement.where(TalentProfile.availability == query.availability)
    active = ProfileSkill.last_active_at if query.track else TalentProfile.last_active_at
    if query.active_days:
        statement = statement.where(_walk_order_index(active, by_recency)
                                    >= utcnow() - timedelta(days=query.active_days))
    if query.sort == "recent":
        order = [active.desc().nulls_last()]
    elif query.sort == "skill":
        order = [(ProfileSkill.score if query.track else TalentProfile.best_skill).desc()]
    else:
        order = [(ProfileSkill.relevance if query.track else TalentProfile.relevance).desc()]
    tie = ProfileSkill.profile_id if query.track else TalentProfile.id
    return statement.order_by(*order, tie.desc())


def search(query: SearchQuery, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of results."""
    statement = (build_query(query).options(selectinload(TalentProfile.skills))
                 .offset((query.page - 1) * page_size).limit(page_size + 1))
    rows = list(db.session.scalars(statement))
    return SearchPage(rows[:page_size], query.page, len(rows) > page_size)
