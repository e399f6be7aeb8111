"""Password change and password reset."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from talentpool.accounts import service, tokens
from talentpool.accounts.models import PasswordResetToken
from tests.conftest import PASSWORD, csrf_from, post_form

NEW = "a brand new passphrase"


def test_password_change_ends_other_sessions(app, make_user):
    email = make_user()
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        post_form(browser, "/accounts/login", {"email": email, "password": PASSWORD})
    response = post_form(first, "/accounts/password",
                         {"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert first.get("/home").status_code == 200
    assert second.get("/home").status_code == 302
    other = app.test_client()
    assert post_form(other, "/accounts/login", {"email": email, "password": NEW}).status_code == 302


def test_password_change_with_wrong_current_password(client, auth, make_user):
    auth.login(make_user())
    response = post_form(client, "/accounts/password",
                         {"current": "wrong current pw", "password": NEW, "confirm": NEW})
    assert "当前密码不正确" in response.get_data(as_text=True)


def reset_link_from_log(caplog) -> str:
    lines = [r.getMessage() for r in caplog.records if "/accounts/reset/" in r.getMessage()]
    assert lines, "no reset link was logged"
    return "/accounts/reset/" + lines[-1].split("/accounts/reset/")[1].split()[0]


def test_reset_link_is_logged_and_works_once(app, client, make_user, caplog):
    email = make_user()
    other = app.test_client()
    post_form(other, "/accounts/login", {"email": email, "password": PASSWORD})
    response = post_form(client, "/accounts/reset", {"email": email})
    assert response.status_code == 302
    link = reset_link_from_log(caplog)
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert other.get("/home").status_code == 302  # every session ended
    assert post_form(client, "/accounts/login", {"email": email, "password": NEW}).status_code == 302
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "已过期或已被使用" in again.get_data(as_text=True)


def test_reset_request_for_unknown_address_looks_the_same(client, caplog):
    response = post_form(client, "/accounts/reset", {"email": "nobody@example.org"},
                         follow_redirects=True)
    assert "如果该邮箱已注册账号" in response.get_data(as_text=True)
    assert not [r for r in caplog.records if "/accounts/reset/" in r.getMessage()]


def test_reset_token_expires_after_the_configured_hours(app, make_user, caplog):
    email = make_user()
    with app.test_request_context():
        tokens.request_password_reset(email, "10.0.0.1")
        raw = reset_link_from_log(caplog).rsplit("/", 1)[1]
        hours = app.config["PASSWORD_RESET_HOURS"]
        soon = service.utcnow() + timedelta(hours=hours) - timedelta(minutes=1)
        assert tokens.live_reset_token(raw, soon)
        with pytest.raises(service.AccountError):
            tokens.live_reset_token(raw, soon + timedelta(minutes=2))


def test_expired_reset_link_page(app, client, make_user, caplog):
    email = make_user()
    post_form(client, "/accounts/reset", {"email": email})
    link = reset_link_from_log(caplog)
    with app.app_context():
        session = app.extensions["sqlalchemy"].session
        for row in session.scalars(select(PasswordResetToken)):
            row.expires_at = service.utcnow() - timedelta(minutes=1)
        session.commit()
    response = client.get(link)
    assert response.status_code == 410
    assert "重新申请" in response.get_data(as_text=True)


def test_weak_password_on_reset_is_a_form_error(client, make_user, caplog):
    post_form(client, "/accounts/reset", {"email": make_user()})
    link = reset_link_from_log(caplog)
    response = post_form(client, link, {"password": "short", "confirm": "short"})
    assert response.status_code == 200
    assert "至少需要 10 个字符" in response.get_data(as_text=True)


def test_reset_requests_are_throttled_per_address(client, make_user):
    email = make_user()
    for _ in range(tokens.RESET_REQUESTS_PER_ADDRESS):
        post_form(client, "/accounts/reset", {"email": email})
    response = post_form(client, "/accounts/reset", {"email": email})
    assert "重置请求过多" in response.get_data(as_text=True)


def test_csrf_is_required_on_forms_and_json(client, make_user):
    email = make_user()
    response = client.post("/accounts/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    json_response = client.post("/language", json={"lang": "en"})
    assert json_response.status_code == 400
    assert "error" in json_response.json
    page = client.get("/")
    ok = client.post("/language", data={"lang": "en"},
                     headers={"X-CSRFToken": csrf_from(page.get_data(as_text=True))})
    assert ok.status_code == 302
