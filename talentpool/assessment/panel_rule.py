"""The scheme's rule for a level's panel review (综合评审), read and validated. Pure.

Levels 2 and 1 add a panel review after both exam parts are passed: the candidate hands in a
work summary or paper (工作总结/论文) before the sitting, defends it before the panel (答辩), and
each member scores it independently against the level's rubric. In the scheme::

    panel_review:
      members: 3            # seated for each candidate: an odd number, at least 3
      pass_mark: 60         # out of 100 (the rubric's points add up to 100)
      rule: mean            # mean | majority
      summary: {min_chars: 800, files: 2}   # the work summary's least length; PDFs allowed
      rubric: {criteria: [...]}             # the rubric shape of written tasks (``rubric``)

Decision, with member totals t₁ … tₙ (n = members):

- panel score = (Σ tᵢ) / n, the mean, rounded half up to a whole number (what the result and
  the certificate show, so the decision is made on the score people read);
- ``mean``: pass when the panel score ≥ pass_mark;
- ``majority``: pass when more than n / 2 members' totals are ≥ pass_mark (n is odd, so there
  is never a tie). The panel score is still the mean, and is what the certificate shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from talentpool.scoring.errors import ScoringError
from talentpool.scoring.rubric import max_points, validate_rubric

RULES = ("mean", "majority")
FIELDS = {"members", "pass_mark", "rule", "summary", "rubric"}


@dataclass(frozen=True)
class PanelRule:
    members: int
    pass_mark: float
    rule: str
    summary_min_chars: int
    summary_files: int
    rubric: dict

    def decide(self, totals: list[float]) -> tuple[float, bool]:
        """(panel score, passed) from the members' totals (see the module docstring)."""
        if len(totals) != self.members:
            raise ValueError(f"{len(totals)} totals for a panel of {self.members}")
        score = float(math.floor(sum(totals) / len(totals) + 0.5))
        if self.rule == "majority":
            return score, sum(total >= self.pass_mark for total in totals) * 2 > len(totals)
        return score, score >= self.pass_mark

    def as_record(self) -> dict:
        """The rule as a hearing keeps it, so that a later scheme change never alters a hearing
        already under way."""
        return {"members": self.members, "pass_mark": self.pass_mark, "rule": self.rule,
                "rubric": self.rubric}

    @classmethod
    def from_record(cls, record: dict) -> PanelRule:
        return cls(record["members"], record["pass_mark"], record["rule"], 0, 0,
                   record["rubric"])


def _int(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_panel_rule(level: int, raw: Any, problems: list[str]) -> PanelRule | None:
    """The level's rule, None for a level without a panel review; problems are appended."""
    where = f"level {level}.panel_review"
    if raw is False or raw is None:
        if level <= 2:
            problems.append(f"{where}: levels 2 and 1 require a panel review")
        return None
    if not isinstance(raw, dict):
        problems.append(f"{where}: a mapping (members, pass_mark, rule, summary, rubric) or "
                        "false")
        return None
    if level > 2:
        problems.append(f"{where}: only levels 2 and 1 have a panel review")
    before = len(problems)
    problems.extend(f"{where}.{key}: unknown field" for key in sorted(set(raw) - FIELDS))
    members, mark, rule = raw.get("members"), raw.get("pass_mark", 60), raw.get("rule", "mean")
    if not _int(members, 3, 15) or members % 2 == 0:
        problems.append(f"{where}.members: an odd number, 3–15")
    if not _int(mark, 1, 100):
        problems.append(f"{where}.pass_mark: 1–100")
    if rule not in RULES:
        problems.append(f"{where}.rule: mean or majority")
    summary = raw.get("summary")
    if not isinstance(summary, dict) or set(summary) - {"min_chars", "files"} \
            or not _int(summary.get("min_chars"), 0, 20_000) \
            or not _int(summary.get("files", 0), 0, 5):
        problems.append(f"{where}.summary: min_chars 0–20000 and files 0–5")
        summary = {"min_chars": 0}
    rubric = raw.get("rubric")
    try:
        validate_rubric(rubric, f"{where}.rubric")
    except ScoringError as error:
        problems.append(str(error))
    else:
        if max_points({"rubric": rubric}) != 100:
            problems.append(f"{where}.rubric: the criteria's top points must add up to 100")
    if len(problems) > before:
        return None
    return PanelRule(members, float(mark), rule, summary["min_chars"], summary.get("files", 0),
                     rubric)
