"""The includes the home pages embed render with their context functions, and the demo seed."""

from __future__ import annotations

from flask import render_template

from talentpool.accounts.service import find_user_by_email
from talentpool.auth import Role
from talentpool.cohorts import demo, pages


def test_trainee_plan_include(app, two_institutions):
    mine, _other = two_institutions
    with app.test_request_context():
        user = find_user_by_email(mine.trainee_email)
        html = render_template("cohorts/_trainee_plan.html", **pages.trainee_plans(user.id))
    assert "甲培训基地 2026 春季班" in html and "0 / 10" in html


def test_trainee_plan_include_empty_state(app, make_user):
    email = make_user(Role.TRAINEE)
    with app.test_request_context():
        user = find_user_by_email(email)
        html = render_template("cohorts/_trainee_plan.html", **pages.trainee_plans(user.id))
    assert 'class="empty"' in html


def test_institution_home_include(app, make_user, two_institutions):
    mine, _other = two_institutions
    lone = make_user(Role.INSTITUTION_STAFF)
    with app.test_request_context():
        html = render_template("cohorts/_institution_home.html",
                               **pages.institution_home(find_user_by_email(mine.staff_email)))
        assert "甲培训基地 2026 春季班" in html and "Beta" not in html
        html = render_template("cohorts/_institution_home.html",
                               **pages.institution_home(find_user_by_email(lone)))
        assert 'class="empty"' in html


def test_demo_seed_is_idempotent(app, make_user, practice_bank):
    staff, admin = make_user(Role.INSTITUTION_STAFF), make_user(Role.ADMIN)
    trainee = make_user(Role.TRAINEE)
    with app.app_context():
        first = demo.seed_institution(staff, admin, [trainee])
        assert demo.seed_institution(staff, admin, [trainee]) == first
        from talentpool.cohorts.service import cohorts_of_trainee

        assert len(cohorts_of_trainee(find_user_by_email(trainee).id)) == 1
