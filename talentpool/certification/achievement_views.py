"""The public page of each level's achievement: what the ``achievement.id`` of a credential names.

HTML for people; the Open Badges ``Achievement`` as JSON-LD for programs that ask for
``application/ld+json`` or ``application/json`` (content negotiation on one address, as linked
data expects).
"""

from __future__ import annotations

from flask import abort, jsonify, make_response, render_template, request

from talentpool.certification import bp
from talentpool.certification.credential import OB_CONTEXT, VC_CONTEXT, achievement
from talentpool.certification.levels import LEVELS, OCCUPATION_CODE, PANEL_LEVELS
from talentpool.certification.service import public_base_url

JSON_TYPES = ("application/ld+json", "application/json")


@bp.get(f"/achievements/{OCCUPATION_CODE}/data-annotator/level-<int:number>")
def achievement_page(number: int):
    """A level's achievement: criteria and scoring (HTML, or JSON-LD when asked for)."""
    if number not in LEVELS:
        abort(404)
    document, _results = achievement(public_base_url(), number)
    best = request.accept_mimetypes.best_match([*JSON_TYPES, "text/html"], default="text/html")
    if best in JSON_TYPES:
        response = jsonify({"@context": [VC_CONTEXT, OB_CONTEXT], **document})
        response.mimetype = best
    else:
        response = make_response(render_template(
            "certification/achievement.html", achievement=document, level=LEVELS[number],
            panel=number in PANEL_LEVELS))
    response.vary.add("Accept")
    return response
