"""What each kind of notification says: kind → (title, body) in the reader's language.

A notification row keeps only its kind and parameters (names, counts, dates as ISO text,
enum values); the text is made here with ``gettext`` in the language of the moment — the
reader's on the notifications page, the recipient's own for the e-mail copy — so a row written
while a Chinese-speaking employer acted reads in English for an English-speaking trainee.

A kind id is stored in the database: never rename one; add a new kind instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from talentpool.timezones import local_text

Params = Mapping[str, object]


@dataclass(frozen=True)
class Kind:
    """The wording of one kind; ``private`` words values only the e-mail copy carries."""

    title: Callable[[Params], str]
    body: Callable[[Params], str]
    private: Callable[[Params], str] | None = None


def _minute(iso: object) -> str:
    """A stored ISO time (UTC) as ``YYYY-MM-DD HH:MM`` in the reader's time zone."""
    return local_text(datetime.fromisoformat(str(iso)))  # stored UTC, in the reader's zone


def _part(part: object) -> str:
    # The same words as office.appeals.part_label (which imports this package's service).
    return {"theory": _("theory"), "practical": _("practical"),
            "panel": _("panel review")}.get(str(part), str(part))


def _outcome(outcome: object) -> str:
    return _("the score stands") if outcome == "upheld" else _("the score was changed")


def _score(score: object) -> str:
    return "–" if score is None else f"{float(score):.0f}"


def _contact(private: Params) -> str:
    lines = [_("E-mail: %(email)s", email=private["email"])]
    if private.get("phone"):
        lines.append(_("Phone: %(phone)s", phone=private["phone"]))
    return "\n".join(lines)


KINDS: dict[str, Kind] = {
    # To a trainee: an employer asks for their contact details (directory.employers).
    "contact_request": Kind(
        lambda p: _("%(organisation)s asks for your contact details",
                    organisation=p["organisation"]),
        lambda p: _("%(organisation)s would like your e-mail address and phone. Read its "
                    "message, then accept or decline; it sees them only if you accept.",
                    organisation=p["organisation"])),
    # To the employer: the trainee's answer.
    "contact_accepted": Kind(
        lambda p: _("%(name)s accepted your contact request", name=p["name"]),
        lambda p: _("%(name)s shares their contact details with you; they are on their "
                    "profile page.", name=p["name"]),
        private=_contact),
    "contact_declined": Kind(
        lambda p: _("%(name)s declined your contact request", name=p["name"]),
        lambda p: _("You may ask %(name)s again %(days)d days after the answer.",
                    name=p["name"], days=int(p["days"]))),
    # To a trainee with an account: a cohort's invitation (cohorts.enrolment).
    "cohort_invitation": Kind(
        lambda p: _("Invitation to the cohort %(cohort)s", cohort=p["cohort"]),
        lambda p: _("%(institution)s invites you to the cohort %(cohort)s. Accept or decline "
                    "on your cohorts page; until you accept, it sees none of your training "
                    "data.", institution=p["institution"], cohort=p["cohort"])),
    # To each candidate of a sitting (office.publication).
    "results_published": Kind(
        lambda p: _("Your results of %(title)s are published", title=p["title"]),
        lambda p: _("The results of %(title)s are published on your exam page. You may ask "
                    "for a part to be re-scored until %(date)s.", title=p["title"],
                    date=_minute(p["appeal_closes_at"]))),
    # To the rater an appeal is assigned to, and to the candidate once decided (office.appeals).
    "appeal_assigned": Kind(
        lambda p: _("An appeal (复核) is assigned to you"),
        lambda p: _("An appeal of a result of %(title)s is assigned to you. Open your appeals "
                    "in the assessment office to re-check it.", title=p["title"])),
    "appeal_decided": Kind(
        lambda p: _("Your appeal (复核) is decided"),
        lambda p: _("Your appeal of the %(part)s part of %(title)s is decided: %(outcome)s. "
                    "The part's score is now %(score)s.", part=_part(p["part"]),
                    title=p["title"], outcome=_outcome(p["outcome"]),
                    score=_score(p.get("score")))),
    # To an employer: people newly matching an alerted saved search (directory.search_alerts).
    "search_alert": Kind(
        lambda p: _("New matches for your saved search %(name)s", name=p["name"]),
        lambda p: _("Profiles newly matching your saved search %(name)s since the last "
                    "alert: %(count)d.", count=int(p["count"]), name=p["name"])),
}


def render(kind: str, params: Params, strict: bool = False) -> tuple[str, str]:
    """(title, body) of a notification in the current language.

    An unknown kind or parameters it cannot word (a row older than its wording) still shows,
    as a plain "Notification", rather than breaking the reader's page; ``strict`` raises
    instead (``notify`` checks a new row's parameters that way)."""
    spec = KINDS.get(kind)
    if spec is not None:
        try:
            return spec.title(params), spec.body(params)
        except (KeyError, TypeError, ValueError):
            if strict:
                raise
    elif strict:
        raise KeyError(kind)
    return _("Notification"), ""


def render_private(kind: str, private: Params) -> str:
    """The e-mail-only part of a notification ("" when its kind has none)."""
    spec = KINDS.get(kind)
    return spec.private(private) if spec is not None and spec.private and private else ""
