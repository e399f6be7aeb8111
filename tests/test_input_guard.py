"""Text no database can store (NUL bytes, lone surrogates) is refused with a 400 naming the
field, before any view runs, identically on SQLite and PostgreSQL; old rows holding such text
cannot break a trainee's data export."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from talentpool.accounts.models import User
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.input_guard import scrubbed, storable, unstorable
from talentpool.practice.models import Response
from tests.conftest import csrf_from, post_form
from tests.packs import import_live, make_item, make_pack

BAD = ["a\x00b", "a\ud800b", "\udfff"]


@pytest.mark.parametrize("text", BAD)
def test_unstorable_text_is_recognised_and_made_storable(text):
    assert unstorable(text)
    assert not unstorable(storable(text))
    storable(text).encode("utf-8")


def test_valid_text_passes_untouched():
    for text in ("北京 2023年", "emoji 😀", json.loads('"\\ud83d\\ude00"'), "tab\tnewline\n",
                 "\ufffd"):
        assert not unstorable(text) and storable(text) == text
    assert scrubbed({"k\x00": ["x\ud800", 1, None]}) == {"k\ufffd": ["x\ufffd", 1, None]}


def count_users(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_login_and_signup_refuse_unstorable_text_naming_the_field(app, client):
    # Forms can carry NUL; a surrogate cannot be form-encoded (its bytes decode to U+FFFD).
    text = "\x00"
    reply = post_form(client, "/accounts/login", {"email": f"x{text}@example.org",
                                                  "password": "whatever password"})
    assert reply.status_code == 400
    assert "email" in reply.get_data(as_text=True)
    before = count_users(app)
    reply = post_form(client, "/accounts/signup", {
        "display_name": f"Name {text}", "email": "new@example.org",
        "password": "a long enough password 1", "confirm": "a long enough password 1"})
    assert reply.status_code == 400
    assert "display_name" in reply.get_data(as_text=True)
    assert count_users(app) == before


def test_query_strings_are_checked_too(client, auth, make_user):
    auth.login(make_user(Role.EMPLOYER))
    reply = client.get("/talent/search?region=%00x")
    assert reply.status_code == 400 and "region" in reply.get_data(as_text=True)


@pytest.fixture
def practice_item(app, tmp_path):
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", items=[make_item("single_choice", "q0")]))
        return db.session.scalar(select(Item.public_id))


def _answer(client, public_id, raw: str, content_type="application/json"):
    token = csrf_from(client.get(f"/practice/items/{public_id}").get_data(as_text=True))
    return client.post(f"/practice/items/{public_id}/answer", data=raw.encode("utf-8"),
                       headers={"X-CSRFToken": token, "Content-Type": content_type})


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800", "\\udc00x"])
def test_json_answers_with_unstorable_text_get_a_400_naming_the_field(
        app, client, auth, make_user, practice_item, escape, content_type):
    auth.login(make_user(Role.TRAINEE))
    raw = '{"answer": {"choice": "neg' + escape + '"}}'
    reply = _answer(client, practice_item, raw, content_type)
    assert reply.status_code == 400
    assert reply.is_json and "answer.choice" in reply.json["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    # Escapes of storable characters are fine (a surrogate pair decodes to one character:
    # test_valid_text_passes_untouched).
    ok = _answer(client, practice_item, '{"answer": {"choice": "\\u006eeg"}}')
    assert ok.status_code == 200


def test_an_old_row_with_a_lone_surrogate_cannot_break_the_export(
        app, client, auth, make_user, practice_item):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    assert _answer(client, practice_item, json.dumps({"answer": {"choice": "neg"}})).status_code \
        == 200
    with app.app_context():
        if db.engine.url.get_backend_name() != "sqlite":
            pytest.skip("only SQLite could ever store such a row")
        row = db.session.scalar(select(Response))
        row.answer = {"choice": "neg\ud800"}  # stored before input was checked
        db.session.commit()
    reply = client.get("/talent/data/export.json")
    assert reply.status_code == 200
    exported = json.loads(reply.get_data(as_text=True))
    assert exported["practice_responses"][0]["answer"] == {"choice": "neg\ufffd"}
    assert exported["exported_at"].endswith("+00:00")
    # The answers the annotation-format exports read are made encodable the same way.
    from talentpool.accounts.service import find_user_by_email
    from talentpool.practice.service import latest_answers

    with app.app_context():
        [answered] = latest_answers(find_user_by_email(email).id)
        assert answered.answer == {"choice": "neg\ufffd"}
        json.dumps(answered.answer, ensure_ascii=False).encode("utf-8")
