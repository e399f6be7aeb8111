"""Each account's language and time zone: pages show stored UTC times in the zone, forms take
times in it."""

from __future__ import annotations

from datetime import datetime

from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.extensions import db
from talentpool.timezones import DEFAULT_TIMEZONE, from_local, to_local
from tests.conftest import csrf_from


def test_a_new_account_uses_shanghai_time(app, make_user):
    email = make_user()
    with app.app_context():
        assert db.session.scalar(select(User.timezone).where(User.email == email)) \
            == DEFAULT_TIMEZONE == "Asia/Shanghai"


def test_settings_save_the_language_and_the_zone(app, client, auth, make_user):
    email = make_user()
    auth.login(email)
    page = client.get("/accounts/settings").get_data(as_text=True)
    assert "中国（上海）时间 (UTC+08:00)" in page and 'value="Europe/Berlin"' in page
    reply = client.post("/accounts/settings", data={
        "csrf_token": csrf_from(page), "locale": "en", "timezone": "Europe/Berlin"},
        follow_redirects=True)
    assert "Settings saved." in reply.get_data(as_text=True)
    assert "Germany (Berlin) Time" in reply.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert (user.locale, user.timezone) == ("en", "Europe/Berlin")


def test_an_unknown_zone_is_refused_and_nothing_changes(app, client, auth, make_user):
    email = make_user()
    auth.login(email)
    page = client.get("/accounts/settings").get_data(as_text=True)
    reply = client.post("/accounts/settings", data={
        "csrf_token": csrf_from(page), "locale": "zh_CN", "timezone": "Mars/Olympus_Mons"})
    assert reply.status_code == 200
    assert "请从列表中选择时区" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.timezone).where(User.email == email)) \
            == "Asia/Shanghai"


def _with_zone(app, email: str, zone: str) -> int:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.timezone = zone
        db.session.commit()
        return user.id


def test_pages_show_stored_times_in_the_readers_zone(app, make_user):
    stored = datetime(2026, 7, 1, 10, 30)  # naive UTC, as the database keeps it
    template = "{{ t | when }}|{{ t | day }}|{{ t | clock }}|{{ t | when_s }}"
    berlin = _with_zone(app, make_user(), "Europe/Berlin")
    shanghai = _with_zone(app, make_user(), "Asia/Shanghai")
    with app.test_request_context():
        login_user(db.session.get(User, berlin))
        assert render_template_string(template, t=stored) \
            == "2026-07-01 12:30|2026-07-01|12:30|2026-07-01 12:30:00"  # summer time, UTC+2
        db.session.rollback()
    with app.test_request_context():
        login_user(db.session.get(User, shanghai))
        assert render_template_string(template, t=stored) \
            == "2026-07-01 18:30|2026-07-01|18:30|2026-07-01 18:30:00"
        db.session.rollback()
    with app.test_request_context():  # a visitor: the default zone
        assert render_template_string("{{ t | when }}", t=datetime(2026, 12, 31, 20, 0)) \
            == "2027-01-01 04:00"


def test_times_entered_in_the_zone_are_stored_in_utc(app, make_user):
    new_york = _with_zone(app, make_user(), "America/New_York")
    with app.test_request_context():
        login_user(db.session.get(User, new_york))
        entered = datetime(2026, 3, 8, 9, 0)  # the morning after clocks went forward
        assert from_local(entered) == datetime(2026, 3, 8, 13, 0)
        assert to_local(from_local(entered)) == entered
        assert from_local(datetime(2026, 1, 15, 9, 0)) == datetime(2026, 1, 15, 14, 0)
        db.session.rollback()
