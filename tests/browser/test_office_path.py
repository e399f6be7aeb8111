"""In Chromium, the whole way to a certificate through an evaluation organisation's office:
registration with evidence → eligibility review → seats and admission ticket → check-in by the
proctor → the exam → supervisor sign-off and publication → an appeal decided by another rater →
the certificate when the appeal window has closed → the results report → the authority's
national numbers → the signed archive bundle.

Three people work in their own browser contexts: the office administrator (also proctor and
supervisor), the candidate and a rater. The exam's answers are given through the exam service
(the exam pages have their own browser test); every office step is done on its page.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from talentpool.accounts.service import create_user, find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.certification import holders, photos
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office import archives, publication
from talentpool.office.models import Registration
from talentpool.organisations import office
from talentpool.organisations.service import by_slug
from tests.assessment.test_exam import gold_for
from tests.conftest import PASSWORD, make_organisation
from tests.exam_bank import make_ready_bank

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def portrait() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (390, 567), (210, 220, 235)).save(buffer, "JPEG")
    return buffer.getvalue()


def signed_in(browser, server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/accounts/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{server}/home")
    return page


def test_the_office_path_in_the_browser(live_app, live_server, browser, tmp_path):
    live_app.config["PUBLIC_BASE_URL"] = live_server  # the DID the archive is signed under
    make_ready_bank(live_app, tmp_path)
    with live_app.app_context():
        north = make_organisation("north", "北方技能评价中心", levels=(5,),
                                  code="91110000MA00000000")
        admin = create_user("office@example.org", "考务管理员", PASSWORD, Role.ADMIN)
        candidate = create_user("candidate@example.org", "王小明", PASSWORD, Role.TRAINEE)
        create_user("rater@example.org", "考评员甲", PASSWORD, Role.TRAINEE)
        for role in ("proctor", "supervisor"):
            office.appoint(north, "office@example.org", role, admin)
        office.appoint(north, "rater@example.org", "rater", admin)
        holders.set_identity(candidate, "resident_id", "11010519491231002X")
        photos.approve_photo(photos.upload_photo(candidate, portrait()).public_id, admin)
    base = f"{live_server}/admin/organisations/north"
    staff = signed_in(browser, live_server, "office@example.org")
    # The office plans a batch and a sitting that is open now.
    staff.goto(f"{base}/plans")
    staff.get_by_label("Title").fill("2026 年第四批五级认定")
    staff.get_by_label("Batch").fill("2026-04")
    now = utcnow() + timedelta(hours=8)  # the forms take Beijing time
    staff.get_by_label("Registration opens").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Registration closes").fill((now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_role("button", name="Create plan").click()
    staff.wait_for_url("**/plans/*")
    plan_url = staff.url
    staff.get_by_label("Starts").fill((now - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Ends").fill((now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Room").fill("A 座 301")
    staff.get_by_label("Capacity").fill("30")
    staff.get_by_role("button", name="Add sitting").click()
    assert "A 座 301" in staff.locator("main").inner_text()

    # The candidate registers by the training route, with the completion certificate.
    person = signed_in(browser, live_server, "candidate@example.org")
    person.goto(f"{live_server}/office/plans")
    person.get_by_role("link", name="Register for this plan").first.click()
    person.get_by_label("Real name").fill("王小明")
    person.locator("[data-route=work] input").check()
    person.get_by_label("Your account of it").fill("2026 年在示范培训基地完成五级培训 60 学时")
    person.locator("input[type=file]").set_input_files(
        [{"name": "结业证书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    person.get_by_role("button", name="Submit registration").click()
    person.wait_for_url(f"{live_server}/office/registrations")
    assert "Waiting for review" in person.locator("main").inner_text()

    # The office reviews the evidence and approves; seats are assigned.
    staff.goto(plan_url)
    staff.get_by_role("link", name="Registrations").first.click()
    staff.get_by_role("link", name="Review registration").first.click()
    assert "结业证书.pdf" in staff.locator("main").inner_text()
    staff.get_by_label("Approve").check()
    staff.get_by_role("button", name="Save decision").click()
    staff.goto(plan_url)
    staff.get_by_role("button", name="Assign seats").click()
    assert "1 candidates seated" in staff.locator("main").inner_text()
    roster = staff.request.get(f"{plan_url}/roster.csv")
    assert "11010519491231002X" in roster.text()

    # The candidate downloads the admission ticket.
    person.goto(f"{live_server}/office/registrations")
    ticket_link = person.get_by_role("link", name="Admission ticket")
    ticket = person.request.get(live_server + ticket_link.get_attribute("href"))
    assert ticket.ok and ticket.body().startswith(b"%PDF")
    with live_app.app_context():
        registration = db.session.scalar(select(Registration))
        number, sitting_id = registration.ticket_number, registration.sitting_id
        sitting = db.session.get(exam.ExamSession, sitting_id).public_id
    # Not checked in yet: the exam does not start.
    person.goto(f"{live_server}/exams/")
    assert "check you in" in person.locator("main").inner_text()
    assert person.get_by_role("button", name="Start or continue").count() == 0

    # The proctor scans the ticket, compares the photo and marks the candidate present.
    staff.goto(f"{base}/sittings/{sitting}/checkin")
    staff.get_by_label("Ticket number").fill(number)
    staff.get_by_role("button", name="Look up").click()
    assert "王小明" in staff.locator("main").inner_text()
    staff.locator("input[name=photo_matches]").check()
    staff.get_by_role("button", name="Present").click()

    # The candidate starts; the answers (all right) are given through the exam service.
    person.goto(f"{live_server}/exams/")
    person.get_by_role("button", name="Start or continue").click()
    person.wait_for_selector("#exam-clock")
    with live_app.app_context():
        attempt = db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.session_id == sitting_id))
        while attempt.state in ("theory", "practical"):
            exam.submit_answer(attempt, attempt.sequence, gold_for(attempt.current_item_id))
        attempt_id, state = attempt.public_id, attempt.state
    assert state == "passed"
    person.goto(f"{live_server}/exams/attempts/{attempt_id}")
    assert person.locator("[data-unpublished]").count() == 2  # no score before publication

    # The supervisor signs off; the office publishes.
    staff.goto(f"{base}/sittings/{sitting}/log")
    staff.once("dialog", lambda dialog: dialog.accept())  # signing off asks first
    with staff.expect_navigation():
        staff.get_by_role("button", name="Sign off").click()
    staff.goto(f"{base}/sittings/{sitting}/results")
    staff.once("dialog", lambda dialog: dialog.accept())  # publishing asks first
    staff.get_by_role("button", name="Publish the results").click()
    staff.locator("[data-published]").wait_for()

    # The candidate appeals the theory part; another rater re-checks it and upholds it.
    person.goto(f"{live_server}/exams/attempts/{attempt_id}")
    person.get_by_label("Why should it be scored again?").fill("请复核理论部分第二题。")
    person.get_by_role("button", name="Ask for a re-check").click()
    rater = signed_in(browser, live_server, "rater@example.org")
    rater.goto(f"{base}/appeals")
    rater.locator("main a[href*='/appeals/']").first.click()
    rater.get_by_label("Reason for the decision").fill("逐题核对，自动评分无误，维持原成绩。")
    rater.once("dialog", lambda dialog: dialog.accept())  # a decision asks first
    with rater.expect_navigation():
        rater.get_by_role("button", name="Decide the appeal").click()
    with live_app.app_context():
        row = db.session.scalar(select(ExamAttempt).where(ExamAttempt.session_id == sitting_id))
        assert row.certificate_serial is None  # the window is still open
        # The window closes: the scheduled job issues the certificate.
        publication.release_due(row.session.appeal_closes_at + timedelta(minutes=1))
        db.session.refresh(row)
        serial = row.certificate_serial
    assert serial
    person.goto(f"{live_server}/verify/{serial}")
    assert person.locator("[data-status=valid]").count() >= 1

    # The plan's report for the authority, and the numbers the authority assigned.
    plan_id = plan_url.rstrip("/").split("/")[-1]
    report = staff.request.get(f"{base}/plans/{plan_id}/report.csv")
    rows = list(csv.reader(io.StringIO(report.body().decode("utf-8-sig"))))
    assert rows[1][0] == "王小明" and rows[1][9] == "合格" and rows[1][12] == "2026-04"
    numbers = "证件号码,职业技能等级,证书编号\n11010519491231002X,五级,Y123411010101265000001\n"
    (tmp_path / "numbers.csv").write_text(numbers, encoding="utf-8")
    staff.goto(f"{live_server}/admin/national-numbers")
    staff.locator("input[type=file]").set_input_files(str(tmp_path / "numbers.csv"))
    staff.get_by_role("button", name="Import").click()
    assert "Y123411010101265000001" in staff.locator("main").inner_text()

    # The sitting is archived; the bundle checks against the organisation's key.
    staff.goto(f"{base}/sittings")
    staff.get_by_role("button", name="Archive now").first.click()
    link = staff.locator("main a[href*='/archives/']").first.get_attribute("href")
    bundle = staff.request.get(live_server + link).body()
    with live_app.app_context():
        assert archives.verify_bundle(bundle, by_slug("north")) == []
        actions = {entry.action for entry in office.audit_log(by_slug("north"))}
        assert find_user_by_email("candidate@example.org").active
    assert {"registration.approve", "seats.assign", "checkin.mark", "log.sign_off",
            "results.publish", "appeal.file", "appeal.decide", "archive.create"} <= actions, \
        actions
