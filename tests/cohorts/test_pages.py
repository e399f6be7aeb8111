"""Every institution page renders, with its empty states, for the institution's staff."""

from __future__ import annotations

import pytest

from talentpool.auth import Role
from tests.conftest import csrf_from


def test_staff_pages_render(client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    for url in ("/institution", "/cohorts/new", f"/cohorts/{mine.cohort_id}",
                f"/cohorts/{mine.cohort_id}/plan", f"/cohorts/{mine.cohort_id}/enrol",
                f"/cohorts/{mine.cohort_id}/trainees/{mine.trainee_id}"):
        page = client.get(url)
        assert page.status_code == 200, url
    dashboard = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    assert "张三" in dashboard


def test_staff_without_institution_sees_an_explanation(client, auth, make_user):
    auth.login(make_user(Role.INSTITUTION_STAFF))
    page = client.get("/institution")
    assert page.status_code == 200
    assert client.get("/cohorts/new").status_code == 404


def test_create_cohort_edit_plan_and_archive(client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    page = client.get("/cohorts/new").get_data(as_text=True)
    reply = client.post("/cohorts/new", data={
        "csrf_token": csrf_from(page), "name": "秋季班", "target_level": "4",
        "starts_on": "2026-09-01", "deadline": "2026-08-01", "quota_theory": "10"})
    assert "The deadline must come after the start date." in reply.get_data(as_text=True)
    reply = client.post("/cohorts/new", data={
        "csrf_token": csrf_from(page), "name": "秋季班", "target_level": "4",
        "starts_on": "2026-09-01", "deadline": "2026-12-01", "quota_theory": "10"})
    assert reply.status_code == 302
    cohort_url = reply.headers["Location"].removesuffix("/enrol")
    plan = client.get(f"{cohort_url}/plan").get_data(as_text=True)
    assert 'value="10"' in plan
    client.post(f"{cohort_url}/plan", data={
        "csrf_token": csrf_from(plan), "name": "秋季班 A", "target_level": "4",
        "starts_on": "2026-09-01", "deadline": "2026-12-01", "quota_theory": "10",
        "quota_object_detection": "4"})
    dashboard = client.get(cohort_url).get_data(as_text=True)
    assert "秋季班 A" in dashboard
    assert 'name="quota_object_detection" type="number" value="4"' in client.get(
        f"{cohort_url}/plan").get_data(as_text=True)
    client.post(f"{cohort_url}/archive", data={"csrf_token": csrf_from(dashboard)})
    assert "archived" in client.get("/institution").get_data(as_text=True) or \
        "已归档" in client.get("/institution").get_data(as_text=True)


@pytest.mark.parametrize("quota, message", [
    ("-3", "A quota cannot be negative"),
    ("13", "The practice bank of Theory holds 12 items; a quota can ask for at most that many."),
])
def test_a_plan_says_which_quota_is_wrong_and_keeps_what_was_typed(client, auth,
                                                                   two_institutions, quota,
                                                                   message):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    page = client.get("/cohorts/new").get_data(as_text=True)
    assert "(12 items)" in page  # each track says how many practice items it holds
    reply = client.post("/cohorts/new", data={
        "csrf_token": csrf_from(page), "name": "冬季班", "target_level": "5",
        "starts_on": "2026-11-01", "deadline": "2026-12-01", "quota_theory": quota,
        "quota_text_classification": "5"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and message in html
    error = html[html.index('id="quota_theory-error"'):]
    assert message in error[:400]  # beside the quota it is about
    assert 'aria-describedby="quota_theory-error"' in html
    assert 'value="冬季班"' in html and f'value="{quota}"' in html and 'value="5"' in html
