"""In Chromium: institution staff open a cohort dashboard and see its charts."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from talentpool.accounts.service import create_user
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.cohorts import enrolment, service
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.browser.conftest import sign_in_english
from tests.cohorts.conftest import answer, estimate
from tests.conftest import PASSWORD
from tests.packs import import_live, make_item, make_pack


def staffed_institution(tmp_path):
    """Four text-classification practice items, a teacher running 甲培训基地, and 王小明."""
    import_live(make_pack(tmp_path / "packs", "tc-pack",
                          items=[make_item("single_choice", f"q{n}") for n in range(4)]))
    staff = create_user("staff@example.org", "Teacher", PASSWORD, Role.INSTITUTION_STAFF)
    admin = create_user("admin@example.org", "Admin", PASSWORD, Role.ADMIN)
    trainee = create_user("t@example.org", "王小明", PASSWORD, Role.TRAINEE)
    institution, _link = service.create_institution("甲培训基地", staff.email, admin)
    return staff, trainee, institution


def test_cohort_dashboard_shows_charts(live_app, live_server, page, tmp_path):
    now = utcnow()
    with live_app.app_context():
        staff, trainee, institution = staffed_institution(tmp_path)
        cohort = service.create_cohort(institution.id, "春季班", 5, {"text_classification": 4},
                                       (now - timedelta(days=5)).date(),
                                       (now + timedelta(days=25)).date(), staff)
        enrolment.join(cohort.join_code, trainee)
        items = list(db.session.scalars(select(Item)))
        db.session.add_all([answer(trainee.id, item, n % 2, now - timedelta(days=n))
                            for n, item in enumerate(items)])
        db.session.add(estimate(trainee.id, "text_classification", 0.6, 0.5))
        db.session.commit()
        cohort_id = cohort.public_id
    sign_in_english(page, live_server, "staff@example.org", PASSWORD)
    page.goto(f"{live_server}/cohorts/{cohort_id}")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 2
    for index in range(2):
        chart = charts.nth(index)
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 60
    assert page.get_by_role("link", name="王小明").is_visible()
    page.get_by_role("link", name="王小明").click()
    # the click starts a navigation: wait for the trainee's page before looking at its chart
    expect(page.locator("h1", has_text="王小明")).to_be_visible()
    expect(page.locator("figure.chart svg").first).to_be_visible()


def test_charts_are_named_images_with_tables_and_the_method_opens(live_app, live_server, page,
                                                                  tmp_path):
    """The charts are images with names; their numbers unfold as a table; the method link
    opens the folded method note; the time axis of one day of estimates shows times."""
    now = utcnow()
    with live_app.app_context():
        staff, trainee, institution = staffed_institution(tmp_path)
        cohort = service.create_cohort(institution.id, "春季班", 5, {"text_classification": 4},
                                       now.date(), (now + timedelta(days=30)).date(), staff)
        enrolment.join(cohort.join_code, trainee)
        db.session.add_all([answer(trainee.id, item, 1, now)
                            for item in db.session.scalars(select(Item))])
        rows = [estimate(trainee.id, "text_classification", theta, 0.5) for theta in (0.2, 0.6)]
        rows[0].computed_at = now - timedelta(minutes=20)
        db.session.add_all(rows)
        db.session.commit()
        cohort_id, trainee_id = cohort.public_id, trainee.public_id
    sign_in_english(page, live_server, "staff@example.org", PASSWORD)
    page.goto(f"{live_server}/cohorts/{cohort_id}")
    volume = page.get_by_role("img", name="Practice answers of the cohort per day")
    expect(volume).to_be_visible()
    table = page.get_by_role("table", name="Practice answers of the cohort per day")
    expect(table).to_be_hidden()
    page.locator("details.chart-data summary").first.click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 1
    method = page.locator("#method")
    expect(method).to_be_hidden()
    page.get_by_role("link", name="How these numbers are worked out").click()
    expect(method).to_be_visible()
    expect(method).to_contain_text("normal approximation")
    page.goto(f"{live_server}/cohorts/{cohort_id}/trainees/{trainee_id}")
    history = page.get_by_role("img", name="Skill over time: Text classification")
    expect(history).to_be_visible()
    ticks = history.locator("text").all_text_contents()
    assert any(re.fullmatch(r"\d\d:\d\d", tick.strip()) for tick in ticks), ticks
