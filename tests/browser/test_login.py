"""A person signs up, logs out, logs in and sees the trainee home page in a real browser."""

from playwright.sync_api import expect

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from tests.conftest import PASSWORD


def test_login_shows_trainee_home(live_app, live_server, page):
    with live_app.app_context():
        create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
    page.goto(f"{live_server}/accounts/login")
    page.get_by_label("电子邮箱").fill("trainee@example.org")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/home")
    assert page.get_by_role("heading", name="欢迎，王小明").is_visible()
    assert page.get_by_role("heading", name="练习", exact=True).is_visible()


def test_wrong_password_then_language_switch(live_app, live_server, page):
    with live_app.app_context():
        create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
    page.goto(f"{live_server}/accounts/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("trainee@example.org")
    page.get_by_label("Password").fill("not the right one")
    page.get_by_role("button", name="Log in", exact=True).last.click()
    expect(page.get_by_text("Wrong e-mail address or password.")).to_be_visible()
