"""In Chromium, as an administrator: revoking a certificate and disabling an account ask first
(dismissing changes nothing, accepting does it), and the user-management, certificate and
scheme pages run under the Content-Security-Policy without a violation or a script error."""

from __future__ import annotations

from playwright.sync_api import expect

from talentpool.accounts.service import create_user, find_user_by_email
from talentpool.auth import Role
from talentpool.certification.service import certificate_status, find_certificate, issue_certificate
from tests.browser.test_content_security_policy import Watch
from tests.conftest import PASSWORD, make_organisation


def build(app) -> dict:
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation()
        create_user("admin@example.org", "Ada Admin", PASSWORD, Role.ADMIN)
        holder = create_user("holder@example.org", "Chen Jing", PASSWORD, Role.TRAINEE)
        serial = issue_certificate(holder, 5, 82, 74).serial
        return {"serial": serial, "holder": holder.public_id}


def status_of(app, serial: str) -> str:
    with app.app_context():
        return certificate_status(find_certificate(serial))


def active(app, email: str) -> bool:
    with app.app_context():
        return find_user_by_email(email).active


def answer_next_dialog(page, questions: list[str], accept: bool) -> None:
    def handle(dialog):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()
    page.once("dialog", handle)


def test_revoking_and_disabling_ask_first(live_app, live_server, page):
    site = build(live_app)
    watch = Watch(page, live_server)
    watch.log_in("admin@example.org")

    watch.visit("/admin/certificates")
    expect(page.get_by_text("Showing 1–1 of 1")).to_be_visible()
    row = page.locator("tr", has=page.get_by_text(site["serial"]))
    row.get_by_text("Revoke", exact=True).click()
    row.get_by_label("Reason (shown on the public verification page)").fill("Proven cheating")
    questions: list[str] = []
    answer_next_dialog(page, questions, accept=False)
    row.get_by_role("button", name="Revoke certificate").click()
    page.wait_for_timeout(300)
    assert questions and site["serial"] in questions[0] and "cannot be undone" in questions[0]
    assert status_of(live_app, site["serial"]) == "valid"  # dismissed: nothing was sent
    answer_next_dialog(page, questions, accept=True)
    row.get_by_role("button", name="Revoke certificate").click()
    expect(page.get_by_text(f"Certificate {site['serial']} is revoked.")).to_be_visible()
    assert status_of(live_app, site["serial"]) == "revoked"

    watch.visit("/accounts/users")
    page.get_by_role("link", name="Chen Jing").click()
    page.get_by_label("Reason (optional, kept in the audit log)").first.fill("Left the course")
    answer_next_dialog(page, questions, accept=False)
    page.get_by_role("button", name="Disable account").click()
    page.wait_for_timeout(300)
    assert "Disable the account of Chen Jing?" in questions[-1]
    assert active(live_app, "holder@example.org")
    answer_next_dialog(page, questions, accept=True)
    page.get_by_role("button", name="Disable account").click()
    expect(page.get_by_text("Chen Jing is disabled and was logged out everywhere.")).to_be_visible()
    assert not active(live_app, "holder@example.org")
    expect(page.locator("tr[data-action='user.disable']")).to_contain_text("Left the course")

    for path in ("/accounts/users?status=disabled", "/admin/certificates?level=5"):
        watch.visit(path)
    watch.visit("/exams/admin/scheme")
    expect(page.get_by_role("heading", name="Scheme and cut scores")).to_be_visible()
    assert watch.settle() == [], "\n".join(watch.problems)
