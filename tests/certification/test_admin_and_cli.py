"""Administrators list, search and revoke certificates on the web and at the shell."""

import re

import pytest

from talentpool.auth import Role
from tests.conftest import csrf_from


def revoke_form(client, serial, reason):
    page = client.get("/admin/certificates").get_data(as_text=True)
    return client.post(f"/admin/certificates/{serial}/revoke",
                       data={"reason": reason, "csrf_token": csrf_from(page)})


def test_admin_lists_searches_and_revokes(client, auth, make_user, make_certificate):
    first, second = make_certificate(name="Alice Zhang"), make_certificate(name="Bob Li")
    auth.login(make_user(Role.ADMIN))
    html = client.get("/admin/certificates").get_data(as_text=True)
    assert first.serial in html and second.serial in html
    found = client.get(f"/admin/certificates?q={first.serial.lower()}").get_data(as_text=True)
    assert first.serial in found and second.serial not in found
    assert second.serial in client.get("/admin/certificates?q=bob").get_data(as_text=True)
    response = revoke_form(client, first.serial, "Cheating was proven")
    assert response.status_code == 302
    record = client.get(f"/api/v1/certificates/{first.serial}").get_json()
    assert (record["status"], record["revocation_reason"]) == ("revoked", "Cheating was proven")


def test_revocation_without_reason_is_refused(client, auth, make_user, make_certificate):
    issued = make_certificate()
    auth.login(make_user(Role.ADMIN))
    assert revoke_form(client, issued.serial, "  ").status_code == 302
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["status"] == "valid"


def test_revocation_needs_csrf_and_post(client, auth, make_user, make_certificate):
    issued = make_certificate()
    auth.login(make_user(Role.ADMIN))
    url = f"/admin/certificates/{issued.serial}/revoke"
    assert client.post(url, data={"reason": "x"}).status_code == 400
    assert client.get(url).status_code == 405
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["status"] == "valid"


def test_revoking_an_unknown_serial_says_so(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = revoke_form(client, "TP-0000-0000-0000-0000-0000-0000-0000", "reason")
    assert response.status_code == 302
    assert "flash-error" in client.get("/admin/certificates").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_admin_pages_are_403_for_other_roles(client, auth, make_user, make_certificate, role):
    issued = make_certificate()
    auth.login(make_user(role))
    assert client.get("/admin/certificates").status_code == 403
    page = client.get("/home").get_data(as_text=True)
    response = client.post(f"/admin/certificates/{issued.serial}/revoke",
                           data={"reason": "x", "csrf_token": csrf_from(page)})
    assert response.status_code == 403
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["status"] == "valid"


def test_anonymous_admin_page_redirects_to_login(client):
    assert client.get("/admin/certificates").status_code == 302


def test_cli_lists_and_revokes(runner, make_certificate):
    issued = make_certificate(name="Chen Jing", level=3)
    listed = runner.invoke(args=["certificates", "list"])
    assert listed.exit_code == 0
    assert re.search(rf"{issued.serial}\s+level 3\s+valid .*Chen Jing", listed.output)
    revoked = runner.invoke(args=["certificates", "revoke", issued.serial.lower(),
                                  "--reason", "Duplicate record"])
    assert revoked.exit_code == 0 and issued.serial in revoked.output
    assert "revoked" in runner.invoke(args=["certificates", "list"]).output


@pytest.mark.parametrize("args", [
    ["certificates", "revoke", "TP-0000-0000-0000-0000-0000-0000-0000", "--reason", "x"],
    ["certificates", "revoke", "garbage", "--reason", "x"],
])
def test_cli_errors_are_plain_messages(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "Error:" in result.output
    assert "Traceback" not in result.output and result.exception.__class__.__name__ == "SystemExit"


def test_cli_revoke_needs_a_reason_and_list_handles_empty(runner):
    assert runner.invoke(args=["certificates", "revoke", "TP-X"]).exit_code == 2
    assert "No certificates." in runner.invoke(args=["certificates", "list"]).output
