"""An employer asks a trainee for contact details; the trainee sees the bell's count, opens the
notification by keyboard and lands on the request; the count is gone."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.directory.conftest import Pool


def test_the_bell_leads_to_the_request_and_clears(live_app, live_server, page):
    pool = Pool(live_app)
    trainee, employer = pool.trainee(), pool.employer(organisation="Traffic Vision Lab")
    with live_app.app_context():
        from talentpool.accounts.models import User
        from talentpool.directory import employers
        from talentpool.extensions import db

        employers.request_contact(db.session.get(User, employer.user_id), trainee.profile_id,
                                  "We label traffic scenes; would you join us?")
    page.goto(f"{live_server}/accounts/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(trainee.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).last.click()
    page.wait_for_url(f"{live_server}/home")
    bell = page.locator("#bell")
    expect(bell).to_have_accessible_name("Notifications 1 unread")
    bell.click()
    page.wait_for_url(f"{live_server}/notifications")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    title = page.get_by_role("button", name="Traffic Vision Lab asks for your contact details")
    title.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/talent/requests")
    expect(page.get_by_text("We label traffic scenes; would you join us?")).to_be_visible()
    expect(page.locator("#bell")).to_have_accessible_name("Notifications")
    page.locator("#bell").click()
    expect(page.locator("[data-notification]")).to_have_attribute("data-state", "read")
