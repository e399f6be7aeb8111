"""The notifications page, opening and marking read, the e-mail switch and the bell."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from talentpool.accounts.service import find_user_by_email
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.notifications import service
from talentpool.notifications.models import Notification
from tests.conftest import csrf_from


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def notify_many(app, email: str, count: int, link: str = "/talent/requests") -> list[str]:
    """``count`` notifications a minute apart, oldest first; their public ids."""
    with app.app_context():
        user_id = find_user_by_email(email).id
        start = utcnow() - timedelta(hours=1)
        rows = [service.notify(user_id, "contact_request", {"organisation": f"Lab {n}"}, link,
                               mail=False) for n in range(count)]
        for n, row in enumerate(rows):
            row.created_at = start + timedelta(minutes=n)
        db.session.commit()
        return [row.public_id for row in rows]


def read_at(app, public_id: str):
    with app.app_context():
        return db.session.scalar(select(Notification.read_at).where(
            Notification.public_id == public_id))


def post(client, url: str, data: dict | None = None, **kwargs):
    token = csrf_from(client.get("/notifications").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def test_the_page_lists_newest_first_marks_unread_and_needs_a_login(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    assert client.get("/notifications").status_code == 302  # to the login page
    first, second = notify_many(app, email, 2)
    post_login = auth.login(email)
    assert post_login.status_code == 302
    post(client, f"/notifications/{first}/open")
    html = client.get("/notifications").get_data(as_text=True)
    assert html.index("Lab 1 asks for your contact details") < html.index("Lab 0 asks")
    assert re.search(rf'data-notification="{second}" data-state="unread"', html)
    assert re.search(rf'data-notification="{first}" data-state="read"', html)
    assert 'data-total="2" data-unread="1"' in html and "2 in all, 1 unread." in html


def test_opening_marks_read_and_follows_the_link(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    [public_id] = notify_many(app, email, 1, link="/talent/requests")
    auth.login(email)
    reply = post(client, f"/notifications/{public_id}/open")
    assert reply.status_code == 302 and reply.headers["Location"] == "/talent/requests"
    assert read_at(app, public_id) is not None
    assert client.get("/notifications/" + public_id + "/open").status_code == 405  # no GET


def test_only_the_owner_sees_and_opens_a_notification(app, client, auth, make_user):
    owner, other = make_user(Role.TRAINEE), make_user(Role.EMPLOYER)
    [public_id] = notify_many(app, owner, 1)
    auth.login(other)
    assert public_id not in client.get("/notifications").get_data(as_text=True)
    assert post(client, f"/notifications/{public_id}/open").status_code == 404
    assert post(client, "/notifications/not-an-id!/open").status_code == 404
    post(client, "/notifications/read")
    assert read_at(app, public_id) is None  # "mark all read" of another person leaves it


def test_mark_all_read(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    ids = notify_many(app, email, 3)
    auth.login(email)
    assert 'data-unread="3"' in client.get("/home").get_data(as_text=True)
    reply = post(client, "/notifications/read", follow_redirects=True).get_data(as_text=True)
    assert "All notifications are marked read." in reply
    assert all(read_at(app, public_id) is not None for public_id in ids)
    assert 'id="bell"' in reply and 'data-unread="0"' in reply
    assert "Mark all read" not in reply  # nothing left to mark


def test_pages_of_twenty_with_the_total(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    notify_many(app, email, 25)
    auth.login(email)
    first = client.get("/notifications").get_data(as_text=True)
    assert first.count("data-notification=") == 20
    assert "Lab 24 asks" in first and "Lab 5 asks" in first and "Lab 4 asks" not in first
    assert "Page 1 of 2" in first and "25 in all, 25 unread." in first
    assert 'href="/notifications?page=2"' in first and 'rel="prev"' not in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert second.count("data-notification=") == 5 and "Lab 0 asks" in second
    assert "Page 2 of 2" in second and 'href="/notifications?page=1"' in second
    beyond = client.get("/notifications?page=99").get_data(as_text=True)
    assert "Page 2 of 2" in beyond  # past the end: the last page
    assert "Page 1 of 2" in client.get("/notifications?page=abc").get_data(as_text=True)


def test_the_bell_counts_unread_ones(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    assert 'id="bell"' not in client.get("/").get_data(as_text=True)  # visitors: no bell
    auth.login(email)
    home = client.get("/home").get_data(as_text=True)
    assert 'id="bell"' in home and 'data-unread="0"' in home and "tag-flag" not in home
    ids = notify_many(app, email, 2)
    home = client.get("/home").get_data(as_text=True)
    bell = re.search(r'<a [^>]*id="bell".*?</a>', home, re.DOTALL).group(0)
    assert 'data-unread="2"' in bell and ">2<" in bell and "unread" in bell
    post(client, f"/notifications/{ids[0]}/open")
    assert 'data-unread="1"' in client.get("/home").get_data(as_text=True)


def test_the_bell_costs_one_count_query(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    notify_many(app, email, 3)
    auth.login(email)
    statements = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/practice/")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    about = [s for s in statements if "notification" in s]
    assert len(about) == 1 and "count(*)" in about[0].lower()


def mail_box(client) -> str:
    page = client.get("/notifications").get_data(as_text=True)
    return re.search(r'<input[^>]*name="mail"[^>]*>', page).group(0)


def test_the_mail_switch(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    assert " checked" in mail_box(client)  # on until turned off
    reply = post(client, "/notifications/mail", {}, follow_redirects=True)
    assert "E-mail copies are off." in reply.get_data(as_text=True)
    with app.app_context():
        assert not service.mail_wanted(find_user_by_email(email).id)
    assert " checked" not in mail_box(client)
    reply = post(client, "/notifications/mail", {"mail": "y"}, follow_redirects=True)
    assert "E-mail copies are on." in reply.get_data(as_text=True)
    with app.app_context():
        assert service.mail_wanted(find_user_by_email(email).id)


def test_the_page_in_chinese(app, client, auth, make_user, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "zh_CN")
    email = make_user(Role.TRAINEE)
    notify_many(app, email, 1)
    auth.login(email)
    page = client.get("/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="zh-CN">' in html
    assert ">保存</button>" in html and "Save" not in html


def test_an_empty_list_says_what_will_appear(app, client, auth, make_user):
    auth.login(make_user(Role.EMPLOYER))
    page = client.get("/notifications").get_data(as_text=True)
    assert "No notifications yet." in page and "0 in all, 0 unread." in page
