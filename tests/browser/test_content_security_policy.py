"""In Chromium: every role's main pages run under the Content-Security-Policy without a single
violation, and what the move out of inline code touched still works: labeling UIs submit,
charts and meters draw, confirmations ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import create_user, find_user_by_email
from talentpool.assessment import exam
from talentpool.auth import Role
from talentpool.certification.service import certificates_of
from talentpool.cohorts import enrolment, service
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.practice.models import Response
from tests.browser.test_task_uis import drag_image
from tests.conftest import PASSWORD
from tests.directory.conftest import Pool
from tests.exam_bank import make_ready_bank
from tests.packs import import_live, make_item, make_pack, make_practice_bank

# Reports each violation to Python at once, so none is lost when the page navigates away.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
}, true);
"""
EXTRA_TYPES = ("bbox", "text_spans", "ranking", "multi_choice", "cot_steps", "review")
PRACTICE_TRACKS = ("object_detection", "speech_transcription", "named_entities", "llm_preference",
                   "text_classification", "cot_checking", "annotation_review", "theory")


class Watch:
    """A page whose CSP violations, CSP and Permissions-Policy console messages and script
    errors are collected across navigations."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.problems: list[str] = []
        self.visited: list[str] = []
        page.expose_function("reportViolation", lambda text: self.problems.append(text))
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response.status < 400, f"{path}: {response.status}"
        self.visited.append(path)

    def visit_navigation(self) -> None:
        """Every page in the role's main navigation."""
        links = self.page.locator("nav.mainnav a")
        for href in [links.nth(n).get_attribute("href") for n in range(links.count())]:
            self.visit(href)

    def log_in(self, email: str) -> None:
        self.page.context.clear_cookies()
        self.visit("/accounts/login")
        self.page.get_by_role("button", name="English").click()
        # The switch posts a form and reloads the page: wait for the English page itself.
        self.page.wait_for_selector("html[lang='en']", timeout=60_000)
        self.page.get_by_label("E-mail address").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_url(f"{self.base}/home")

    def settle(self) -> list[str]:
        self.page.wait_for_timeout(200)  # let the last reports arrive
        return self.problems


def build_site(app, tmp_path) -> dict:
    """An item bank that certifies, one practice pack per task type, an open exam session,
    a listed certified trainee, a verified employer, and a cohort with a joined trainee."""
    make_ready_bank(app, tmp_path)
    pool = Pool(app)
    with app.app_context():
        for type_id in EXTRA_TYPES:
            _imported, problems = import_live(make_pack(
                tmp_path / "extra", type_id.replace("_", "-") + "-pack",
                items=[make_item(type_id, "x-" + type_id.replace("_", "-"))]))
            assert problems == []
        now = utcnow()
        exam.create_session(5, "Level 5 · CSP", now - timedelta(minutes=5),
                            now + timedelta(hours=2), None)
        trainee = create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
        staff = create_user("staff@example.org", "李老师", PASSWORD, Role.INSTITUTION_STAFF)
        admin = create_user("admin@example.org", "Admin", PASSWORD, Role.ADMIN)
        institution, _link = service.create_institution("甲培训基地", staff.email, admin)
        make_practice_bank(tmp_path, {"object_detection": 2, "speech_transcription": 2})
        cohort = service.create_cohort(
            institution.id, "春季班", 5, {"object_detection": 2, "speech_transcription": 2},
            (now - timedelta(days=5)).date(), (now + timedelta(days=25)).date(), staff)
        enrolment.join(cohort.join_code, trainee)
        cohort_id = cohort.public_id
    listed = pool.trainee(share=("region",), region="北京", level=5,
                          skills={"object_detection": 72, "text_classification": 40})
    employer = pool.employer()
    with app.app_context():
        serial = certificates_of(listed.user_id)[0].serial
    return {"cohort": cohort_id, "serial": serial, "employer": employer.email,
            "profile": listed.profile_id}


def test_every_role_browses_without_a_csp_violation(live_app, live_server, page, tmp_path):
    site = build_site(live_app, tmp_path)
    watch = Watch(page, live_server)

    # The watch sees a violation: an inline style set on the page is refused and reported.
    watch.visit("/")
    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    assert any("style-src" in problem for problem in watch.settle())
    watch.problems.clear()

    for path in ("/", "/accounts/login", "/accounts/signup", "/accounts/reset", "/verify",
                 f"/verify/{site['serial']}"):
        watch.visit(path)
    assert page.locator("main").get_by_text(site["serial"]).count() >= 1

    # Trainee: an item of every task type, answers in two of them, an exam and its result.
    watch.log_in("trainee@example.org")
    watch.visit_navigation()
    for track in PRACTICE_TRACKS:
        watch.visit(f"/practice/tracks/{track}")
        page.wait_for_selector("#task .task-ui > *")
    watch.visit("/practice/tracks/object_detection")
    page.wait_for_selector("#task .tp-stage")
    drag_image(page, (42, 222), (222, 330))
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-result:not([hidden])")
    assert "IoU" in page.locator(".tp-box-list").inner_text()
    watch.visit("/practice/tracks/speech_transcription")
    assert page.locator("#task audio").count() == 1
    page.get_by_label("Transcript").fill("今天天气很好")
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator("#task-score").inner_text().endswith("%")
    with live_app.app_context():
        trainee = find_user_by_email("trainee@example.org")
        assert db.session.scalar(select(func.count()).select_from(Response).where(
            Response.user_id == trainee.id)) == 2
    watch.visit("/practice/")
    assert page.locator(".track-card svg.meter").count() == page.locator(".track-card").count()
    watch.visit("/practice/skills")
    assert page.locator("figure.chart svg").count() >= 1
    watch.visit("/exams/")
    page.get_by_role("button", name="Start or continue").click()
    page.wait_for_selector("#exam-clock")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Hand in the exam now").click()
    page.wait_for_timeout(300)
    assert questions and "Hand in the whole exam" in questions[0]
    assert page.locator("#exam-clock").is_visible()  # dismissed: the exam goes on
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hand in the exam now").click()
    page.wait_for_selector("text=Feedback per assessment element")
    watch.visited.append(page.url)

    # Employer: search with skill meters, a profile, the token page.
    watch.log_in(site["employer"])
    watch.visit_navigation()
    watch.visit("/talent/search")
    assert page.locator(".skill-bars svg.meter").count() >= 1
    assert page.locator(".skill-bars svg.meter rect").first.bounding_box()["width"] > 0
    for path in (f"/talent/p/{site['profile']}", "/talent/shortlists", "/talent/tokens"):
        watch.visit(path)

    # Institution staff: cohort dashboard and trainee page with charts.
    watch.log_in("staff@example.org")
    watch.visit_navigation()
    watch.visit(f"/cohorts/{site['cohort']}")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 300 and box["height"] > 60
    bar = page.locator("td svg.meter-inline").first.bounding_box()
    done = page.locator("td svg.meter-inline rect").first.bounding_box()
    assert done["width"] == pytest.approx(bar["width"] / 2, abs=1)  # 2 of 4 planned answers
    page.get_by_role("link", name="王小明").click()
    page.wait_for_selector("figure.chart svg")
    watch.visit(f"/cohorts/{site['cohort']}/enrol")

    # Administrator: every admin page, the calibrated track with its information chart.
    watch.log_in("admin@example.org")
    watch.visit_navigation()
    for path in ("/exams/admin/standards", "/exams/admin/integrity", "/admin/bank/tracks/theory"):
        watch.visit(path)
    assert page.locator("figure.chart svg").count() == 1

    assert watch.settle() == [], "\n".join(watch.problems)
    assert len(watch.visited) > 40
