"""A trainee's outlook in words: a level already held, or the chance of passing the next one.

Levels run from 5 (elementary) up to 1 (senior technician). A trainee who holds a currently
valid certificate of the plan's target level or of a higher one is certified, not predicted:
the pages say "certified at level 4 on 12 Mar 2026", and the chance of passing is given for
the level above the highest one held (there is none above level 1). Without such a
certificate the chance is for the target level (``dashboards.trainee_progress``).

Chances are said in words with a rounded number, because the estimate behind them is
uncertain: "likely to pass · about 70%"; below 5 % and above 95 % the number is not rounded
to 0 or 100, which would claim a certainty the normal approximation does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from talentpool.certification.service import valid_certificates_of

# (lowest chance, words): the first band the chance reaches
BANDS = ((0.9, _l("very likely to pass")), (0.7, _l("likely to pass")),
         (0.3, _l("could go either way")), (0.1, _l("unlikely to pass yet")),
         (0.0, _l("very unlikely to pass yet")))


@dataclass(frozen=True)
class Held:
    """The highest level a trainee holds at or above the plan's target, and since when."""

    level: int
    issued_at: datetime


def held_at_or_above(user_id: int, target_level: int) -> Held | None:
    """The trainee's highest valid certificate of ``target_level`` or a higher level."""
    certificates = [c for c in valid_certificates_of(user_id) if c.level <= target_level]
    if not certificates:
        return None
    best = min(certificates, key=lambda c: c.level)  # newest first among one level
    return Held(best.level, best.issued_at)


def level_to_predict(target_level: int, held: Held | None) -> int | None:
    """The target level, or the one above the highest level held (None above level 1)."""
    if held is None:
        return target_level
    return held.level - 1 if held.level > 1 else None


def chance_words(probability: float) -> str:
    """"likely to pass" and the like for a probability of passing."""
    return str(next(words for lowest, words in BANDS if probability >= lowest))


def chance_number(probability: float) -> str:
    """The probability rounded to 5 %, never as 0 % or 100 %."""
    if probability < 0.05:
        return _("under 5%")
    if probability > 0.95:
        return _("over 95%")
    return _("about %(percent)d%%", percent=5 * round(20 * probability))
