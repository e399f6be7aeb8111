"""An organisation's office: its administrators appoint people to office roles, and every office
action lands in its audit log (who, when, what, before and after), readable and exportable only
by the organisation's administrators."""

from __future__ import annotations

import csv
import io
import re

import pytest

from talentpool.auth import Role
from tests.conftest import PASSWORD, csrf_from, make_organisation


@pytest.fixture
def english(client):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token, "next": "/"})


def appoint(client, slug, email, role):
    token = csrf_from(client.get(f"/admin/organisations/{slug}/members").get_data(as_text=True))
    return client.post(f"/admin/organisations/{slug}/members",
                       data={"csrf_token": token, "email": email, "role": role})


def audit_rows(client, slug) -> list[dict]:
    response = client.get(f"/admin/organisations/{slug}/audit.csv")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_an_office_administrator_runs_only_their_own_organisation(app, client, auth, make_user,
                                                                  english):
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
    admin, head = make_user(Role.ADMIN), make_user(Role.INSTITUTION_STAFF)
    rater = make_user(Role.INSTITUTION_STAFF)
    auth.login(admin)
    assert appoint(client, "north", head, "office_admin").status_code == 302
    auth.logout()
    auth.login(head)
    assert 'href="/office"' in client.get("/home").get_data(as_text=True)
    assert "北方技能评价中心" in client.get("/office").get_data(as_text=True)
    assert client.get("/admin/organisations/north").status_code == 200
    assert appoint(client, "north", rater, "rater").status_code == 302
    assert appoint(client, "north", rater, "proctor").status_code == 302  # several roles
    for url in ("/admin/organisations/south", "/admin/organisations/south/members",
                "/admin/organisations/south/audit", "/admin/organisations/south/audit.csv",
                "/admin/organisations", "/admin/organisations/new"):
        assert client.get(url).status_code == 403, url
    answer = appoint(client, "north", rater, "rater")
    assert "已在本机构担任该角色" in answer.get_data(as_text=True)
    assert "没有使用电子邮箱" in appoint(client, "north", "nobody@example.org",
                                          "rater").get_data(as_text=True)
    auth.logout()
    auth.login(rater)  # a rater is not an administrator of the organisation
    assert client.get("/admin/organisations/north/members").status_code == 403
    page = client.get("/office").get_data(as_text=True)
    assert "考评员" in page and "监考员" in page
    auth.logout()
    assert client.get("/admin/organisations/north/audit").status_code == 302  # to the login


def test_office_actions_are_audited_with_before_and_after(app, client, auth, make_user, english):
    from talentpool.accounts.service import create_user
    from talentpool.certification.service import issue_certificate

    with app.app_context():
        north = make_organisation("north", "北方技能评价中心")
        holder = create_user("holder@example.org", "王小明", PASSWORD, Role.TRAINEE)
        serial = issue_certificate(holder, 5, 80, 70, organisation=north).serial
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    rater = make_user(Role.INSTITUTION_STAFF)
    appoint(client, "north", rater, "rater")
    page = client.get(f"/admin/certificates/{serial}").get_data(as_text=True)
    token = csrf_from(page)
    client.post(f"/admin/certificates/{serial}/suspend",
                data={"csrf_token": token, "reason": "=HYPERLINK(\"x\") appeal"})
    client.post(f"/admin/certificates/{serial}/reinstate", data={"csrf_token": token})
    client.post(f"/admin/certificates/{serial}/national-number",
                data={"csrf_token": token, "national_number": "Y000000000000000000000"})
    edit = csrf_from(client.get("/admin/organisations/north").get_data(as_text=True))
    client.post("/admin/organisations/north", data={
        "csrf_token": edit, "slug": "north", "name": "北方技能评价中心",
        "other_title_zh": "技能考核成绩证明", "other_title_en": "Skill Assessment Record",
        "registered_levels": ["5"], "address": "北京市"})
    member_page = client.get("/admin/organisations/north/members").get_data(as_text=True)
    [dismiss_url] = re.findall(r'action="([^"]+/dismiss)"', member_page)
    client.post(dismiss_url, data={"csrf_token": csrf_from(member_page)})
    rows = audit_rows(client, "north")
    assert [row["action"] for row in rows] == [
        "organisation.create", "appoint", "certificate.suspend", "certificate.reinstate",
        "certificate.national_number", "organisation.update", "dismiss"]
    assert all(admin in row["actor"] for row in rows[1:])
    assert rows[0]["actor"] == "shell"
    assert rows[2]["subject"] == serial and "appeal" in rows[2]["after"]
    assert rows[2]["after"].startswith("{")  # JSON, so a formula can never start the cell
    update = rows[5]
    assert '"registered_levels": [5, 4, 3, 2, 1]' in update["before"]
    assert '"registered_levels": [5]' in update["after"] and "北京市" in update["after"]
    assert "name" not in update["after"]  # only what changed
    assert rows[6]["subject"] == rater and '"role": "rater"' in rows[6]["before"]
    page = client.get("/admin/organisations/north/audit").get_data(as_text=True)
    assert "certificate.suspend" in page and serial in page


def test_a_refused_action_writes_no_audit_entry(app):
    from talentpool.certification.service import CertificationError
    from talentpool.certification.status_changes import reinstate
    from talentpool.organisations import office

    with app.app_context():
        north = make_organisation("north", "北方技能评价中心")
        with pytest.raises(CertificationError):
            reinstate("TP-NOPE")
        assert [entry.action for entry in office.audit_log(north)] == ["organisation.create"]
