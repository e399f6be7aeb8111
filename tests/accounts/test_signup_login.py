"""Sign-up, login, logout, throttling and server-side sessions."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from talentpool.accounts import service
from talentpool.accounts.models import LoginSession, User
from talentpool.auth import Role
from tests.conftest import PASSWORD, confirm_signup, csrf_from, mailed_link, post_form


def same_page(html: str, email: str) -> str:
    """The page without its address and per-request tokens."""
    return re.sub(r'(csrf[-_]token" (content|value)=)"[^"]+"', r"\1", html.replace(email, "X"))


def signup(client, **fields):
    data = {"display_name": "张三", "email": "zhang@example.org", "password": PASSWORD,
            "confirm": PASSWORD, **fields}
    return post_form(client, "/accounts/signup", data)


def test_signup_mails_a_link_that_creates_the_trainee_and_logs_in(app, client):
    response = signup(client)
    assert response.status_code == 200 and "zhang@example.org" in response.get_data(as_text=True)
    with app.app_context():
        assert service.find_user_by_email("zhang@example.org") is None  # not before the link
    created = confirm_signup(app, client, "zhang@example.org")
    assert created.status_code == 302
    assert client.get("/home").status_code == 200
    with app.app_context():
        user = service.find_user_by_email("ZHANG@example.org ")
        assert user.role is Role.TRAINEE
        assert user.password_hash.startswith("pbkdf2:") and PASSWORD not in user.password_hash
    # The link worked once.
    assert client.get(mailed_link(app, "zhang@example.org", "/accounts/signup/")).status_code \
        == 410


def test_signup_answers_the_same_for_an_existing_address_and_mails_its_owner(
        app, client, make_user):
    fresh = signup(client, email="new@example.org").get_data(as_text=True)
    make_user(email="zhang@example.org")
    taken = signup(client, email="Zhang@Example.org").get_data(as_text=True)
    assert same_page(taken, "zhang@example.org") == same_page(fresh, "new@example.org")
    to, subject, body = app.extensions["mail_outbox"][-1]
    assert to == "zhang@example.org" and "/accounts/login" in body and "/accounts/reset" in body
    assert "/accounts/signup/" not in body
    with app.app_context():
        assert app.extensions["sqlalchemy"].session.scalar(
            select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize("fields, message", [
    ({"email": "not-an-address"}, "有效的电子邮箱"),
    ({"email": "a@b"}, "有效的电子邮箱"),
    ({"password": "short1", "confirm": "short1"}, "至少需要 10 个字符"),
    ({"password": "password123", "confirm": "password123"}, "太容易被猜到"),
    ({"password": "zhang-secret-99", "confirm": "zhang-secret-99"}, "姓名或电子邮箱"),
    ({"confirm": "something else entirely"}, "两次输入的密码不一致"),
    ({"display_name": ""}, "必填"),
])
def test_signup_bad_input_is_a_form_error(app, client, fields, message):
    response = signup(client, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert app.extensions["sqlalchemy"].session.scalar(select(User)) is None


def test_login_wrong_password_says_so(client, auth, make_user):
    email = make_user()
    response = auth.login(email, "not the password at all")
    assert response.status_code == 200
    assert "电子邮箱或密码错误" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_login_unknown_email_says_the_same(client, auth):
    response = auth.login("nobody@example.org", "whatever-password")
    assert "电子邮箱或密码错误" in response.get_data(as_text=True)


def test_login_redirects_only_to_local_next(client, make_user):
    email = make_user()
    page = client.get("/accounts/login?next=//evil.example/x")
    response = client.post("/accounts/login", data={
        "email": email, "password": PASSWORD, "next": "//evil.example/x",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/home"


def test_throttled_per_account_after_repeated_failures(app, client, auth, make_user):
    email = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        auth.login(email, "wrong password here")
    response = auth.login(email)  # even the right password waits
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_throttled_per_address_across_accounts(app, auth, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    emails = [make_user() for _ in range(4)]
    for email in emails[:3]:
        auth.login(email, "wrong password here")
    assert "登录失败次数过多" in auth.login(emails[3]).get_data(as_text=True)


def test_throttle_expires_after_the_window(app, make_user):
    email = make_user()
    with app.test_request_context():
        now = service.utcnow()
        for _ in range(5):
            with pytest.raises(service.AccountError):
                service.authenticate(email, "wrong password here", "10.0.0.1", now)
        with pytest.raises(service.ThrottledError):
            service.authenticate(email, PASSWORD, "10.0.0.1", now)
        later = now + timedelta(minutes=app.config["LOGIN_THROTTLE_MINUTES"] + 1)
        assert service.authenticate(email, PASSWORD, "10.0.0.1", later).email == email


def test_login_issues_a_new_session_id(app, client, auth, make_user):
    email = make_user()
    client.get("/")
    before = client.get_cookie("session")
    auth.login(email)
    after = client.get_cookie("session")
    assert after is not None and (before is None or after.value != before.value)
    with app.app_context():
        rows = app.extensions["sqlalchemy"].session.scalars(select(LoginSession)).all()
        assert len(rows) == 1 and rows[0].revoked_at is None


def test_session_cookie_flags(client, auth, make_user):
    response = auth.login(make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_login_lasts_from_sign_in_and_pages_do_not_reissue_the_cookie(client, auth,
                                                                          make_user):
    response = auth.login(make_user())
    assert "Expires=" in response.headers["Set-Cookie"]  # the lifetime, set once at sign-in
    client.get("/home")  # shows (and so removes) the sign-in's flashed message
    page = client.get("/home")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers


def test_cookie_replayed_after_logout_is_refused(app, client, auth, make_user):
    auth.login(make_user())
    stolen = client.get_cookie("session").value
    auth.logout()
    assert client.get("/home").status_code == 302
    client.set_cookie("session", stolen)
    assert client.get("/home").status_code == 302


def test_logout_needs_post(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/accounts/logout").status_code == 405
    assert client.get("/home").status_code == 200


def test_inactive_account_cannot_log_in(app, auth, make_user):
    email = make_user()
    with app.app_context():
        user = service.find_user_by_email(email)
        user.active = False
        app.extensions["sqlalchemy"].session.commit()
    assert "电子邮箱或密码错误" in auth.login(email).get_data(as_text=True)
