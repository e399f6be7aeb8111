"""Saved-search alerts: an employer hears when new people match a saved search.

Turning the alert on takes the profiles that match now as seen. The daily job
(``send_alerts``, in talentpool/jobs.py) runs each alerted search through the search service,
counts the profiles that match now and did not at its last run, tells the employer that
number (never who: the search page shows them, with only what each person chose to show),
and remembers the current matches. A search is checked at most once per UTC day, so running
the job again the same day changes nothing. Someone who stops matching and matches again
later counts as new again.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from talentpool.accounts.models import User
from talentpool.database import is_public_id, utcnow
from talentpool.directory.employers import is_verified_employer
from talentpool.directory.models import SavedSearch
from talentpool.directory.profiles import DirectoryError
from talentpool.directory.search import SearchQuery, build_query
from talentpool.extensions import db
from talentpool.notifications.service import notify, site_path


def matching_ids(saved: SavedSearch) -> list[int]:
    """The ids of the listed profiles the saved search finds now, ascending."""
    found = build_query(SearchQuery.from_args(saved.query or {})).order_by(None).subquery()
    return sorted(set(db.session.scalars(select(found.c.id))))


def _holding(profile_id: int) -> list[SavedSearch]:
    """The saved searches whose last alert run counted the profile among their matches (an
    alert turned off keeps its last list until it is turned on again)."""
    return [saved for saved in db.session.scalars(select(SavedSearch).where(
        SavedSearch.alert_seen.is_not(None)).order_by(SavedSearch.id))
        if profile_id in (saved.alert_seen or [])]


def searches_holding(profile_id: int) -> int:
    """How many employers' saved searches hold the profile among an alert's seen matches (for
    the person's data export: the number only, never which searches or whose)."""
    return len(_holding(profile_id))


def forget_profile(profile_id: int) -> None:
    """Take a profile that is being deleted out of every alert's seen matches (no commit: the
    deletion commits). Its id could otherwise stay in employers' rows after the person left,
    and a later profile given the same id would not count as new."""
    for saved in _holding(profile_id):
        saved.alert_seen = [seen for seen in saved.alert_seen if seen != profile_id]


def set_alert(owner: User, public_id: str, on: bool, now: datetime | None = None) -> SavedSearch:
    """Turn the alert of one of the employer's saved searches on or off; commits. Turned on,
    today's matches count as seen and the first alert can come tomorrow."""
    saved = db.session.scalar(select(SavedSearch).where(
        SavedSearch.public_id == public_id, SavedSearch.owner_id == owner.id)) \
        if is_public_id(public_id) else None
    if saved is None:
        raise DirectoryError(_("That saved search does not exist."))
    if on and not saved.alert:
        saved.alert_seen, saved.alert_checked_at = matching_ids(saved), now or utcnow()
    saved.alert = on
    db.session.commit()
    return saved


def send_alerts(now: datetime | None = None) -> str:
    """The daily job: alert each employer about profiles newly matching an alerted search.

    Each search is checked and committed on its own (a short write, and a crash half-way
    leaves the searches done as done); one checked today is skipped."""
    now = now or utcnow()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    due = list(db.session.scalars(select(SavedSearch.id).where(
        SavedSearch.alert.is_(True), or_(SavedSearch.alert_checked_at.is_(None),
                                         SavedSearch.alert_checked_at < start_of_day))
        .order_by(SavedSearch.id)))
    checked = alerted = 0
    for saved_id in due:
        saved = db.session.get(SavedSearch, saved_id)
        owner = db.session.get(User, saved.owner_id)
        if not (owner.active and is_verified_employer(owner.id)):
            continue  # may not search now: the matches wait for the day it may again
        checked += 1
        current = matching_ids(saved)
        new = len(set(current) - set(saved.alert_seen or []))
        if new:
            notify(owner.id, "search_alert", {"name": saved.name, "count": new},
                   site_path("directory.search_page", **(saved.query or {})))
            alerted += 1
        saved.alert_seen, saved.alert_checked_at = current, now
        db.session.commit()
    return f"checked {checked} alerted saved searches, alerted {alerted}"
