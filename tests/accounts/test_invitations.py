"""Invitations: only admins create them; staff, employer and admin accounts come from them."""

import re

import pytest

from talentpool.accounts import service
from talentpool.auth import Role
from tests.conftest import PASSWORD, post_form


def invite(client, email="staff@example.org", role="institution_staff"):
    response = post_form(client, "/accounts/invitations", {"email": email, "role": role})
    match = re.search(r"(/accounts/invite/[A-Za-z0-9_\-]+)", response.get_data(as_text=True))
    return response, (match.group(1) if match else None)


def test_admin_invites_staff_who_accepts(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response, link = invite(client)
    assert response.status_code == 200 and link
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert "staff@example.org" in page.get_data(as_text=True)
    done = post_form(newcomer, link, {"display_name": "Teacher Li", "password": PASSWORD,
                                      "confirm": PASSWORD})
    assert done.status_code == 302
    assert newcomer.get("/home").status_code == 200
    with app.app_context():
        assert service.find_user_by_email("staff@example.org").role is Role.INSTITUTION_STAFF
    assert app.test_client().get(link).status_code == 410  # used once


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_only_admins_can_invite(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/accounts/invitations").status_code == 403


def test_anonymous_invitation_page_redirects_to_login(client):
    assert client.get("/accounts/invitations").status_code == 302


def test_invitation_cannot_make_a_trainee_or_unknown_role(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    for role in ("trainee", "superuser"):
        response, link = invite(client, role=role)
        assert link is None
        assert response.status_code == 200


def test_invitation_for_existing_address_is_refused(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    existing = make_user(Role.TRAINEE)
    response, link = invite(client, email=existing)
    assert link is None and "已注册" in response.get_data(as_text=True)


def test_withdrawn_invitation_stops_working(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    _, link = invite(client, role="employer")
    html = client.get("/accounts/invitations").get_data(as_text=True)
    revoke_url = re.search(r'action="(/accounts/invitations/[^"]+/revoke)"', html).group(1)
    assert post_form(client, "/accounts/invitations", {}, ) is not None
    page = client.get("/accounts/invitations").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post(revoke_url, data={"csrf_token": token}).status_code == 302
    assert app.test_client().get(link).status_code == 410


def test_unknown_invitation_id_is_404(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    page = client.get("/accounts/invitations").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post("/accounts/invitations/nope/revoke",
                       data={"csrf_token": token}).status_code == 404
