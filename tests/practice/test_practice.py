"""Practice: next item, instant scoring, bad answers refused, gold never shown too early."""

import json

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice.models import Response
from talentpool.practice.service import next_item, submit
from tests.conftest import csrf_from
from tests.packs import import_live, make_item, make_pack


@pytest.fixture
def pack(app, tmp_path):
    items = [make_item("single_choice", f"q{n}") for n in range(3)]
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", items=items))
        return {i.key: i.public_id for i in db.session.scalars(select(Item))}


@pytest.fixture
def trainee(client, auth, make_user):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    return email


def post_answer(client, public_id, body, raw=None):
    page = client.get(f"/practice/items/{public_id}")
    token = csrf_from(page.get_data(as_text=True))
    data = raw if raw is not None else json.dumps(body)
    return client.post(f"/practice/items/{public_id}/answer", data=data,
                       headers={"X-CSRFToken": token, "Content-Type": "application/json"})


def count_responses(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_track_list_and_next_item(client, pack, trainee):
    html = client.get("/practice/").get_data(as_text=True)
    assert "文本分类" in html
    response = client.get("/practice/tracks/text_classification")
    assert response.status_code == 302
    assert response.headers["Location"].split("/practice/items/")[1] in pack.values()


def test_correct_answer_scores_one_with_feedback_and_explanation(app, client, pack, trainee):
    reply = post_answer(client, pack["q0"], {"answer": {"choice": "neg"}, "duration_ms": 4200})
    assert reply.status_code == 200
    data = reply.json
    assert data["score"] == 1.0 and data["category"] == data["max_category"] == 1
    assert data["explanation"] == "解析 q0"
    assert data["feedback"]
    assert count_responses(app) == 1


def test_the_answer_names_the_next_item_so_next_needs_no_redirect(client, pack, trainee):
    seen = {pack["q0"]}
    reply = post_answer(client, pack["q0"], {"answer": {"choice": "neg"}, "duration_ms": 4200})
    for _ in range(2):  # the two fresh items, then back to the weakest
        next_id = reply.json["next_url"].split("/practice/items/")[1]
        assert next_id in pack.values() and next_id not in seen
        seen.add(next_id)
        assert client.get(reply.json["next_url"]).status_code == 200
        reply = post_answer(client, next_id, {"answer": {"choice": "pos"}, "duration_ms": 900})
    assert reply.json["next_url"].split("/practice/items/")[1] in pack.values()


def test_wrong_answer_scores_zero(client, pack, trainee):
    assert post_answer(client, pack["q1"], {"answer": {"choice": "pos"}}).json["score"] == 0.0


@pytest.mark.parametrize("raw", [
    "not json", "[1, 2]", '{"answer": {"choice": NaN}}', '{"nothing": 1}',
    '{"answer": {"choice": "neg"}, "extra": 1}', '{"answer": {"choice": "zzz"}}',
    '{"answer": {"choice": 7}}', '{"answer": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"answer": {"choice": "neg"}, "duration_ms": -5}', b"\xff\xfe".decode("latin-1"),
])
def test_bad_answers_get_400_with_a_message_and_nothing_is_stored(app, client, pack, trainee, raw):
    reply = post_answer(client, pack["q0"], None, raw=raw)
    assert reply.status_code == 400
    assert reply.json["error"]
    assert count_responses(app) == 0


def test_oversized_answer_gets_413(app, client, pack, trainee):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    reply = post_answer(client, pack["q0"], {"answer": {"choice": "x" * 20_000}})
    assert reply.status_code == 413 and reply.json["status"] == 413
    assert count_responses(app) == 0


def test_answer_needs_csrf(client, pack, trainee):
    reply = client.post(f"/practice/items/{pack['q0']}/answer", json={"answer": {"choice": "neg"}})
    assert reply.status_code == 400


def test_unanswered_item_does_not_reveal_gold_or_explanation(app, client, tmp_path, trainee):
    sentinel_items = [
        make_item("transcription", "t1", gold={"text": "金标准转写哨兵文本"},
                  explanation={"zh": "解析哨兵", "en": "explanation sentinel"}),
    ]
    with app.app_context():
        import_live(make_pack(tmp_path / "s", "sentinel-pack", items=sentinel_items))
        item = db.session.scalars(select(Item)).one()
        public_id, gold = item.public_id, item.gold
    pages = [client.get(f"/practice/items/{public_id}"), client.get("/practice/"),
             client.get("/home"), client.get("/practice/tracks/speech_transcription/history")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert "金标准转写哨兵文本" not in html and "解析哨兵" not in html
        assert json.dumps(gold, ensure_ascii=False) not in html


def test_someone_elses_response_is_404(app, client, auth, pack, make_user, trainee):
    other = make_user(Role.TRAINEE)
    with app.app_context():
        user = find_user_by_email(other)
        item = db.session.scalar(select(Item).where(Item.key == "q0"))
        foreign = submit(user.id, item, {"choice": "neg"}, None).public_id
    assert client.get(f"/practice/responses/{foreign}").status_code == 404


def test_own_response_can_be_reviewed(client, pack, trainee):
    reply = post_answer(client, pack["q0"], {"answer": {"choice": "pos"}})
    page = client.get(f"/practice/responses/{reply.json['response_id']}")
    assert page.status_code == 200 and "task-past" in page.get_data(as_text=True)
    history = client.get("/practice/tracks/text_classification/history").get_data(as_text=True)
    assert reply.json["response_id"] in history


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.ADMIN, Role.INSTITUTION_STAFF])
def test_practice_is_for_trainees(client, auth, make_user, pack, role):
    auth.login(make_user(role))
    assert client.get("/practice/").status_code == 403
    assert client.get(f"/practice/items/{pack['q0']}").status_code == 403


def test_unknown_and_retired_items_are_404(app, client, pack, trainee, tmp_path):
    assert client.get("/practice/items/nope").status_code == 404
    assert client.get("/practice/tracks/no_such_track").status_code == 404


def test_next_item_prefers_fresh_then_unmastered(app, pack, make_user):
    email = make_user()
    with app.app_context():
        user = find_user_by_email(email)
        items = {i.key: i for i in db.session.scalars(select(Item))}
        submit(user.id, items["q0"], {"choice": "neg"}, None)   # mastered
        submit(user.id, items["q1"], {"choice": "pos"}, None)   # wrong
        assert next_item(user.id, "text_classification").key == "q2"
        submit(user.id, items["q2"], {"choice": "neg"}, None)
        assert next_item(user.id, "text_classification").key == "q1"


def test_assets_need_login_and_refuse_traversal(app, client, tmp_path, make_user, auth):
    with app.app_context():
        import_live(make_pack(tmp_path / "b", "image-pack", items=[make_item("bbox", "b1")]))
        item = db.session.scalars(select(Item)).one()
        url = f"/practice/assets/image-pack/{item.pack.asset_version}/assets/scene-1.png"
    assert client.get(url).status_code == 302
    auth.login(make_user())
    with client.get(url) as image:
        assert image.status_code == 200 and image.mimetype == "image/png"
    for bad in ("/practice/assets/../x/secret_key", f"/practice/assets/image-pack/"
                f"{item.pack.asset_version}/../../secret_key", "/practice/assets/..%2F../aaaaaaaaaaaa/x"):
        assert client.get(bad).status_code == 404
