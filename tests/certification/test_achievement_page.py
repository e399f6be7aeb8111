"""``achievement.id`` in a credential resolves: an HTML page, and JSON-LD by content
negotiation, equal to the achievement inside the signed credential."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from talentpool.certification.models import Certificate
from talentpool.extensions import db


def credential_of(app, serial):
    with app.app_context():
        return json.loads(db.session.scalar(select(Certificate.credential).where(
            Certificate.serial == serial)))


@pytest.mark.parametrize("level, panel", [(5, None), (2, 75)])
def test_the_achievement_id_resolves_to_the_same_achievement(app, client, make_certificate,
                                                             level, panel):
    issued = make_certificate(level=level, panel=panel)
    inside = credential_of(app, issued.serial)["credentialSubject"]["achievement"]
    path = inside["id"].removeprefix("http://localhost")
    as_json = client.get(path, headers={"Accept": "application/ld+json"})
    assert as_json.status_code == 200 and as_json.mimetype == "application/ld+json"
    assert "Accept" in as_json.headers["Vary"]
    body = as_json.get_json()
    assert body.pop("@context")[0] == "https://www.w3.org/ns/credentials/v2"
    # Same achievement, without the holder's scores (results live in the credential only).
    assert body == inside
    page = client.get(path, headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert inside["criteria"]["narrative"] in html
    assert ("综合评审" in html) == (panel is not None)


def test_unknown_levels_are_404(client):
    assert client.get("/achievements/4-04-05-05/data-annotator/level-9").status_code == 404
