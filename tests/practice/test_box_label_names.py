"""Box label names: a bbox item's labels read in the page's language, from the pack's
``label_names`` (the id where a pack gives none); the page gains no gold answer by it; staff
pages that print answers as JSON say what each id is called."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from sqlalchemy import select

from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from tests.packs import import_live, make_item, make_pack
from tests.scoring.examples import BOX_LABEL_NAMES, make_named_bbox_review

BUTTON = re.compile(r'class="tp-btn tp-label-btn" data-label="(\w+)"[^>]*>'
                    r'<span class="tp-key"[^>]*>\d?</span>([^<]+)</button>')
CHIP = re.compile(r'<span class="tp-chip" data-label="(\w+)">([^<]+)</span>')


@pytest.fixture
def items(app, tmp_path) -> dict[str, str]:
    """Live practice items: a bbox item with names, one without, a review of named boxes."""
    named = make_item("bbox", "named")
    named["spec"]["label_names"] = BOX_LABEL_NAMES
    review_spec, review_gold = make_named_bbox_review()
    review_spec["base_spec"]["image"] = "assets/scene-1.png"
    review = make_item("review", "review", spec=review_spec, gold=review_gold)
    with app.app_context():
        boxes = make_pack(tmp_path / "boxes", "boxes", items=[named, make_item("bbox", "plain")])
        assert import_live(boxes)[1] == []
        folder = make_pack(tmp_path / "review", "review", items=[review])
        Image.new("RGB", (640, 480), "white").save(folder / "assets" / "scene-1.png")
        assert import_live(folder)[1] == []
        return {item.key: item.public_id for item in db.session.scalars(select(Item))}


@pytest.fixture
def trainee(client, auth, make_user):
    auth.login(make_user(Role.TRAINEE))


def page(client, public_id: str) -> str:
    reply = client.get(f"/practice/items/{public_id}")
    assert reply.status_code == 200
    return reply.get_data(as_text=True)


def test_the_labeling_page_names_the_labels_in_chinese(client, items, trainee):
    html = page(client, items["named"])
    assert BUTTON.findall(html) == [("car", "汽车"), ("person", "行人"), ("bicycle", "自行车")]
    assert CHIP.findall(page(client, items["review"])) == [("car", "汽车"), ("bicycle", "自行车")]


def test_the_labeling_page_names_the_labels_in_english(client, items, trainee, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    html = page(client, items["named"])
    assert BUTTON.findall(html) == [("car", "passenger car"), ("person", "pedestrian"),
                                    ("bicycle", "bike")]
    assert CHIP.findall(page(client, items["review"])) == [("car", "passenger car"),
                                                            ("bicycle", "bike")]


def test_a_pack_without_names_shows_the_ids(client, items, trainee):
    assert BUTTON.findall(page(client, items["plain"])) == [
        ("car", "car"), ("person", "person"), ("bicycle", "bicycle")]


def test_names_add_no_gold_to_the_page(app, client, items, trainee):
    """The names travel in the spec, which the page had already; the gold boxes never do."""
    import json

    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.key == "named"))
        gold, spec = item.gold, item.spec
    html = page(client, items["named"])
    shown = json.loads(re.search(r'<script type="application/json" id="task-spec">(.*?)</script>',
                                 html, re.S).group(1))
    assert shown == spec and "gold" not in shown
    assert html.count('"label_names"') == 1  # only inside the spec
    for box in gold["boxes"]:
        assert f'"x": {box["x"]}' not in html and f'"y": {box["y"]}' not in html
    assert 'id="task-past"' not in html


def test_staff_pages_say_what_each_label_id_is_called(app, client, auth, make_user, items):
    auth.login(make_user(Role.ADMIN))
    named = client.get(f"/admin/bank/items/{items['named']}").get_data(as_text=True)
    legend = re.search(r"<p class=\"small\" data-label-names>(.*?)</p>", named, re.S).group(1)
    assert "<code>car</code> 汽车" in legend and "<code>bicycle</code> 自行车" in legend
    review = client.get(f"/admin/bank/items/{items['review']}").get_data(as_text=True)
    assert "<code>person</code> 行人" in review
    plain = client.get(f"/admin/bank/items/{items['plain']}").get_data(as_text=True)
    assert "data-label-names" not in plain
