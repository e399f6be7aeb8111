"""Keyword search over what listed profiles show employers.

Each profile has a ``ProfileSearchText``: the texts an employer sees of it (``shown_texts``: the
display name, the one-line introduction, its tracks' names in both languages, and the region
and real name only when the person shares them), normalised, followed by every one- and
two-character piece of their CJK runs as separate words. It is rebuilt by the service
whenever one of those texts or the consent changes (``refresh_search_text``).

A query is split at white space into terms, and a profile matches when every term is a
substring of its shown texts, ignoring case and full/half width. Each term becomes a
``LIKE '%term%'`` with the wildcards ``%`` and ``_`` of the input escaped. PostgreSQL answers
terms of three or more characters from a trigram index (pg_trgm), which cannot find a pattern
of one or two characters — and Chinese words are often that short. A term of one or two CJK
characters is therefore asked for as a word of the piece list (``LIKE '% term %'``), which the
index finds: every such piece of the shown text is in that list, so the profiles found are
exactly those whose shown text contains the term.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sqlalchemy import and_, true
from sqlalchemy.sql import ColumnElement

from talentpool.accounts.models import User
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.directory.models import ProfileSearchText, TalentProfile
from talentpool.extensions import db

MAX_QUERY = 100  # characters of a keyword query
# Han (with extension A and compatibility ideographs, and the supplementary planes), kana,
# hangul syllables: scripts written without spaces, where a word is a substring.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_SHORT_CJK = re.compile(f"[{_CJK}]{{1,2}}")
_INVISIBLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # control, format, unassigned …


def clean_query(raw: object) -> str:
    """A keyword query as it is kept and shown again: control and format characters become
    spaces, runs of white space one space, at most ``MAX_QUERY`` characters."""
    text = "".join(" " if unicodedata.category(char) in _INVISIBLE else char
                   for char in str(raw or ""))
    return " ".join(text.split())[:MAX_QUERY].rstrip()


def normalise(text: str) -> str:
    """Text as it is compared: NFKC (full-width letters and digits become half-width), case
    folded, invisible characters dropped, white space collapsed to single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(" " if unicodedata.category(char) in _INVISIBLE else char
                            for char in text).split())


def query_terms(query: str) -> list[str]:
    """The distinct normalised terms of a keyword query, in order."""
    return list(dict.fromkeys(normalise(query).split()))


def shown_texts(pool_name: str, headline: str, tracks: Iterable[str], region: str,
                share_region: bool, real_name: str, share_real_name: bool) -> list[str]:
    """The texts of a profile that every employer sees (privacy.employer_card): the display
    name, the introduction, the tracks' names in both languages; the region and the real name
    only when the person shares them. Languages are a filter, not keywords."""
    texts = [pool_name, headline]
    for track_id in sorted(set(tracks)):
        track = TRACKS_BY_ID.get(track_id)
        if track is not None:
            texts += [track.zh, track.en]
    if share_region:
        texts.append(region)
    if share_real_name:
        texts.append(real_name)
    return texts


def searchable_text(texts: Iterable[str]) -> str:
    """The stored search text of a profile whose shown texts are ``texts``."""
    fields = [field for field in (normalise(text) for text in texts if text) if field]
    pieces = sorted({run[start:start + size] for field in fields
                     for run in _CJK_RUN.findall(field) for size in (1, 2)
                     for start in range(len(run) - size + 1)})
    return "\n".join(fields) + "\n " + " ".join(pieces) + " "


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def term_pattern(term: str) -> str:
    """The LIKE pattern (escape character ``\\``) of one normalised term."""
    if _SHORT_CJK.fullmatch(term):
        return f"% {_escaped(term)} %"
    return f"%{_escaped(term)}%"


def keyword_condition(column, query: str) -> ColumnElement[bool]:
    """The condition that ``column`` (a stored search text) contains every term of ``query``."""
    terms = query_terms(query)
    if not terms:
        return true()
    return and_(*(column.like(term_pattern(term), escape="\\") for term in terms))


def refresh_search_text(profile: TalentProfile) -> None:
    """Rebuild the profile's stored search text from its current texts and consent (the
    caller commits)."""
    real_name = db.session.get(User, profile.user_id).display_name \
        if profile.share_real_name else ""
    text = searchable_text(shown_texts(
        profile.pool_name, profile.headline, [skill.track for skill in profile.skills],
        profile.region, profile.share_region, real_name, profile.share_real_name))
    if profile.search_text is None:
        profile.search_text = ProfileSearchText(text=text)
    elif profile.search_text.text != text:
        profile.search_text.text = text
