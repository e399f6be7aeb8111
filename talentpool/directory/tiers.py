"""Tier rules as data (``exams/talent-tiers.yaml``) and the pure placement function.

``place(evidence, rules)`` returns the highest tier whose every requirement is met, the
checks behind it (the reasons) and the unmet checks of the next tier up (what would move
the person up). It needs no database, so the rules can be tested and explained alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from talentpool.config import PROJECT_ROOT

RULES_FILE = PROJECT_ROOT / "exams" / "talent-tiers.yaml"
REQUIREMENT_KEYS = {"certificate_level", "skill_min", "skill_tracks", "active_within_days"}


class TierRulesError(ValueError):
    """The tier file is not valid; the message says where."""


@dataclass(frozen=True)
class Tier:
    id: str
    zh: str
    en: str
    rank: int
    requires: dict

    def name(self, locale: str) -> str:
        """Display name in the locale ("zh_CN" or "en")."""
        return self.en if locale == "en" else self.zh


@dataclass(frozen=True)
class Evidence:
    """What a placement looks at: best valid level (None = none), skills, last activity."""

    best_level: int | None
    skills: dict[str, float] = field(default_factory=dict)
    last_active_at: datetime | None = None


@dataclass(frozen=True)
class Placement:
    tier: Tier
    reasons: list[dict]
    next_steps: list[dict]


def validate(document: object) -> tuple[Tier, ...]:
    """Tiers from a parsed YAML document; TierRulesError names the first problem."""
    if not isinstance(document, dict) or not isinstance(document.get("tiers"), list):
        raise TierRulesError("the file needs a list under 'tiers'")
    tiers, seen = [], set()
    for rank, entry in enumerate(document["tiers"]):
        where = f"tiers[{rank}]"
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(key), str) and entry[key] for key in ("id", "zh", "en")):
            raise TierRulesError(f"{where} needs the texts id, zh and en")
        if entry["id"] in seen:
            raise TierRulesError(f"{where}: tier id {entry['id']!r} is used twice")
        seen.add(entry["id"])
        requires = entry.get("requires") or {}
        if not isinstance(requires, dict) or set(requires) - REQUIREMENT_KEYS:
            raise TierRulesError(f"{where}: requirements must be among {sorted(REQUIREMENT_KEYS)}")
        for key, value in requires.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TierRulesError(f"{where}: {key} must be a whole number ≥ 0")
        if "certificate_level" in requires and not 1 <= requires["certificate_level"] <= 5:
            raise TierRulesError(f"{where}: certificate_level must be 1 to 5")
        if "skill_min" in requires and requires["skill_min"] > 100:
            raise TierRulesError(f"{where}: skill_min must be 0 to 100")
        tiers.append(Tier(entry["id"], entry["zh"], entry["en"], rank, dict(requires)))
    if not tiers or tiers[0].requires:
        raise TierRulesError("the first (lowest) tier must have no requirements")
    return tuple(tiers)


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[Tier, ...]:
    """The validated tiers of ``path``, lowest first."""
    return validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def tier_by_id(tier_id: str, rules: tuple[Tier, ...] | None = None) -> Tier | None:
    """The tier with this id, or None."""
    return next((tier for tier in rules or load_rules() if tier.id == tier_id), None)


def checks(requires: dict, evidence: Evidence, now: datetime) -> list[dict]:
    """One record per requirement: what is needed, what the person has, and whether it is met."""
    results = []
    if "certificate_level" in requires:
        need, have = requires["certificate_level"], evidence.best_level
        results.append({"rule": "certificate", "need": need, "have": have,
                        "met": have is not None and have <= need})
    if "skill_min" in requires:
        need, count = requires["skill_min"], requires.get("skill_tracks", 1)
        strong = sorted((t for t, s in evidence.skills.items() if s >= need))
        results.append({"rule": "skill", "need": need, "tracks": count, "have": len(strong),
                        "met": len(strong) >= count})
    if "active_within_days" in requires:
        days = requires["active_within_days"]
        last = evidence.last_active_at
        results.append({"rule": "activity", "need": days,
                        "have": last.isoformat(timespec="seconds") if last else None,
                        "met": last is not None and now - last <= timedelta(days=days)})
    return results


def place(evidence: Evidence, rules: tuple[Tier, ...], now: datetime) -> Placement:
    """The highest tier whose requirements are all met, with reasons and next steps."""
    placed = rules[0]
    for tier in rules:
        if all(check["met"] for check in checks(tier.requires, evidence, now)):
            placed = tier
    reasons = checks(placed.requires, evidence, now)
    following = rules[placed.rank + 1] if placed.rank + 1 < len(rules) else None
    steps = [] if following is None else [
        {**check, "tier": following.id}
        for check in checks(following.requires, evidence, now) if not check["met"]]
    return Placement(placed, reasons, steps)
