"""Trainees report problems with practice items they answered; administrators search the
bank, preview an item with its gold answer and resolve the reports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from talentpool.assessment.models import EXAM, Item, ItemReport
from talentpool.auth import Role
from talentpool.extensions import db
from tests.conftest import csrf_from
from tests.packs import import_live, make_item, make_pack


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def bank(app, tmp_path) -> dict[str, str]:
    """Two practice items and one exam item; their public ids by key."""
    with app.app_context():
        import_live(make_pack(tmp_path, items=[
            make_item("single_choice", "open1"), make_item("single_choice", "open2"),
            make_item("single_choice", "secret1", use=EXAM)]))
        return dict(db.session.execute(select(Item.key, Item.public_id)).all())


def answer(client, public_id: str) -> None:
    page = client.get(f"/practice/items/{public_id}").get_data(as_text=True)
    reply = client.post(f"/practice/items/{public_id}/answer", json={"answer": {"choice": "neg"}},
                        headers={"X-CSRFToken": csrf_from(page)})
    assert reply.status_code == 200, reply.get_data(as_text=True)


def report(client, public_id: str, reason: str, text: str = ""):
    page = client.get(f"/practice/items/{public_id}").get_data(as_text=True)
    return client.post(f"/practice/items/{public_id}/report", data={
        "csrf_token": csrf_from(page), "reason": reason, "text": text}, follow_redirects=True)


def test_a_trainee_reports_an_answered_item_once(app, client, auth, make_user, tmp_path):
    ids = bank(app, tmp_path)
    auth.login(make_user(Role.TRAINEE))
    refused = report(client, ids["open1"], "key")
    assert "after answering it" in refused.get_data(as_text=True)
    answer(client, ids["open1"])
    page = client.get(f"/practice/items/{ids['open1']}").get_data(as_text=True)
    assert "Report a problem with this item" in page
    assert "Describe the problem." in report(client, ids["open1"], "other").get_data(as_text=True)
    sent = report(client, ids["open1"], "key", "选项 B 也对")
    assert "the report was sent" in sent.get_data(as_text=True)
    again = report(client, ids["open1"], "unclear")
    assert "already reported this item" in again.get_data(as_text=True)
    with app.app_context():
        (stored,) = db.session.scalars(select(ItemReport)).all()
        assert (stored.reason, stored.text) == ("key", "选项 B 也对")


def test_an_exam_item_cannot_be_reported_or_found_this_way(app, client, auth, make_user,
                                                          tmp_path):
    ids = bank(app, tmp_path)
    auth.login(make_user(Role.TRAINEE))
    page = client.get("/practice/").get_data(as_text=True)
    reply = client.post(f"/practice/items/{ids['secret1']}/report", data={
        "csrf_token": csrf_from(page), "reason": "key"}, follow_redirects=False)
    assert reply.status_code == 302  # back to the item page, which is 404 for an exam item
    assert client.get(reply.headers["Location"]).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(db.func.count(ItemReport.id))) == 0


def test_admins_search_preview_and_resolve(app, client, auth, make_user, tmp_path):
    ids = bank(app, tmp_path)
    trainee = make_user(Role.TRAINEE)
    auth.login(trainee)
    answer(client, ids["open2"])
    report(client, ids["open2"], "language", "英文翻译有误")
    auth.logout()
    assert client.get("/admin/bank/reports").status_code == 302  # sign in first
    auth.login(trainee)
    assert client.get("/admin/bank/reports").status_code == 403
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    found = client.get("/admin/bank/items?q=secret&use=exam").get_data(as_text=True)
    assert 'data-item="secret1"' in found and 'data-item="open1"' not in found
    assert "1 items match." in found
    by_words = client.get("/admin/bank/items?q=题目 open2").get_data(as_text=True)
    assert 'data-item="open2"' in by_words  # the Chinese prompt "题目 open2"
    preview = client.get(f"/admin/bank/items/{ids['open2']}")
    assert preview.headers["Cache-Control"] == "private, no-store"
    text = preview.get_data(as_text=True)
    assert "Gold answer" in text and "&#34;choice&#34;: &#34;neg&#34;" in text  # the gold, escaped
    assert "英文翻译有误" in text
    page = client.get("/admin/bank/reports").get_data(as_text=True)
    with app.app_context():
        public_id = db.session.scalar(select(ItemReport.public_id))
    assert public_id in page
    empty = client.post("/admin/bank/reports", data={"csrf_token": csrf_from(page),
                                                     "report": public_id, "resolution": ""},
                        follow_redirects=True)
    assert "Say what was done" in empty.get_data(as_text=True)
    done = client.post("/admin/bank/reports", data={
        "csrf_token": csrf_from(page), "report": public_id,
        "resolution": "翻译已在 v2 修正"}, follow_redirects=True)
    assert "No open reports." in done.get_data(as_text=True)
