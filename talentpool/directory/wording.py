"""Plain-language sentences for tier checks, so a trainee can see why they are in a tier."""

from __future__ import annotations

from flask_babel import gettext as _

from talentpool.certification.levels import level
from talentpool.directory.tiers import tier_by_id


def _level_name(number: int, locale: str) -> str:
    grade = level(number)
    return grade.en if locale == "en" else grade.zh


def describe_reason(check: dict, locale: str) -> str:
    """One met (or unmet) requirement of the person's tier, in words."""
    rule = check.get("rule")
    if rule == "certificate":
        return _("You hold a valid certificate of %(level)s or higher.",
                 level=_level_name(check["need"], locale))
    if rule == "skill":
        return _("Your skill is at least %(score)d in %(have)d track(s) (%(tracks)d needed).",
                 score=check["need"], have=check["have"], tracks=check["tracks"])
    if rule == "activity":
        return _("You practised or sat an exam within the last %(days)d days.", days=check["need"])
    return ""


def describe_step(check: dict, locale: str) -> str:
    """What the person would need to do for one unmet requirement of the next tier."""
    rule = check.get("rule")
    tier = tier_by_id(check.get("tier", ""))
    target = tier.name(locale) if tier else ""
    if rule == "certificate":
        return _("Earn a certificate of %(level)s or higher (tier %(tier)s).",
                 level=_level_name(check["need"], locale), tier=target)
    if rule == "skill":
        return _("Reach a skill of %(score)d in %(tracks)d track(s); you have %(have)d so far "
                 "(tier %(tier)s).", score=check["need"], tracks=check["tracks"],
                 have=check["have"], tier=target)
    if rule == "activity":
        return _("Practise or sit an exam at least once every %(days)d days (tier %(tier)s).",
                 days=check["need"], tier=target)
    return ""
