"""In Chromium: axe-core finds no WCAG 2.1 A or AA violation (nor a breach of its best practices,
such as a skipped heading level) on one page of every page type, as each role, in Chinese and in
English, including states a page reaches by use (a form with errors, a refused empty answer, a
graded answer, the exam room, an exam result, a written answer handed in).

axe-core comes from the axe-playwright-python package (its bundled axe.min.js), injected into the
page by Playwright; the site's Content-Security-Policy does not apply to ``page.evaluate``.
"""

from __future__ import annotations

from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe

from talentpool.accounts.models import User
from talentpool.accounts.service import create_user
from talentpool.assessment import exam
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.database import utcnow
from talentpool.directory import employers
from talentpool.extensions import db
from talentpool.organisations import office
from talentpool.organisations.service import default_organisation
from talentpool.rating import service as rating
from talentpool.scoring import TASK_TYPES, get_scorer
from tests.browser.test_content_security_policy import PRACTICE_TRACKS, Watch, build_site
from tests.browser.test_task_uis import drag_image
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank

AXE = Axe()
# axe-core's rules for the success criteria of WCAG 2.0 and 2.1 at levels A and AA, and its best
# practices: heading order (no skipped level), one main landmark, an h1 per page, empty table
# headers and the like are best-practice rules in axe, not WCAG ones.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
# Folded content (chart data tables, method notes) is audited unfolded; the user menu stays
# closed except where a test opens it, because its panel would cover the page beneath it.
UNFOLD = "document.querySelectorAll('main details').forEach((details) => { details.open = true; })"
LANGUAGES = {"en": "English", "zh-CN": "中文"}
# The page types of the brief are audited in both languages; further pages, whose Chinese
# markup differs from the English one only in its words, in English alone (to save time).
ENGLISH = ("en",)


class Audit(Watch):
    """A watched page on which axe runs; every violating element becomes one line."""

    def __init__(self, page, base: str):
        super().__init__(page, base)
        self.findings: list[str] = []
        self.audited: list[str] = []

    def check(self, state: str = "") -> None:
        """Run axe on the page as it is now (folded parts unfolded)."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(UNFOLD)
        results = AXE.run(self.page, options=AXE_OPTIONS).response
        where = f"{self.page.url.removeprefix(self.base)} [{self.language()}]"
        where += f" ({state})" if state else ""
        self.audited.append(where)
        for violation in results["violations"]:
            for node in violation["nodes"]:
                summary = " ".join(node.get("failureSummary", "").split())
                self.findings.append(
                    f"{where}: {violation['id']} ({violation['impact']}) at "
                    f"{' '.join(map(str, node['target']))}: {violation['help']}. {summary}")

    def language(self) -> str:
        return self.page.locator("html").get_attribute("lang")

    def switch_language(self, lang: str) -> None:
        """Choose a language with the top bar's switch; the same page comes back."""
        if self.language() != lang:
            self.page.locator(".lang-switch").get_by_role("button", name=LANGUAGES[lang]).click()
            self.page.wait_for_selector(f"html[lang='{lang}']", timeout=60_000)

    def check_in_both(self, state: str = "") -> None:
        """Audit the current page in English and in Chinese, and come back to English."""
        for lang in ("en", "zh-CN"):
            self.switch_language(lang)
            self.check(state)
        self.switch_language("en")

    def tour(self, paths, languages=("en", "zh-CN")) -> None:
        """Visit and audit each page, first all in English, then all in Chinese."""
        for lang in languages:
            self.switch_language(lang)
            for path in paths:
                self.visit(path)
                self.check()
        self.switch_language("en")

    def report(self) -> str:
        return f"{len(self.findings)} accessibility violations:\n" + "\n".join(self.findings)


def navigation(page) -> list[str]:
    links = page.locator("nav.mainnav a")
    return [links.nth(n).get_attribute("href") for n in range(links.count())]


def test_axe_finds_nothing_on_any_page_type(live_app, live_server, page, tmp_path):
    site = build_site(live_app, tmp_path)
    with live_app.app_context():
        employer = db.session.scalar(db.select(User).where(User.email == site["employer"]))
        shortlist = employers.create_shortlist(employer, "Detection, spring").public_id
        employers.add_to_shortlist(employer, shortlist, site["profile"], "strong on boxes")
    with live_app.test_request_context():
        office_pages = f"/admin/organisations/{default_organisation().slug}"
    audit = Audit(page, live_server)

    # The audit sees a violation: an image without a text alternative is reported.
    audit.visit("/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    audit.check("probe")
    assert any(": image-alt (critical)" in line for line in audit.findings), audit.report()
    audit.findings.clear()

    # Anyone: the public pages, a certificate's verification, forms sent back with errors.
    audit.tour(["/", "/accounts/login", "/accounts/signup", "/accounts/reset", "/verify",
                f"/verify/{site['serial']}"])
    audit.visit("/accounts/signup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("main .has-error")
    audit.check_in_both("with errors")
    audit.visit("/accounts/login")
    page.get_by_label("E-mail address").fill("nobody@example.org")
    page.get_by_label("Password").fill("not the password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    audit.check("wrong password")

    # Trainee: every page of the navigation, a task of every type, a graded answer, the exam.
    audit.log_in("trainee@example.org")
    page.locator(".usermenu summary").click()
    audit.check("user menu open")
    audit.tour(navigation(page) + ["/practice/skills", "/talent/tier", "/talent/requests",
                                   "/notifications", "/accounts/settings"])
    audit.tour(["/talent/profile", "/talent/data", "/office/registrations", "/complaints",
                "/certificates/identity", "/certificates/photo", "/accounts/password"], ENGLISH)
    task_types = set()
    for track in PRACTICE_TRACKS:
        audit.visit(f"/practice/tracks/{track}")
        page.wait_for_selector("#task .task-ui > *")
        task_types.add(page.locator("#task").get_attribute("data-type"))
        audit.check_in_both()
    # Every task UI but the written task (exams only: the next test) was audited.
    assert task_types == set(TASK_TYPES) - {"rubric"}
    audit.visit("/practice/tracks/named_entities")
    page.wait_for_selector("#task .task-ui > *")
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-warning.flash-warning")
    audit.check("empty answer refused")
    audit.visit("/practice/tracks/object_detection")
    page.wait_for_selector("#task .tp-stage")
    drag_image(page, (42, 222), (222, 330))
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-result:not([hidden])")
    audit.check("answer graded")
    audit.visit("/exams/")
    page.get_by_role("button", name="Start or continue").click()
    page.wait_for_selector("#exam-clock")
    audit.check_in_both("exam room")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hand in the exam now").click()
    page.wait_for_selector("text=Feedback per assessment element")
    audit.check_in_both("exam result")

    # Employer: search, a profile, shortlists, one shortlist, API tokens.
    audit.log_in(site["employer"])
    audit.tour(navigation(page) + [
        "/talent/search", f"/talent/p/{site['profile']}", "/talent/shortlists",
        f"/talent/shortlists/{shortlist}", "/talent/tokens", "/notifications",
        "/accounts/settings"])
    audit.tour(["/talent/search?min_level=5&sort=skill", "/talent/organisation"], ENGLISH)

    # Institution staff: the institution, a cohort's dashboard, one trainee, enrolment.
    audit.log_in("staff@example.org")
    audit.visit(f"/cohorts/{site['cohort']}")
    trainee_page = page.get_by_role("link", name="王小明").get_attribute("href")
    audit.tour(navigation(page) + [f"/cohorts/{site['cohort']}", trainee_page,
                                   f"/cohorts/{site['cohort']}/enrol",
                                   f"/cohorts/{site['cohort']}/plan", "/cohorts/new"])

    # Administrator: the item bank, a calibrated track, standards, integrity, users,
    # certificates, the scheme, and the rest of the navigation.
    audit.log_in("admin@example.org")
    audit.tour(navigation(page) + [
        "/admin/bank/tracks/theory", "/exams/admin/standards", "/exams/admin/integrity",
        "/exams/admin/scheme", "/accounts/users", "/admin/certificates", "/notifications",
        "/accounts/settings"])
    audit.tour(["/admin/bank/items", "/admin/bank/reports", "/admin/bank/drafts",
                f"/admin/certificates/{site['serial']}", "/admin/photos",
                "/admin/national-numbers", "/recognition/trust", office_pages,
                f"{office_pages}/members", f"{office_pages}/plans", f"{office_pages}/sittings",
                f"{office_pages}/audit"], ENGLISH)

    assert audit.findings == [], audit.report()
    assert len(audit.audited) >= 140  # about 70 pages and states, each in both languages


def test_axe_finds_nothing_on_written_work(live_app, live_server, page, tmp_path):
    """The written task (rubric) in the exam room, a rater's scoring page, the office's page."""
    make_ready_bank(live_app, tmp_path, rated_levels=(3,))
    with live_app.test_request_context():
        organisation = default_organisation()
        slug = organisation.slug
        admin = create_user("office@example.org", "考务管理员", PASSWORD, Role.ADMIN)
        candidate = create_user("candidate@example.org", "王小明", PASSWORD, Role.TRAINEE)
        for level in (5, 4):
            issue_certificate(candidate, level, 80, 80)
        for n in range(2):
            create_user(f"rater{n}@example.org", f"考评员{n}", PASSWORD, Role.TRAINEE)
            office.appoint(organisation, f"rater{n}@example.org", "rater", admin)
        session = exam.create_session(3, "Level 3 · mock", utcnow() - timedelta(minutes=5),
                                      utcnow() + timedelta(hours=3), None)
        attempt = exam.start_attempt(candidate.id, session.public_id)
        while attempt.state == "theory":
            item = db.session.get(Item, attempt.current_item_id)
            attempt = exam.submit_answer(attempt, attempt.sequence, get_scorer(
                item.type_id).gold_answer(item.spec, item.gold))
        attempt_id, public_id = attempt.id, attempt.public_id
    audit = Audit(page, live_server)

    audit.log_in("candidate@example.org")
    audit.visit(f"/exams/attempts/{public_id}")
    assert page.locator("#task").get_attribute("data-type") == "rubric"
    audit.check_in_both("written task")
    page.get_by_label("Your answer").fill("## 标注规范\n\n| 标签 | 定义 |\n|---|---|\n| 负面 | 不满 |")
    page.get_by_role("button", name="Save answer and continue").click()
    page.locator(".exam-bar", has_text="Question 2").wait_for()
    page.get_by_label("Your answer").fill("第二题的作答")
    page.get_by_role("button", name="Save answer and continue").click()
    page.get_by_text("written work with the raters").wait_for()
    audit.check_in_both("written work handed in")

    with live_app.test_request_context():
        (task, *_rest) = rating.tasks_of_attempt(attempt_id)
        assignment = task.assignments[0]
        rater_email = db.session.get(User, assignment.rater_id).email
    audit.log_in(rater_email)
    audit.tour(["/rating/", f"/rating/answers/{assignment.public_id}"])
    audit.log_in("office@example.org")
    audit.tour([f"/admin/organisations/{slug}/rating"])

    assert audit.findings == [], audit.report()
    assert len(audit.audited) == 10
