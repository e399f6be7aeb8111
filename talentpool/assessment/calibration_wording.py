"""Why an item of a calibration run is not operational, in the reader's language.

The run stores the reason as plain English (``ItemParameter.problem``, for the API and the
logs). Pages say it again from the numbers stored beside it, in the order the calibration
decides (``calibration._operational_problem``); a reason they cannot rebuild is shown as
stored.
"""

from __future__ import annotations

import math
import re

from flask import current_app
from flask_babel import gettext as _

from talentpool.assessment.calibration import OPERATIONAL_SLOPE_RANGE
from talentpool.assessment.models import ItemParameter

DEGENERATE_PREFIX = "degenerate: "
_DRIFT = re.compile(r"drifted since the active run \(curve displacement (?P<drift>[-\d.]+) > "
                    r"(?P<limit>[\d.]+)\)")


def degenerate_kinds() -> dict[str, str]:
    """What the data show, per kind of degenerate item (psychometrics.item_problems)."""
    return {
        "no_responses": _("nobody answered it"),
        "no_variance": _("every answer fell in the same category"),
        "unused_category": _("a score category was never used"),
        "separation": _("the answers separate people perfectly (no overlap to estimate from)"),
        "slope_at_bound": _("its slope ran to the limit of the estimation"),
        "unstable": _("the data hardly determine its parameters"),
    }


def problem_text(parameter: ItemParameter) -> str | None:
    """The reason ``parameter``'s item stays pretest, or None when it is operational."""
    stored = parameter.problem
    if not stored:
        return None
    if stored.startswith(DEGENERATE_PREFIX):
        kinds = degenerate_kinds()
        found = [kinds[kind] for kind in _kinds(stored) if kind in kinds]
        if found:
            return _("The data cannot estimate this item: %(reasons)s.", reasons="; ".join(found))
        return stored
    drift = _DRIFT.match(stored)
    if drift:  # scale_linking: an anchor that moved since the active run
        return _("Drifted since the active run (curve displacement %(drift)s, more than "
                 "%(limit)s): review it before use.", drift=drift["drift"], limit=drift["limit"])
    if stored == "the calibration did not converge":
        return _("The calibration did not converge.")
    minimum = current_app.config["CALIBRATION_MIN_RESPONSES"]
    if parameter.n_responses < minimum:
        return _("%(n)d first answers; operational items need %(minimum)d.",
                 n=parameter.n_responses, minimum=minimum)
    low, high = OPERATIONAL_SLOPE_RANGE
    if not low <= parameter.a <= high:
        return _("Slope %(a).2f is outside %(low)s–%(high)s (the answers separate people "
                 "perfectly or not at all).", a=parameter.a, low=low, high=high)
    errors = [parameter.se_a, *(parameter.se_b or [])]
    if any(e is None or not math.isfinite(e) for e in errors):
        return _("A standard error is not finite: the data cannot pin this item down.")
    if parameter.flags:
        names = {"low_discrimination": _("low discrimination"), "misfit": _("misfit")}
        return _("Flagged: %(flags)s.", flags=", ".join(names.get(f, f) for f in parameter.flags))
    return stored


def _kinds(stored: str) -> list[str]:
    """Kinds named in a stored degenerate reason (``degenerate: kind: detail; kind: …``)."""
    return [part.split(":", 1)[0].strip() for part in stored[len(DEGENERATE_PREFIX):].split("; ")]
