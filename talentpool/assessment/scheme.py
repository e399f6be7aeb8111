"""The certification scheme (``exams/certification-scheme.yaml``), read and validated. Pure.

Every problem is reported at once with the level and part it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from talentpool.assessment.panel_rule import PanelRule, parse_panel_rule

PARTS = ("theory", "practical")
RATED = "rated"  # written work scored by raters (levels 3–1): no IRT scale, no cut study
MODES = ("fixed", "adaptive", RATED)


class SchemeError(ValueError):
    """The scheme file is invalid; ``problems`` lists every problem."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PartRule:
    """How one part (theory or practical) of a level is assembled, timed and passed."""

    part: str
    mode: str
    time_limit_minutes: int
    blueprint: tuple[tuple[str, int], ...]
    item_levels: tuple[int, ...]
    min_items: int
    max_items: int
    pretest_positions: tuple[int, ...]
    # A rated part (written work scored by raters): raters per answer, and the gap between
    # two raters' totals, as a share of the task's maximum, above which an adjudicator decides.
    raters: int = 0
    adjudication_gap: float = 0.0

    @property
    def rated(self) -> bool:
        return self.mode == RATED

    @property
    def length(self) -> int:
        """Items in a fixed form (the blueprint total)."""
        return sum(count for _code, count in self.blueprint)


@dataclass(frozen=True)
class EligibilityRoute:
    """One way to be eligible for a level (申报条件): every requirement named must be shown —
    ``work_years`` of work in the occupation, a certificate of ``prior_level`` from any
    recognised issuer, a ``school`` (or apprenticeship) record, the level's reference
    ``training_hours`` of training."""

    id: str
    zh: str
    en: str
    work_years: int | None = None
    prior_level: int | None = None
    school: bool = False
    training_hours: bool = False


@dataclass(frozen=True)
class ProctoringRule:
    """Staffing of a certifying sitting: one proctor per ``candidates_per_proctor``
    candidates, and at least ``min_proctors_per_room`` in each room."""

    candidates_per_proctor: int = 15
    min_proctors_per_room: int = 2

    def proctors_needed(self, candidates: int) -> int:
        """Proctors a room of ``candidates`` needs: ⌈candidates / ratio⌉, at least the minimum."""
        return max(self.min_proctors_per_room, -(-candidates // self.candidates_per_proctor))


@dataclass(frozen=True)
class LevelRule:
    level: int
    prerequisite: int | None
    validity_years: int | None  # None: certificates of the level never expire
    retake_wait_days: int
    panel_review: PanelRule | None  # levels 2 and 1: the 综合评审 (``panel_rule``)
    theory: PartRule
    practical: PartRule
    training_hours: int = 0  # the standard's reference training hours (标准学时)
    routes: tuple[EligibilityRoute, ...] = ()

    def route(self, route_id: str) -> EligibilityRoute | None:
        return next((route for route in self.routes if route.id == route_id), None)

    def part(self, name: str) -> PartRule:
        return self.theory if name == "theory" else self.practical


@dataclass(frozen=True)
class Scheme:
    occupation: dict
    work_type: dict
    grace_seconds: int
    levels: dict[int, LevelRule]
    proctoring: ProctoringRule = ProctoringRule()


def _int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _part(level: int, name: str, raw: Any, elements: set[str], problems: list[str]) -> PartRule | None:
    where = f"level {level} {name}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: missing")
        return None
    mode = raw.get("mode")
    if mode not in MODES:
        problems.append(f"{where}.mode: fixed, adaptive or rated")
    if mode == RATED and name != "practical":
        problems.append(f"{where}.mode: only a practical part is rated")
    raters = raw.get("raters", (3 if level <= 2 else 2) if mode == RATED else 0)
    gap = raw.get("adjudication_gap", 0.2 if mode == RATED else 0.0)
    if mode == RATED and not _int(raters, 2, 5):
        problems.append(f"{where}.raters: 2–5 raters score each answer")
    if mode == RATED and not (isinstance(gap, (int, float)) and not isinstance(gap, bool)
                              and 0 < gap <= 1):
        problems.append(f"{where}.adjudication_gap: a share of the maximum points, 0–1")
    if mode != RATED and ("raters" in raw or "adjudication_gap" in raw):
        problems.append(f"{where}: raters and adjudication_gap belong to a rated part")
    if not _int(raw.get("time_limit_minutes"), 1, 600):
        problems.append(f"{where}.time_limit_minutes: 1–600")
    if "cut_score" in raw:
        problems.append(f"{where}.cut_score: cut scores come from an active standard-setting "
                        "study (each part passes at 60 on its reporting scale); remove it")
    blueprint = raw.get("blueprint")
    if not isinstance(blueprint, dict) or not blueprint:
        problems.append(f"{where}.blueprint: element codes with item counts")
        blueprint = {}
    for code, count in blueprint.items():
        if code not in elements:
            problems.append(f"{where}.blueprint: {code!r} is not in elements.yaml")
        if not _int(count, 1, 200):
            problems.append(f"{where}.blueprint.{code}: a count of 1–200")
    total = sum(v for v in blueprint.values() if isinstance(v, int))
    min_items = raw.get("min_items", total)
    max_items = raw.get("max_items", total)
    if not (_int(min_items, 1, 500) and _int(max_items, 1, 500) and min_items <= max_items):
        problems.append(f"{where}: min_items and max_items must satisfy 1 ≤ min ≤ max")
    item_levels = raw.get("item_levels", [level])
    if not isinstance(item_levels, list) or not all(_int(v, 1, 5) for v in item_levels):
        problems.append(f"{where}.item_levels: levels 1–5")
        item_levels = [level]
    positions = raw.get("pretest_positions", [])
    if not isinstance(positions, list) or not all(_int(p, 0, 500) for p in positions):
        problems.append(f"{where}.pretest_positions: item positions (0-based)")
        positions = []
    unknown = set(raw) - {"mode", "time_limit_minutes", "cut_score", "blueprint", "min_items",
                          "max_items", "item_levels", "pretest_positions", "raters",
                          "adjudication_gap"}
    problems.extend(f"{where}.{key}: unknown field" for key in sorted(unknown))
    if any(p.startswith(where) for p in problems):
        return None
    return PartRule(name, mode, raw["time_limit_minutes"],
                    tuple(sorted(blueprint.items())), tuple(item_levels), min_items, max_items,
                    tuple(positions), raters, float(gap))


ROUTE_FIELDS = {"id", "zh", "en", "work_years", "prior_level", "school", "training_hours"}


def _eligibility(level: int, raw: Any, problems: list[str]) -> tuple[int, tuple]:
    where = f"level {level}.eligibility"
    if not isinstance(raw, dict):
        problems.append(f"{where}: training_hours and routes")
        return 0, ()
    hours = raw.get("training_hours")
    if not _int(hours, 1, 2000):
        problems.append(f"{where}.training_hours: 1–2000")
    routes, seen = [], set()
    for index, route in enumerate(raw.get("routes") or []):
        at = f"{where}.routes[{index}]"
        if not isinstance(route, dict):
            problems.append(f"{at}: a mapping")
            continue
        problems.extend(f"{at}.{key}: unknown field" for key in sorted(set(route) - ROUTE_FIELDS))
        ident = route.get("id")
        if not isinstance(ident, str) or not ident or len(ident) > 40 or ident in seen:
            problems.append(f"{at}.id: a unique id of at most 40 characters")
        seen.add(ident)
        if not route.get("zh") or not route.get("en"):
            problems.append(f"{at}: needs zh and en")
        years, prior = route.get("work_years"), route.get("prior_level")
        if years is not None and not _int(years, 0, 40):
            problems.append(f"{at}.work_years: 0–40")
        if prior is not None and not (_int(prior, 1, 5) and prior > level):
            problems.append(f"{at}.prior_level: a level below {level} (a higher number)")
        flags = [route.get(key, False) for key in ("school", "training_hours")]
        if not all(isinstance(flag, bool) for flag in flags):
            problems.append(f"{at}: school and training_hours are true or false")
        if years is None and prior is None and not any(flags):
            problems.append(f"{at}: name at least one requirement")
        routes.append(EligibilityRoute(str(ident), str(route.get("zh")), str(route.get("en")),
                                       years, prior, *(bool(flag) for flag in flags)))
    if not routes:
        problems.append(f"{where}.routes: at least one route")
    return hours if isinstance(hours, int) else 0, tuple(routes)


def _proctoring(raw: Any, problems: list[str]) -> ProctoringRule:
    raw = {} if raw is None else raw
    ratio, per_room = raw.get("candidates_per_proctor", 15), raw.get("min_proctors_per_room", 2)
    if not (_int(ratio, 1, 100) and _int(per_room, 1, 10)) or set(raw) - {
            "candidates_per_proctor", "min_proctors_per_room"}:
        problems.append("proctoring: candidates_per_proctor 1–100, min_proctors_per_room 1–10")
        return ProctoringRule()
    return ProctoringRule(ratio, per_room)


def parse_scheme(data: Any, elements: set[str]) -> Scheme:
    """A validated scheme, or SchemeError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise SchemeError(["the scheme must be a mapping"])
    for key in ("occupation", "work_type"):
        value = data.get(key)
        if not isinstance(value, dict) or not value.get("zh") or not value.get("en"):
            problems.append(f"{key}: needs zh and en")
    grace = data.get("grace_seconds", 60)
    if not _int(grace, 0, 600):
        problems.append("grace_seconds: 0–600")
    levels: dict[int, LevelRule] = {}
    for raw in data.get("levels") or []:
        number = raw.get("level") if isinstance(raw, dict) else None
        if not _int(number, 1, 5) or number in levels:
            problems.append(f"levels: level {number!r} is not 1–5 or appears twice")
            continue
        prerequisite = raw.get("prerequisite")
        if prerequisite is not None and prerequisite != number + 1:
            problems.append(f"level {number}.prerequisite: must be level {number + 1} or null")
        validity = raw.get("validity_years")
        if validity is not None and not _int(validity, 1, 10):
            problems.append(f"level {number}.validity_years: 1–10, or leave it out (no expiry)")
        if not _int(raw.get("retake_wait_days"), 0, 365):
            problems.append(f"level {number}.retake_wait_days: 0–365")
        panel = parse_panel_rule(number, raw.get("panel_review", False), problems)
        theory = _part(number, "theory", raw.get("theory"), elements, problems)
        practical = _part(number, "practical", raw.get("practical"), elements, problems)
        hours, routes = _eligibility(number, raw.get("eligibility"), problems)
        if theory and practical:
            levels[number] = LevelRule(number, prerequisite, validity,
                                       raw["retake_wait_days"], panel, theory, practical,
                                       hours, routes)
    if sorted(levels) != [1, 2, 3, 4, 5] and not problems:
        problems.append("levels: the scheme must define levels 5, 4, 3, 2 and 1")
    proctoring = _proctoring(data.get("proctoring"), problems)
    if problems:
        raise SchemeError(problems)
    return Scheme(data["occupation"], data["work_type"], grace, levels, proctoring)


def load_scheme(path: Path, elements: set[str]) -> Scheme:
    """Read and validate the scheme file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SchemeError([f"{path.name}: {error}"]) from None
    return parse_scheme(data, elements)
