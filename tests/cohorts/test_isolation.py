"""An institution never reaches another's cohorts or trainees; other roles get 403."""

from __future__ import annotations

import pytest

from talentpool.auth import Role
from tests.conftest import csrf_from

COHORT_PAGES = ("/cohorts/{c}", "/cohorts/{c}/plan", "/cohorts/{c}/enrol",
                "/cohorts/{c}/report.pdf",
                "/cohorts/{c}/progress.csv", "/cohorts/{c}/roster.csv", "/cohorts/{c}/results.csv",
                "/cohorts/{c}/trainees/{t}")
COHORT_ACTIONS = ("/cohorts/{c}/archive", "/cohorts/{c}/join-link", "/cohorts/{c}/sessions",
                  "/cohorts/{c}/plan", "/cohorts/{c}/enrol")


def test_another_institutions_ids_are_404(client, auth, two_institutions):
    mine, theirs = two_institutions
    auth.login(mine.staff_email)
    token = csrf_from(client.get("/institution").get_data(as_text=True))
    for url in COHORT_PAGES:
        assert client.get(url.format(c=theirs.cohort_id, t=theirs.trainee_id)).status_code == 404
    for url in COHORT_ACTIONS:
        assert client.post(url.format(c=theirs.cohort_id),
                           data={"csrf_token": token}).status_code == 404, url
    # their trainee under my cohort id is not found either
    assert client.get(f"/cohorts/{mine.cohort_id}/trainees/{theirs.trainee_id}").status_code == 404
    # and nothing of theirs leaks into my pages and exports
    for url in ("/institution", f"/cohorts/{mine.cohort_id}",
                f"/cohorts/{mine.cohort_id}/progress.csv",
                f"/cohorts/{mine.cohort_id}/roster.csv"):
        body = client.get(url).get_data(as_text=True)
        assert "Beta Academy" not in body and "Li Si" not in body
        assert theirs.trainee_email not in body


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.ADMIN])
def test_other_roles_are_403(client, auth, make_user, two_institutions, role):
    mine, _theirs = two_institutions
    auth.login(make_user(role))
    for url in ("/institution", "/cohorts/new", *COHORT_PAGES):
        assert client.get(url.format(c=mine.cohort_id, t=mine.trainee_id)).status_code == 403


def test_only_site_admins_manage_institutions(client, auth, make_user, two_institutions):
    mine, _theirs = two_institutions
    auth.login(mine.staff_email)
    assert client.get("/institutions").status_code == 403
    auth.logout()
    assert client.get("/institutions").status_code == 302  # to the login page


def test_instructors_cannot_archive_or_add_staff(app, client, auth, make_user, two_institutions):
    mine, _theirs = two_institutions
    instructor = make_user(Role.INSTITUTION_STAFF)
    auth.login(mine.staff_email)
    page = client.get("/institution").get_data(as_text=True)
    client.post("/institution/instructors",
                data={"csrf_token": csrf_from(page), "email": instructor})
    auth.logout()
    auth.login(instructor)
    page = client.get("/institution").get_data(as_text=True)
    assert "instructor" in page.lower() or "讲师" in page
    token = csrf_from(page)
    assert client.get(f"/cohorts/{mine.cohort_id}").status_code == 200
    assert client.post(f"/cohorts/{mine.cohort_id}/archive",
                       data={"csrf_token": token}).status_code == 403
    assert client.post("/institution/instructors",
                       data={"csrf_token": token, "email": "x@example.org"}).status_code == 403
