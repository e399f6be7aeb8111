"""A holder uploads a photo in a real browser; an administrator sees it in the queue and
approves it; the holder's page then shows it approved."""

import os

from playwright.sync_api import expect

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from tests.browser.conftest import wait_until
from tests.certification.test_holder_photo import make_tagged_photo
from tests.conftest import PASSWORD

SHOTS = os.environ.get("PHOTO_SCREENSHOTS")  # a folder to keep screenshots in, when set


def log_in(page, server: str, email: str) -> None:
    page.goto(f"{server}/accounts/login")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{server}/home")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_upload_then_approve(live_app, live_server, browser, tmp_path):
    with live_app.app_context():
        holder = create_user("holder@example.org", "王小明", PASSWORD, Role.TRAINEE)
        issue_certificate(holder, 5, 82, 74, None)
        create_user("admin@example.org", "Admin", PASSWORD, Role.ADMIN)
    (tmp_path / "me.jpg").write_bytes(make_tagged_photo())

    holder_page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(holder_page, live_server, "holder@example.org")
    holder_page.goto(f"{live_server}/certificates/photo")
    holder_page.get_by_label("照片（JPEG 或 PNG，不超过 2 MB）").set_input_files(
        str(tmp_path / "me.jpg"))
    holder_page.get_by_role("button", name="上传").click()
    expect(holder_page.get_by_text("照片已上传，正在等待审核", exact=False)).to_be_visible()
    pending = holder_page.locator('[data-photo-state="pending"] img')
    expect(pending).to_be_visible()
    wait_until(holder_page, "document.querySelector('[data-photo-state=pending] img').complete")
    assert holder_page.evaluate("document.querySelector('[data-photo-state=pending] img')"
                                ".naturalWidth") == 358
    shot(holder_page, "holder-pending")

    admin_page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(admin_page, live_server, "admin@example.org")
    admin_page.goto(f"{live_server}/admin/photos")
    expect(admin_page.get_by_text("holder@example.org")).to_be_visible()
    shot(admin_page, "admin-queue")
    admin_page.get_by_role("button", name="通过").click()
    expect(admin_page.get_by_text("照片已通过审核。")).to_be_visible()
    expect(admin_page.get_by_text("没有待审核的照片")).to_be_visible()

    holder_page.reload()
    expect(holder_page.locator('[data-photo-state="approved"] img')).to_be_visible()
    shot(holder_page, "holder-approved")
