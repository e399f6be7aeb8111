"""Every institution page renders, with its empty states, for the institution's staff."""

from __future__ import annotations

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
        "starts_on": "2026-09-01", "deadline": "2026-08-01", "quota_theory": "20"})
    assert "The deadline must come after the start date." in reply.get_data(as_text=True)
    reply = client.post("/cohorts/new", data={
        "csrf_token": csrf_from(page), "name": "秋季班", "target_level": "4",
        "starts_on": "2026-09-01", "deadline": "2026-12-01", "quota_theory": "20"})
    assert reply.status_code == 302
    cohort_url = reply.headers["Location"].removesuffix("/enrol")
    plan = client.get(f"{cohort_url}/plan").get_data(as_text=True)
    assert 'value="20"' in plan
    client.post(f"{cohort_url}/plan", data={
        "csrf_token": csrf_from(plan), "name": "秋季班 A", "target_level": "4",
        "starts_on": "2026-09-01", "deadline": "2026-12-01", "quota_theory": "20",
        "quota_named_entities": "15"})
    dashboard = client.get(cohort_url).get_data(as_text=True)
    assert "秋季班 A" in dashboard
    assert 'name="quota_named_entities" type="number" value="15"' in client.get(
        f"{cohort_url}/plan").get_data(as_text=True)
    client.post(f"{cohort_url}/archive", data={"csrf_token": csrf_from(dashboard)})
    assert "archived" in client.get("/institution").get_data(as_text=True) or \
        "已归档" in client.get("/institution").get_data(as_text=True)
