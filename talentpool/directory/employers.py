"""Employer use cases: organisations and their verification, profile views, shortlists,
contact requests and saved searches.

Every lookup by public id is scoped to its owner, so one employer's shortlists, requests
and searches are invisible (404) to every other employer.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.accounts.models import User
from talentpool.database import is_public_id, utcnow, will_write
from talentpool.directory.models import (
    ContactRequest, EmployerMember, EmployerOrganisation, ProfileView, SavedSearch, Shortlist,
    ShortlistEntry, TalentProfile,
)
from talentpool.directory.profiles import DirectoryError
from talentpool.directory.search import SearchQuery
from talentpool.extensions import db
from talentpool.notifications.service import notify, site_path

MAX_MESSAGE = 1000
DECLINE_PAUSE = timedelta(days=30)  # no re-asking right after a "no"


def organisation_of(user_id: int) -> EmployerOrganisation | None:
    """The organisation an employer account belongs to."""
    member = db.session.get(EmployerMember, user_id)
    return member.organisation if member else None


def is_verified_employer(user_id: int) -> bool:
    """Whether the employer's organisation is verified (the condition for searching)."""
    organisation = organisation_of(user_id)
    return organisation is not None and organisation.verified_at is not None


def register_organisation(user: User, name: str, website: str = "") -> EmployerOrganisation:
    """Create the employer's organisation, awaiting an admin's verification; commits."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise DirectoryError(_("Enter the organisation's name (2 to 120 characters)."))
    if organisation_of(user.id) is not None:
        raise DirectoryError(_("Your account already belongs to an organisation."))
    organisation = EmployerOrganisation(name=name, website=(website or "").strip()[:200])
    db.session.add(organisation)
    db.session.flush()
    db.session.add(EmployerMember(user_id=user.id, organisation_id=organisation.id))
    db.session.commit()
    return organisation


def list_organisations() -> list[EmployerOrganisation]:
    """Every organisation, those awaiting verification first."""
    return list(db.session.scalars(select(EmployerOrganisation).order_by(
        EmployerOrganisation.verified_at.is_not(None), EmployerOrganisation.created_at.desc())))


def set_verified(public_id: str, verified: bool, admin: User) -> EmployerOrganisation:
    """Verify or unverify an organisation; commits."""
    organisation = db.session.scalar(select(EmployerOrganisation)
                                     .where(EmployerOrganisation.public_id == public_id))
    if organisation is None:
        raise DirectoryError(_("No such organisation."))
    organisation.verified_at = utcnow() if verified else None
    organisation.verified_by_id = admin.id if verified else None
    db.session.commit()
    return organisation


def listed_profile(public_id: str) -> TalentProfile | None:
    """A listed profile by public id; unlisted and unknown ids look the same (None)."""
    if not is_public_id(public_id):
        return None
    return db.session.scalar(select(TalentProfile).where(
        TalentProfile.public_id == public_id, TalentProfile.listed.is_(True)))


def record_view(profile: TalentProfile, employer: User, channel: str = "page") -> None:
    """Log that an employer opened a profile; commits."""
    will_write()
    organisation = organisation_of(employer.id)
    db.session.add(ProfileView(profile_id=profile.id, viewer_id=employer.id, channel=channel,
                               organisation_name=organisation.name if organisation else "",
                               at=utcnow()))
    db.session.commit()


def shortlists_of(owner_id: int) -> list[Shortlist]:
    """The employer's shortlists, newest first."""
    return list(db.session.scalars(select(Shortlist).where(Shortlist.owner_id == owner_id)
                                   .order_by(Shortlist.created_at.desc(), Shortlist.id.desc())))


def find_shortlist(owner_id: int, public_id: str) -> Shortlist | None:
    """One of the employer's own shortlists; another employer's is None."""
    if not is_public_id(public_id):
        return None
    return db.session.scalar(select(Shortlist).where(
        Shortlist.public_id == public_id, Shortlist.owner_id == owner_id))


def create_shortlist(owner: User, name: str) -> Shortlist:
    """A new, empty shortlist; commits."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise DirectoryError(_("Name the shortlist (1 to 80 characters)."))
    shortlist = Shortlist(owner_id=owner.id, name=name)
    db.session.add(shortlist)
    db.session.commit()
    return shortlist


def add_to_shortlist(owner: User, shortlist_id: str, profile_id: str,
                     note: str = "", new_name: str = "") -> ShortlistEntry:
    """Put a listed profile on one of the employer's shortlists — or, with ``new_name``, on a
    new shortlist of that name made in the same transaction; commits once."""
    profile = listed_profile(profile_id)
    if new_name.strip():
        name = new_name.strip()
        if len(name) > 80:
            raise DirectoryError(_("Name the shortlist (1 to 80 characters)."))
        shortlist = Shortlist(owner_id=owner.id, name=name)
        db.session.add(shortlist)
        db.session.flush()
    else:
        shortlist = find_shortlist(owner.id, shortlist_id)
    if shortlist is None or profile is None:
        db.session.rollback()
        raise DirectoryError(_("That shortlist or profile does not exist."))
    entry = ShortlistEntry(shortlist_id=shortlist.id, profile_id=profile.id,
                           note=(note or "").strip()[:300])
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DirectoryError(_("This person is already on that shortlist.")) from None
    return entry


def shortlists_holding(owner_id: int, profile_ids: list[str]) -> dict[str, list[str]]:
    """For profiles (public ids) shown to an employer: the names of that employer's shortlists
    each is already on (one query for a page of results)."""
    if not profile_ids:
        return {}
    held: dict[str, list[str]] = {}
    for profile_id, name in db.session.execute(
            select(TalentProfile.public_id, Shortlist.name)
            .join(ShortlistEntry, ShortlistEntry.profile_id == TalentProfile.id)
            .join(Shortlist, Shortlist.id == ShortlistEntry.shortlist_id)
            .where(Shortlist.owner_id == owner_id, TalentProfile.public_id.in_(profile_ids))
            .order_by(Shortlist.name)):
        held.setdefault(profile_id, []).append(name)
    return held


def remove_from_shortlist(owner: User, shortlist_id: str, profile_id: str) -> None:
    """Take a profile off one of the employer's shortlists; commits."""
    shortlist = find_shortlist(owner.id, shortlist_id)
    if shortlist is None:
        raise DirectoryError(_("That shortlist does not exist."))
    for entry in list(shortlist.entries):
        if entry.profile.public_id == profile_id:
            shortlist.entries.remove(entry)
    db.session.commit()


def listed_entries(shortlist: Shortlist) -> list[ShortlistEntry]:
    """Entries whose person is still listed; withdrawn profiles vanish from shortlists too."""
    return [entry for entry in shortlist.entries if entry.profile.listed]


def request_contact(employer: User, profile_id: str, message: str) -> ContactRequest:
    """Ask a listed person for their contact details; commits."""
    profile, organisation = listed_profile(profile_id), organisation_of(employer.id)
    message = (message or "").strip()
    if profile is None or organisation is None:
        raise DirectoryError(_("This profile is not available."))
    declined = db.session.scalar(select(ContactRequest.id).where(
        ContactRequest.employer_id == employer.id, ContactRequest.profile_id == profile.id,
        ContactRequest.status == "declined",
        ContactRequest.answered_at > utcnow() - DECLINE_PAUSE).limit(1))
    if declined is not None:
        raise DirectoryError(_("This person declined your request recently; you may ask again "
                               "%(days)d days after the answer.", days=DECLINE_PAUSE.days))
    if not 10 <= len(message) <= MAX_MESSAGE:
        raise DirectoryError(_("Write a message of 10 to %(n)d characters: who you are and "
                               "what work you offer.", n=MAX_MESSAGE))
    request = ContactRequest(employer_id=employer.id, organisation_name=organisation.name,
                             profile_id=profile.id, message=message, created_at=utcnow())
    db.session.add(request)
    notify(profile.user_id, "contact_request", {"organisation": organisation.name},
           site_path("directory.requests_page"))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DirectoryError(_("You already asked this person; wait for the answer.")) from None
    return request


def sent_requests(employer_id: int) -> list[ContactRequest]:
    """The employer's contact requests, newest first."""
    return list(db.session.scalars(select(ContactRequest)
                                   .where(ContactRequest.employer_id == employer_id)
                                   .order_by(ContactRequest.created_at.desc())))


def received_requests(profile: TalentProfile | None) -> list[ContactRequest]:
    """Requests to a trainee, newest first."""
    if profile is None:
        return []
    return list(db.session.scalars(select(ContactRequest)
                                   .where(ContactRequest.profile_id == profile.id)
                                   .order_by(ContactRequest.created_at.desc())))


def answer_request(trainee: User, request_id: str, accept: bool) -> ContactRequest:
    """The trainee accepts or declines a pending request addressed to them; commits."""
    request = db.session.scalar(select(ContactRequest).join(TalentProfile).where(
        ContactRequest.public_id == (request_id or "")[:32],
        TalentProfile.user_id == trainee.id))
    if request is None:
        raise DirectoryError(_("No such contact request."))
    if request.status != "pending":
        raise DirectoryError(_("You already answered this request."))
    request.status, request.answered_at = ("accepted" if accept else "declined"), utcnow()
    profile = request.profile
    if accept:  # the contact goes in the e-mail copy only; the page shows it while it is shared
        notify(request.employer_id, "contact_accepted", {"name": profile.pool_name},
               site_path("directory.profile_view", profile_id=profile.public_id),
               private={"email": trainee.email, "phone": profile.phone})
    else:
        notify(request.employer_id, "contact_declined",
               {"name": profile.pool_name, "days": DECLINE_PAUSE.days},
               site_path("directory.shortlists_page"))
    db.session.commit()
    return request


def views_of(profile: TalentProfile | None, limit: int = 200) -> list[ProfileView]:
    """Who looked at a trainee's profile, newest first."""
    if profile is None:
        return []
    return list(db.session.scalars(select(ProfileView).where(ProfileView.profile_id == profile.id)
                                   .order_by(ProfileView.at.desc()).limit(limit)))


def save_search(owner: User, name: str, query: SearchQuery) -> SavedSearch:
    """Keep a named set of filters; commits."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise DirectoryError(_("Name the search (1 to 80 characters)."))
    saved = SavedSearch(owner_id=owner.id, name=name, query=query.as_args(page=1))
    db.session.add(saved)
    db.session.commit()
    return saved


def saved_searches(owner_id: int) -> list[SavedSearch]:
    """The employer's saved searches, newest first."""
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.owner_id == owner_id)
                                   .order_by(SavedSearch.created_at.desc())))


def delete_saved_search(owner: User, public_id: str) -> None:
    """Forget one of the employer's saved searches; commits."""
    saved = db.session.scalar(select(SavedSearch).where(
        SavedSearch.public_id == (public_id or "")[:32], SavedSearch.owner_id == owner.id))
    if saved is not None:
        db.session.delete(saved)
        db.session.commit()
