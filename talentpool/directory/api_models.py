"""Request and response models of the employer API; they validate input and make its document."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from talentpool.assessment.tracks import TRACKS
from talentpool.directory.privacy import AVAILABILITY, LANGUAGES
from talentpool.directory.keywords import MAX_QUERY
from talentpool.directory.search import (
    ACTIVE_WITHIN, COUNT_BUDGET_MS, COUNT_CAP, MAX_PAGE, SORTS,
)
from talentpool.directory.tiers import load_rules
from talentpool.openapi import schema_extra, text

TrackId = Literal[tuple(track.id for track in TRACKS)]
TierId = Literal[tuple(tier.id for tier in load_rules())]
Availability = Literal[tuple(AVAILABILITY)]
Language = Literal[tuple(LANGUAGES)]
Sort = Literal[SORTS]
_INTEGER = re.compile(r"-?[0-9]{1,9}")


def _query_integer(value: object) -> object:
    """Query values are text: only a plain decimal integer counts (no "5.0", no spaces)."""
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise ValueError("Input should be a whole number")
        return int(value)
    return value


def query_int(low: int, high: int) -> object:
    """A whole number from ``low`` to ``high`` given as query text."""
    return Annotated[int, Ge(low), Le(high), BeforeValidator(_query_integer)]


ActiveDays = Annotated[Literal[ACTIVE_WITHIN], BeforeValidator(_query_integer)]


class SearchArgs(BaseModel):
    """Search filters; every one is optional, and a value outside its range is a 400."""

    model_config = ConfigDict(json_schema_extra=schema_extra())

    q: text(MAX_QUERY) | SkipJsonSchema[None] = Field(None, description=(
        "Keywords, separated by spaces: a profile matches when every word appears in what "
        "it shows — display name, introduction, track names (Chinese or English), and the "
        "region and real name only when the person shares them. Case and full/half width "
        "are ignored; Chinese is matched as a substring; `%` and `_` are plain characters."))
    track: TrackId | SkipJsonSchema[None] = Field(None, description="Skill track.")
    min_level: query_int(1, 5) | SkipJsonSchema[None] = Field(
        None, description="Certificate level this high or higher (1 is the highest).")
    min_skill: query_int(0, 100) | SkipJsonSchema[None] = Field(
        None, description="Minimum skill (0–100), in the track if one is given, else in any.")
    tier: TierId | SkipJsonSchema[None] = Field(None, description="Talent-pool tier.")
    language: Language | SkipJsonSchema[None] = Field(
        None, description="Working language (only people who share their languages).")
    region: text(40, content=True) | SkipJsonSchema[None] = Field(
        None, description="City or region, exact (only people who share their region).")
    availability: Availability | SkipJsonSchema[None] = Field(None, description="Availability.")
    active_days: ActiveDays | SkipJsonSchema[None] = Field(
        None, description="Active within this many days.")
    sort: Sort | SkipJsonSchema[None] = Field(None, description="Order (default: relevance).")
    page: query_int(1, MAX_PAGE) | SkipJsonSchema[None] = Field(
        None, description="Page number, 20 results a page.")

    def as_filters(self) -> dict:
        """The chosen filters as the mapping ``SearchQuery.from_args`` reads."""
        return self.model_dump(exclude_none=True)


class Skill(BaseModel):
    track: TrackId
    score: int = Field(ge=0, le=100)
    uncertainty: float = Field(ge=0, description="Standard error, in points.")
    provisional: bool


class CertificateSummary(BaseModel):
    serial: str
    level: int = Field(ge=1, le=5)
    valid_until: str | None = Field(json_schema_extra={"format": "date"},
                                    description="Null: the certificate never expires.")
    verify_url: str = Field(json_schema_extra={"format": "uri"}, description=(
        "Public verification page: it shows a masked name, the level and the status, never "
        "the real name."))


class Contact(BaseModel):
    model_config = ConfigDict(json_schema_extra=schema_extra())

    email: str
    phone: str | SkipJsonSchema[None] = None


_CARD_EXAMPLE = {
    "id": "q3Zk1vG8mP0aTt5W", "pool_name": "Annotator 7", "headline": "Speech and NER",
    "tier": "intermediate", "best_level": 4, "availability": "open", "last_active": "2026-11",
    "skills": [{"track": "named_entities", "score": 81, "uncertainty": 3.8,
                "provisional": False}],
    "certificates": [{"serial": "TP-HHWE-5G8E-TDJ8-7ZEQ-4T2H-07PJ-S48Q", "level": 4,
                      "valid_until": None,
                      "verify_url": "https://talentpool.example.org/verify/"
                      "TP-HHWE-5G8E-TDJ8-7ZEQ-4T2H-07PJ-S48Q"}]}


_SHARED = "Only if the trainee shares it."


class Profile(BaseModel):
    """A listed profile with the fields its trainee consented to show, and nothing else."""

    model_config = ConfigDict(json_schema_extra=schema_extra(_CARD_EXAMPLE))

    id: str
    pool_name: str
    headline: str
    tier: TierId
    best_level: int | None = Field(ge=1, le=5)
    skills: list[Skill]
    availability: Availability
    last_active: str | None = Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM.")
    region: str | SkipJsonSchema[None] = Field(None, description=_SHARED)
    languages: list[Language] | SkipJsonSchema[None] = Field(None, description=_SHARED)
    real_name: str | SkipJsonSchema[None] = Field(None, description=_SHARED)
    certificates: list[CertificateSummary] | SkipJsonSchema[None] = Field(
        None, description="Valid certificates (left out of shortlist entries).")
    contact: Contact | SkipJsonSchema[None] = Field(
        None, description="Only after the trainee accepted your contact request.")


class SearchPage(BaseModel):
    page: int = Field(ge=1)
    page_size: int = Field(ge=1)
    has_next: bool
    count: int = Field(ge=0, le=COUNT_CAP, description=(
        f"How many profiles match in all; when `count_exact` is false, more than this many "
        f"match. Profiles are counted up to {COUNT_CAP:,}, and for at most "
        f"{COUNT_BUDGET_MS} ms: a count that takes longer gives the number of results up to "
        f"this page instead (more exist, since `has_next` is then true)."))
    count_exact: bool = Field(description=(
        f"False when more than {COUNT_CAP:,} profiles match or counting took too long."))
    results: list[Profile]


class ShortlistEntry(BaseModel):
    note: str
    profile: Profile


class Shortlist(BaseModel):
    model_config = ConfigDict(json_schema_extra=schema_extra(
        {"id": "Xb2d9Qm1LrV0", "name": "Speech team, spring",
         "created_at": "2026-11-02T08:30:00Z", "entries": []}))

    id: str
    name: str
    created_at: AwareDatetime = Field(description="RFC 3339, UTC.")
    entries: list[ShortlistEntry] | SkipJsonSchema[None] = Field(
        None, description="The people on it (only when one shortlist is read or changed).")


class ShortlistList(BaseModel):
    shortlists: list[Shortlist]


class NewShortlist(BaseModel):
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra=schema_extra({"name": "Speech team, spring"}))

    name: text(80, content=True, description="1 to 80 characters; spaces around are trimmed.")


class NewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=schema_extra(
        {"profile_id": "q3Zk1vG8mP0aTt5W", "note": "strong on accents"}))

    profile_id: text(32, content=True, description="The `id` of a listed profile.")
    note: text(300, description="A private note for your team.") = ""

