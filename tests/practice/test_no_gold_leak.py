"""SECURITY row 1: no gold answer or explanation reaches a trainee before they answer.

Every GET route a trainee can reach is requested with real ids; none may contain the
sentinel values planted in the gold answers and explanations.
"""

import json

from sqlalchemy import select

from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from tests.packs import import_live, make_item, make_pack
from tests.scoring.examples import BOX_LABEL_NAMES

GOLD_TEXT = "金标准哨兵七三九"
GOLD_X = 123.456
EXPLAIN = "解析哨兵五八一"


def sentinel_items():
    transcription = make_item("transcription", "t1", gold={"text": GOLD_TEXT},
                              explanation={"zh": EXPLAIN, "en": "sentinel explanation"})
    box = make_item("bbox", "b1", explanation={"zh": EXPLAIN, "en": "sentinel explanation"})
    box["spec"]["label_names"] = BOX_LABEL_NAMES  # shown on the page: it must add no gold
    box["gold"] = {"boxes": [{"x": GOLD_X, "y": 10.5, "w": 50.25, "h": 60.75, "label": "car"}]}
    return transcription, box


def test_no_trainee_page_shows_gold_before_answering(app, client, auth, make_user, tmp_path):
    transcription, box = sentinel_items()
    with app.app_context():
        import_live(make_pack(tmp_path / "a", "speech-pack", items=[transcription]))
        import_live(make_pack(tmp_path / "b", "boxes-pack", items=[box]))
        items = list(db.session.scalars(select(Item)))
        golds = [json.dumps(i.gold, ensure_ascii=False) for i in items]
    auth.login(make_user(Role.TRAINEE))
    values = {"public_id": [i.public_id for i in items],
              "track_id": ["speech_transcription", "object_detection"], "number": [5],
              "bundle_id": [1], "evidence_id": [1], "appointment_id": [1], "member_id": [1]}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "practice.asset"):
            continue
        combos = [{}]
        for arg in rule.arguments:
            combos = [{**c, arg: v} for c in combos for v in values.get(arg, ["x"])]
        for combo in combos:
            url = rule.build(combo)[1] if rule.arguments else rule.rule
            response = client.get(url, follow_redirects=True)
            assert response.status_code < 500, url
            body = response.get_data(as_text=True)
            response.close()  # a redirect to a static file (/favicon.ico) leaves it open
            for forbidden in (GOLD_TEXT, str(GOLD_X), EXPLAIN, *golds):
                assert forbidden not in body, f"{url} shows {forbidden!r}"
            checked += 1
    assert checked >= 10
