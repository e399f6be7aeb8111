"""Employer search over listed profiles.

Only listed profiles are searched, and a filter on an optional field (region, languages)
matches only people who chose to show that field, so a filter can never reveal a value
that was not shared (SECURITY row 12); keywords match only the texts a person shows
(directory/keywords.py). Pages are fetched with one extra row to know whether a next page
exists. The matches are counted up to ``COUNT_CAP`` + 1 rows only (``SELECT id … LIMIT
1001``), and beyond the cap the page says "more than 1,000". A count that takes longer than
``COUNT_BUDGET_MS`` is stopped, and the page says "more than" the number of people up to
the current page instead; so counting never costs more than that budget, however large the
pool and however rare the match.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.database import utcnow, within_budget
from talentpool.directory.keywords import clean_query, keyword_condition
from talentpool.directory.models import ProfileSearchText, ProfileSkill, TalentProfile
from talentpool.directory.privacy import AVAILABILITY, LANGUAGES
from talentpool.directory.tiers import load_rules
from talentpool.extensions import db

PAGE_SIZE = 20
MAX_PAGE = 500
SORTS = ("relevance", "skill", "recent")
ACTIVE_WITHIN = (7, 30, 90, 365)
SELECTIVE_SKILL = 85
COUNT_CAP = 1000  # matches counted exactly up to here; beyond, "more than COUNT_CAP"
COUNT_BUDGET_MS = 25  # longer, and the page says "more than" the people known so far


@dataclass(frozen=True)
class SearchQuery:
    """Checked search filters; unknown or malformed values are dropped, never an error."""

    q: str = ""                    # keywords: every word must appear in what a person shows
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
            q=clean_query(args.get("q", "")),
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
class ResultCount:
    """How many profiles match: ``value`` exactly, or, when ``exact`` is false, more than
    ``value`` (the cap, or the people up to the current page when counting ran out of
    time)."""

    value: int
    exact: bool


@dataclass(frozen=True)
class SearchPage:
    profiles: list[TalentProfile]
    page: int
    has_next: bool
    count: ResultCount


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
    if query.q:
        statement = statement.join(
            ProfileSearchText, ProfileSearchText.profile_id == TalentProfile.id).where(
            keyword_condition(ProfileSearchText.text, query.q))
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


def first_matches(query: SearchQuery, cap: int | None = None,
                  budget_ms: int | None = None) -> list[int] | None:
    """The ids of up to ``cap`` + 1 (default ``COUNT_CAP`` + 1) matching profiles, in no
    particular order, so that the planner takes whichever index reaches them first; None when
    a ``budget_ms`` is given and finding them took longer.

    Finding stops at cap + 1 matches, but a filter that few people pass may have to look at
    many profiles to find them (at worst the whole pool), hence the time budget."""
    statement = matches_statement(query, COUNT_CAP if cap is None else cap)
    if budget_ms is None:
        return list(db.session.scalars(statement))
    return within_budget(lambda: list(db.session.scalars(statement)), budget_ms)


def matches_statement(query: SearchQuery, cap: int) -> Select:
    """``SELECT id … LIMIT cap + 1`` of the matching profiles, in no particular order."""
    return (build_query(query).order_by(None).with_only_columns(TalentProfile.id)
            .limit(cap + 1))


def search(query: SearchQuery, page_size: int = PAGE_SIZE, count_cap: int | None = None,
           count_budget_ms: int | None = None) -> SearchPage:
    """One page of results, and how many match in all.

    The matches are counted first (``first_matches``, with ``count_budget_ms``, default
    ``COUNT_BUDGET_MS``). When there are at most ``count_cap`` of them, the page is cut from
    their ids: no walk along an order that finds them only far apart (keywords and other rare
    filters). Otherwise the page query walks the index of its order, where matches are dense.
    A count out of time says "more than" the people up to this page; a page past the last one
    knows nobody, so it is counted without a budget (its own query already looked at every
    match, as the pages of a rare filter do)."""
    cap = COUNT_CAP if count_cap is None else count_cap
    found = first_matches(query, cap, COUNT_BUDGET_MS if count_budget_ms is None
                          else count_budget_ms)
    if found is not None and len(found) <= cap:
        statement = build_query(replace(query, q="")).where(TalentProfile.id.in_(found))
    else:
        statement = build_query(query)
    rows = list(db.session.scalars(statement.options(selectinload(TalentProfile.skills))
                                   .offset((query.page - 1) * page_size).limit(page_size + 1)))
    has_next = len(rows) > page_size
    seen = (query.page - 1) * page_size + len(rows)
    if found is not None:
        count = ResultCount(min(len(found), cap), len(found) <= cap)
    elif has_next:
        count = ResultCount(min(seen - 1, cap), False)  # more than the people up to here
    elif rows or query.page == 1:
        count = ResultCount(min(seen, cap), seen <= cap)  # the last page
    else:
        found = first_matches(query, cap)
        count = ResultCount(min(len(found), cap), len(found) <= cap)
    return SearchPage(rows[:page_size], query.page, has_next, count)
