"""User management: only administrators list, search, export, disable, enable and re-role
accounts; the guards keep an administrator; every change is in the audit trail."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from talentpool.accounts import admin
from talentpool.accounts.models import LoginSession, User
from talentpool.accounts.service import create_user, find_user_by_email
from talentpool.auth import Role
from talentpool.directory.models import ApiToken
from talentpool.extensions import db
from talentpool.organisations.models import AuditEntry
from tests.conftest import PASSWORD, AuthActions, csrf_from
from tests.directory.conftest import Pool


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def public_id(app, email: str) -> str:
    with app.app_context():
        return find_user_by_email(email).public_id


def logged_in(app, email: str):
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


def post(client, page_url: str, action_url: str, data: dict | None = None):
    """POST to ``action_url`` with the CSRF token of ``page_url`` (as the page's form does)."""
    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={**(data or {}), "csrf_token": token})


def act(client, target_id: str, action: str, **fields):
    """Submit one of the account page's forms (disable, enable, role) for ``target_id``."""
    prefix = "role" if action == "role" else "status"
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    page = f"/accounts/users/{target_id}"
    return post(client, page, f"{page}/{action}", data)


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_only_administrators_reach_user_management(app, client, auth, make_user, role):
    target = public_id(app, make_user(Role.TRAINEE))
    auth.login(make_user(role))
    for url in ("/accounts/users", "/accounts/users.csv", f"/accounts/users/{target}"):
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/home").get_data(as_text=True))
    for action in ("disable", "role"):
        response = client.post(f"/accounts/users/{target}/{action}",
                               data={"csrf_token": token, "role-role": "admin"})
        assert response.status_code == 403
    with app.app_context():
        user = db.session.scalar(select(User).where(User.public_id == target))
        assert user.active and user.role is Role.TRAINEE


def test_anonymous_visitors_are_sent_to_login(app, client, make_user):
    target = public_id(app, make_user(Role.TRAINEE))
    for url in ("/accounts/users", "/accounts/users.csv", f"/accounts/users/{target}"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response.location


def test_admins_see_users_in_the_navigation(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    nav = client.get("/home").get_data(as_text=True)
    assert 'href="/accounts/users"' in nav


def test_list_searches_filters_and_says_its_total(app, client, auth, make_user):
    admin_email = make_user(Role.ADMIN, name="Ada Admin")
    make_user(Role.TRAINEE, email="li.wei@example.org", name="Li Wei")
    make_user(Role.TRAINEE, email="wang@example.org", name="Wang Fang")
    make_user(Role.EMPLOYER, email="hr@lab.example.com", name="Recruiter")
    auth.login(admin_email)
    page = client.get("/accounts/users").get_data(as_text=True)
    assert 'data-total="4"' in page and "Showing 1–4 of 4" in page
    by_name = client.get("/accounts/users?q=wei").get_data(as_text=True)
    assert "li.wei@example.org" in by_name and "wang@example.org" not in by_name
    by_mail = client.get("/accounts/users?q=LAB.EXAMPLE").get_data(as_text=True)
    assert 'data-total="1"' in by_mail and "hr@lab.example.com" in by_mail
    trainees = client.get("/accounts/users?role=trainee").get_data(as_text=True)
    assert 'data-total="2"' in trainees and "hr@lab.example.com" not in trainees
    nothing = client.get("/accounts/users?q=%25_").get_data(as_text=True)
    assert "data-total" not in nothing and "No account matches these filters." in nothing
    unknown = client.get("/accounts/users?role=superuser&status=gone&page=x")
    assert unknown.status_code == 200 and 'data-total="4"' in unknown.get_data(as_text=True)


def test_status_filter_tells_active_from_disabled(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    gone = make_user(Role.TRAINEE, email="gone@example.org")
    make_user(Role.TRAINEE, email="here@example.org")
    assert act(client, public_id(app, gone), "disable").status_code == 302
    disabled = client.get("/accounts/users?status=disabled").get_data(as_text=True)
    assert 'data-total="1"' in disabled and "gone@example.org" in disabled
    active = client.get("/accounts/users?status=active").get_data(as_text=True)
    assert 'data-total="2"' in active and "gone@example.org" not in active


def test_pages_keep_the_filters_and_count_every_row(app, client, auth, make_user):
    with app.app_context():
        for n in range(57):
            create_user(f"bulk{n:02d}@example.org", f"Bulk {n}", PASSWORD, Role.TRAINEE)
    make_user(Role.EMPLOYER, email="other@example.com")
    auth.login(make_user(Role.ADMIN))
    first = client.get("/accounts/users?role=trainee").get_data(as_text=True)
    assert "Showing 1–50 of 57" in first and "Page 1 of 2" in first
    assert len(re.findall(r'<tr data-user=', first)) == 50
    next_link = re.search(r'href="([^"]+)" rel="next"|rel="next" href="([^"]+)"', first)
    href = (next_link.group(1) or next_link.group(2)).replace("&amp;", "&")
    assert "role=trainee" in href and "page=2" in href
    second = client.get(href).get_data(as_text=True)
    assert "Showing 51–57 of 57" in second and 'rel="next"' not in second
    assert len(re.findall(r'<tr data-user=', second)) == 7
    assert "other@example.com" not in first + second
    past_the_end = client.get("/accounts/users?role=trainee&page=99").get_data(as_text=True)
    assert "Showing 51–57 of 57" in past_the_end


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_exports_every_filtered_account_safely(app, client, auth, make_user):
    make_user(Role.TRAINEE, email="formula@example.org", name="=HYPERLINK(\"http://x\")")
    make_user(Role.TRAINEE, email="plain@example.org", name="Plain Name")
    make_user(Role.EMPLOYER, email="boss@example.com", name="+Boss")
    with app.app_context():
        for n in range(60):
            create_user(f"many{n:02d}@example.org", f"Many {n}", PASSWORD, Role.TRAINEE)
    auth.login(make_user(Role.ADMIN))
    response = client.get("/accounts/users.csv?role=trainee")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["email", "name", "role", "status", "created_at"]
    assert len(rows) == 1 + 62  # every trainee, not one page
    by_mail = {row[0]: row for row in rows[1:]}
    assert by_mail["formula@example.org"][1] == "'=HYPERLINK(\"http://x\")"
    assert by_mail["plain@example.org"][1:4] == ["Plain Name", "trainee", "active"]
    assert "boss@example.com" not in by_mail
    employers = read_csv(client.get("/accounts/users.csv?role=employer"))
    assert [row[1] for row in employers[1:]] == ["'+Boss"]


def test_disabling_logs_the_person_out_at_once_and_revokes_api_tokens(app, client, auth,
                                                                     make_user):
    pool = Pool(app)
    employer = pool.employer()
    raw_token = pool.token(employer, ["search:read"])
    api_headers = {"Authorization": f"Bearer {raw_token}"}
    victim = logged_in(app, employer.email)
    assert victim.get("/home").status_code == 200
    assert victim.get("/api/v1/talent/search", headers=api_headers).status_code == 200
    admin_email = make_user(Role.ADMIN, name="Ada Admin")
    auth.login(admin_email)
    target = public_id(app, employer.email)
    response = act(client, target, "disable", reason="Left the company")
    assert response.status_code == 302
    home = victim.get("/home")
    assert home.status_code == 302 and "/accounts/login" in home.location
    assert victim.get("/api/v1/talent/search", headers=api_headers).status_code == 401
    with app.app_context():
        user = find_user_by_email(employer.email)
        assert not user.active
        assert all(s.revoked_at for s in db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == user.id)))
        assert all(t.revoked_at for t in db.session.scalars(
            select(ApiToken).where(ApiToken.owner_id == user.id)))
    [entry] = entries(app, "user.disable")
    assert (entry.organisation_id, entry.subject) == (None, target)
    assert entry.actor.startswith("Ada Admin") and entry.actor_id is not None
    assert entry.before == {"active": True}
    assert entry.after == {"active": False, "sessions_revoked": 1, "api_tokens_revoked": 1,
                           "reason": "Left the company"}
    page = client.get(f"/accounts/users/{target}").get_data(as_text=True)
    assert "Account disabled" in page and "Left the company" in page and "Ada Admin" in page
    assert AuthActions(app.test_client()).login(employer.email).status_code == 200  # refused


def test_enabling_lets_the_person_log_in_again_but_revives_no_session(app, client, auth,
                                                                     make_user):
    email = make_user(Role.TRAINEE)
    old = logged_in(app, email)
    auth.login(make_user(Role.ADMIN))
    target = public_id(app, email)
    act(client, target, "disable")
    assert act(client, target, "enable").status_code == 302
    assert old.get("/home").status_code == 302  # the ended session stays ended
    assert logged_in(app, email).get("/home").status_code == 200
    assert [e.action for e in entries(app)] == ["user.disable", "user.enable"]
    refused = act(client, target, "enable")
    assert refused.status_code == 400 and "already active" in refused.get_data(as_text=True)


def test_an_administrator_cannot_disable_or_demote_themself(app, client, auth, make_user):
    me = make_user(Role.ADMIN)
    make_user(Role.ADMIN)
    auth.login(me)
    mine = public_id(app, me)
    page = client.get(f"/accounts/users/{mine}").get_data(as_text=True)
    assert "This is your own account" in page and "/disable" not in page
    for action, fields in (("disable", {}), ("role", {"role": "trainee"})):
        response = act(client, mine, action, **fields)
        assert response.status_code == 400
        assert "cannot change your own account" in response.get_data(as_text=True)
    with app.app_context():
        user = find_user_by_email(me)
        assert user.active and user.role is Role.ADMIN
    assert entries(app) == []


def test_the_last_active_administrator_is_kept(app, make_user):
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    with app.app_context():
        one, two = find_user_by_email(first), find_user_by_email(second)
        admin.disable(two.public_id, one)
        # ``two`` acts on a page loaded before it was disabled (the race the guard is for).
        for change in (lambda: admin.disable(one.public_id, two),
                       lambda: admin.change_role(one.public_id, Role.TRAINEE, two)):
            with pytest.raises(admin.UserAdminError, match="last active administrator"):
                change()
        db.session.rollback()
        assert find_user_by_email(first).active
        assert find_user_by_email(first).role is Role.ADMIN
    assert [e.action for e in entries(app)] == ["user.disable"]


def test_a_disabled_administrator_may_be_demoted(app, make_user):
    first, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    with app.app_context():
        one, two = find_user_by_email(first), find_user_by_email(second)
        admin.disable(two.public_id, one)
        assert admin.change_role(two.public_id, Role.TRAINEE, one).role is Role.TRAINEE


def test_role_change_is_applied_audited_and_revokes_tokens(app, client, auth, make_user):
    pool = Pool(app)
    employer = pool.employer()
    pool.token(employer, ["search:read"])
    auth.login(make_user(Role.ADMIN))
    target = public_id(app, employer.email)
    page = client.get(f"/accounts/users/{target}").get_data(as_text=True)
    assert re.search(r'action="[^"]*/role"[^>]*data-confirm="Change the role of', page)
    response = act(client, target, "role", role="trainee", reason="Asked to become a trainee")
    assert response.status_code == 302
    with app.app_context():
        user = find_user_by_email(employer.email)
        assert user.role is Role.TRAINEE
        assert all(t.revoked_at for t in db.session.scalars(
            select(ApiToken).where(ApiToken.owner_id == user.id)))
    [entry] = entries(app, "user.role")
    assert (entry.before, entry.after["role"]) == ({"role": "employer"}, "trainee")
    page = client.get(f"/accounts/users/{target}").get_data(as_text=True)
    assert "Role changed" in page and "Employer → Trainee" in page
    assert logged_in(app, employer.email).get("/talent/search").status_code == 403


def test_refused_changes_say_why_and_keep_what_was_typed(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    target = public_id(app, make_user(Role.TRAINEE))
    same = act(client, target, "role", role="trainee", reason="typed by hand")
    html = same.get_data(as_text=True)
    assert same.status_code == 400 and "already has the role Trainee" in html
    assert 'value="typed by hand"' in html
    unknown = act(client, target, "role", role="superuser")
    assert unknown.status_code == 400 and "Not a valid choice" in unknown.get_data(as_text=True)
    too_long = act(client, target, "disable", reason="x" * 201)
    assert too_long.status_code == 400 and "under 200 characters" in too_long.get_data(
        as_text=True)
    assert entries(app) == []


def test_changes_need_the_csrf_token_and_a_post(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    target = public_id(app, make_user(Role.TRAINEE))
    assert client.post(f"/accounts/users/{target}/disable").status_code == 400
    assert client.get(f"/accounts/users/{target}/disable").status_code == 405
    with app.app_context():
        assert find_user_by_email("user2@example.org").active


def test_unknown_accounts_are_404(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    assert client.get("/accounts/users/nobody-here").status_code == 404
    assert client.get("/accounts/users/%00").status_code == 404
    assert post(client, "/accounts/users", "/accounts/users/nobody-here/disable").status_code \
        == 404


def test_a_deleted_account_cannot_be_enabled(app, client, auth, make_user):
    email = make_user(Role.TRAINEE)
    with app.app_context():
        user = find_user_by_email(email)
        user.email, user.active = f"deleted-{user.public_id}@deleted.invalid", False
        db.session.commit()
        target = user.public_id
    auth.login(make_user(Role.ADMIN))
    page = client.get(f"/accounts/users/{target}").get_data(as_text=True)
    assert "deleted at its holder" in page and "/enable" not in page
    response = act(client, target, "enable")
    assert response.status_code == 400 and "cannot be changed" in response.get_data(as_text=True)


def test_the_trail_shows_what_the_person_did_and_pages(app, client, auth, make_user):
    admin_email = make_user(Role.ADMIN, name="Ada Admin")
    auth.login(admin_email)
    targets = [public_id(app, make_user(Role.TRAINEE)) for _ in range(12)]
    for target in targets:
        act(client, target, "disable")
        act(client, target, "enable")
    mine = client.get(f"/accounts/users/{public_id(app, admin_email)}").get_data(as_text=True)
    assert "Showing 1–20 of 24" in mine and "another account" in mine
    second = client.get(f"/accounts/users/{public_id(app, admin_email)}?page=2")
    assert "Showing 21–24 of 24" in second.get_data(as_text=True)
    theirs = client.get(f"/accounts/users/{targets[0]}").get_data(as_text=True)
    assert "Showing 1–2 of 2" in theirs and "this account" in theirs
