"""Practice: an empty answer is refused, skipping stores nothing, a retry is not a measurement,
and explanations use the labels the task shows."""

import json
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice import service, skills
from talentpool.practice.models import Response, SkillEstimate
from tests.conftest import csrf_from
from tests.packs import import_live, make_item, make_pack

EXPLAIN = "解析哨兵四二七"


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


@pytest.fixture
def pack(app, tmp_path):
    """Three single-choice items (gold "neg") and one of every other automatically scored type."""
    items = [make_item("single_choice", f"q{n}", explanation={"zh": EXPLAIN, "en": EXPLAIN})
             for n in range(3)]
    others = {"multi_choice": "m1", "transcription": "t1", "cot_steps": "c1", "bbox": "b1",
              "text_spans": "s1", "review": "v1", "ranking": "r1"}
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", items=items))
        for type_id, key in others.items():
            import_live(make_pack(tmp_path / type_id, f"{type_id.replace('_', '-')}-pack",
                                  items=[make_item(type_id, key)]))
        return {i.key: i.public_id for i in db.session.scalars(select(Item))}


@pytest.fixture
def trainee(client, auth, make_user):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    return email


def token(client, public_id):
    return csrf_from(client.get(f"/practice/items/{public_id}").get_data(as_text=True))


def post_answer(client, public_id, body):
    return client.post(f"/practice/items/{public_id}/answer", data=json.dumps(body),
                       headers={"X-CSRFToken": token(client, public_id),
                                "Content-Type": "application/json"})


def skip(client, public_id):
    return client.post(f"/practice/items/{public_id}/skip",
                       data={"csrf_token": token(client, public_id)})


def count(app, model=Response):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# ---- an empty answer: refused, nothing stored, nothing revealed


@pytest.mark.parametrize(("key", "empty"), [
    ("q0", {"choice": None}), ("m1", {"choices": []}), ("t1", {"text": "  \n "}),
    ("c1", {"steps": [None, None, None, None]}), ("b1", {"boxes": []}),
    ("s1", {"spans": []}), ("v1", {"flags": []}),
])
def test_an_empty_answer_is_refused_and_reveals_nothing(app, client, pack, trainee, key, empty):
    reply = post_answer(client, pack[key], {"answer": empty, "duration_ms": 900})
    assert reply.status_code == 400
    assert set(reply.json) == {"error", "empty"} and reply.json["empty"] is True
    assert "skip" in reply.json["error"] or "跳过" in reply.json["error"]
    assert EXPLAIN not in reply.get_data(as_text=True)
    assert count(app) == 0 and count(app, SkillEstimate) == 0


def test_the_refusal_says_what_to_do_in_english(client, pack, trainee, english):
    reply = post_answer(client, pack["q0"], {"answer": {"choice": None}})
    assert reply.json["error"] == "Nothing is answered yet. Give your answer first, or skip the item."
    reply = post_answer(client, pack["b1"], {"answer": {"boxes": []}})
    assert "“Nothing to mark”" in reply.json["error"]


def test_nothing_to_mark_is_scored_where_an_empty_answer_can_be_right(app, client, pack, trainee):
    for key, empty in (("b1", {"boxes": []}), ("s1", {"spans": []}), ("v1", {"flags": []})):
        reply = post_answer(client, pack[key], {"answer": empty, "nothing_to_mark": True})
        assert reply.status_code == 200, key
        assert reply.json["score"] == 0.0 and reply.json["feedback"]  # these golds are not empty
    assert count(app) == 3


def test_nothing_to_mark_does_not_unlock_an_empty_choice(app, client, pack, trainee):
    reply = post_answer(client, pack["q0"], {"answer": {"choice": None}, "nothing_to_mark": True})
    assert reply.status_code == 400 and reply.json["empty"] is True
    reply = post_answer(client, pack["b1"], {"answer": {"boxes": []}, "nothing_to_mark": "yes"})
    assert reply.status_code == 400 and "nothing_to_mark" in reply.json["error"]
    assert count(app) == 0


def test_the_item_page_offers_nothing_to_mark_only_where_it_can_be_right(client, pack, trainee):
    assert 'id="task-nothing"' in client.get(f"/practice/items/{pack['b1']}").get_data(as_text=True)
    assert 'id="task-nothing"' not in client.get(
        f"/practice/items/{pack['q0']}").get_data(as_text=True)


def test_exam_answer_bodies_are_unchanged():
    """Exams hand in empty answers on purpose; their body takes no nothing_to_mark."""
    assert service.parse_answer_body(b'{"answer": {"choice": null}}') == ({"choice": None}, None)
    with pytest.raises(service.AnswerError, match="nothing_to_mark"):
        service.parse_answer_body(b'{"answer": {"boxes": []}, "nothing_to_mark": true}')


# ---- skip


def test_skip_goes_on_without_storing_anything(app, client, pack, trainee):
    first = client.get("/practice/tracks/text_classification").headers["Location"]
    skipped = first.rsplit("/", 1)[1]
    reply = skip(client, skipped)
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith(f"/practice/tracks/text_classification?after={skipped}")
    following = client.get(reply.headers["Location"])
    assert following.headers["Location"].rsplit("/", 1)[1] != skipped
    assert count(app) == 0 and count(app, SkillEstimate) == 0


def test_skipped_items_come_back_after_the_others_longest_skipped_first(client, pack, trainee):
    def next_after(public_id):
        reply = client.get(skip(client, public_id).headers["Location"])
        return reply.headers["Location"].rsplit("/", 1)[1]

    track = {pack[key] for key in ("q0", "q1", "q2", "m1")}  # text classification
    seen = [pack["q0"]]
    for _ in range(3):
        seen.append(next_after(seen[-1]))
    assert set(seen) == track  # nothing skipped came back while another item was fresh
    assert next_after(seen[-1]) == seen[0]  # all skipped: the one skipped longest ago
    assert next_after(seen[0]) == seen[1]


def test_an_answered_item_leaves_the_skip_list(client, pack, trainee):
    assert service.remember_skip(["a", "b"], "a") == ["b", "a"]
    assert service.remember_skip([f"i{n}" for n in range(40)], "x")[-1] == "x"
    assert len(service.remember_skip([f"i{n}" for n in range(40)], "x")) == service.MAX_SKIPPED
    assert service.forget_skip(["a", "b", 3], "a") == ["b"]


def test_skip_needs_a_trainee_a_token_and_a_practice_item(client, auth, make_user, pack):
    auth.login(make_user(Role.EMPLOYER))
    assert client.post(f"/practice/items/{pack['q0']}/skip").status_code in (400, 403)
    auth.logout()
    auth.login(make_user(Role.TRAINEE))
    assert client.post(f"/practice/items/{pack['q0']}/skip").status_code == 400  # no CSRF token
    page = client.get(f"/practice/items/{pack['q0']}").get_data(as_text=True)
    assert client.post("/practice/items/nope/skip",
                       data={"csrf_token": csrf_from(page)}).status_code == 404


# ---- retry


def test_a_retry_is_kept_and_fed_back_but_never_counts(app, client, pack, trainee):
    first = post_answer(client, pack["q0"], {"answer": {"choice": "pos"}})
    assert first.json["retry"] is False and first.json["score"] == 0.0
    with app.app_context():
        user = find_user_by_email(trainee)
        before = skills.estimate(user.id, "text_classification")
    again = post_answer(client, pack["q0"], {"answer": {"choice": "neg"}})
    assert again.status_code == 200
    assert again.json["retry"] is True and again.json["score"] == 1.0 and again.json["feedback"]
    with app.app_context():
        rows = list(db.session.scalars(select(Response).order_by(Response.id)))
        assert [r.retry for r in rows] == [False, True]
        # the retry adds no point to the skill history
        assert db.session.scalar(select(func.count()).select_from(SkillEstimate)) == 1
        assert skills.estimate(user.id, "text_classification") == before
        progress = {p.track.id: p for p in service.overview(user.id)}["text_classification"]
        assert progress.mastered == 0 and progress.responses == 1
        golds = {i.key: i.gold for i in db.session.scalars(select(Item))}
    for key in ("q1", "q2", "m1"):
        post_answer(client, pack[key], {"answer": golds[key]})
    with app.app_context():
        progress = {p.track.id: p for p in service.overview(user.id)}["text_classification"]
        assert progress.mastered == 3  # the retry's full score did not master q0
        # q0 is still the one item to practise, even right after it was skipped
        assert service.next_item(user.id, "text_classification", skipped=[pack["q0"]]).key == "q0"
    history = client.get("/practice/tracks/text_classification/history").get_data(as_text=True)
    assert history.count("tag-retry") == 1


def test_a_return_to_the_item_later_is_not_a_retry(app, client, pack, trainee):
    post_answer(client, pack["q0"], {"answer": {"choice": "pos"}})
    post_answer(client, pack["q1"], {"answer": {"choice": "pos"}})
    assert post_answer(client, pack["q0"], {"answer": {"choice": "neg"}}).json["retry"] is False
    with app.app_context():
        latest = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        latest.created_at -= service.RETRY_WINDOW + timedelta(minutes=1)
        db.session.commit()
    assert post_answer(client, pack["q0"], {"answer": {"choice": "neg"}}).json["retry"] is False


def test_gold_never_reaches_the_page_before_a_graded_submit(app, client, pack, trainee):
    with app.app_context():
        golds = {i.public_id: json.dumps(i.gold, ensure_ascii=False)
                 for i in db.session.scalars(select(Item))}
    answered = post_answer(client, pack["q0"], {"answer": {"choice": "pos"}})
    assert EXPLAIN in answered.json["explanation"]
    pages = [client.get(f"/practice/items/{pack['q0']}"),  # the page a retry starts from
             client.get(skip(client, pack["q1"]).headers["Location"], follow_redirects=True),
             post_answer(client, pack["q2"], {"answer": {"choice": None}})]
    for page in pages:
        body = page.get_data(as_text=True)
        assert EXPLAIN not in body and '"feedback"' not in body
        assert not any(gold in body for gold in golds.values())


# ---- explanations in the words the task shows


def test_explanations_name_cards_spans_and_boxes_as_the_task_does(app, client, tmp_path,
                                                                  trainee, english):
    from tests.scoring.examples import make_bbox_review

    spec, gold = make_bbox_review()
    items = {
        "ranking": make_item("ranking", "rk", explanation={
            "zh": "正确顺序：r4 > r1 > r3 > r2。r3 和 r1都对", "en": "Gold order: r4 > r1 > r3 > r2; a r5"}),
        "review": make_item("review", "rv", explanation={
            "zh": "s2 “杭州”类型错误", "en": "s2: '杭州' has the wrong type; s4 too (cf. s10)."}),
    }
    box_review = make_item("review", "bx", spec=spec, gold=gold,
                           explanation={"zh": "b2 类别错误", "en": "b2: wrong label, not b1"})
    spec["base_spec"]["image"] = "assets/scene-1.png"
    with app.app_context():
        import_live(make_pack(tmp_path / "r", "rank-pack", items=[items["ranking"]]))
        folder = make_pack(tmp_path / "v", "review-pack", items=[items["review"], box_review])
        Image.new("RGB", (640, 480), "white").save(folder / "assets" / "scene-1.png")
        assert import_live(folder)[1] == []
        ids = {i.key: i.public_id for i in db.session.scalars(select(Item))}
    ranked = post_answer(client, ids["rk"], {"answer": {"order": ["r1", "r2", "r3", "r4"]}})
    assert ranked.json["explanation"] == "Gold order: D > A > C > B; a r5"
    page = client.get(f"/practice/items/{ids['rk']}").get_data(as_text=True)
    assert [page.count(f'data-letter="{letter}"') for letter in "ABCD"] == [1, 1, 1, 1]
    reviewed = post_answer(client, ids["rv"], {"answer": {"flags": ["s2"]}})
    assert reviewed.json["explanation"] == "span 2: '杭州' has the wrong type; span 4 too (cf. s10)."
    boxes = post_answer(client, ids["bx"], {"answer": {"flags": ["b2"]}})
    assert boxes.json["explanation"] == "box 2: wrong label, not box 1"
    past = client.get(f"/practice/responses/{boxes.json['response_id']}").get_data(as_text=True)
    assert "box 2: wrong label, not box 1" in past


def test_explanations_are_relabelled_in_chinese_too(app, client, tmp_path, trainee):
    item = make_item("ranking", "rk", explanation={"zh": "正确顺序：r4 > r1。r3 和 r1都对",
                                                   "en": "x"})
    with app.app_context():
        import_live(make_pack(tmp_path / "r", "rank-pack", items=[item]))
        public_id = db.session.scalars(select(Item)).one().public_id
    reply = post_answer(client, public_id, {"answer": {"order": ["r1", "r2", "r3", "r4"]}})
    assert reply.json["explanation"] == "正确顺序：D > A。C 和 A都对"


def test_only_whole_id_tokens_of_the_item_are_replaced():
    from talentpool.practice.wording import relabel

    labels = {"r1": "A", "r10": "J"}
    assert relabel("r1 > r10; xr1 r1a r2 r1。r1和", labels) == "A > J; xr1 r1a r2 A。A和"
    assert relabel("a b r1", {}) == "a b r1"
