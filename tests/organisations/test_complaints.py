"""Complaints (ISO/IEC 17024 9.9): filed by a signed-in person, acknowledged, investigated and
answered by the organisation's administrators only, every step audited."""

from __future__ import annotations

import re

from talentpool.auth import Role
from tests.conftest import csrf_from, make_organisation


def file(client, slug, **data):
    page = client.get(f"/issuers/{slug}/complaints/new").get_data(as_text=True)
    return client.post(f"/issuers/{slug}/complaints/new",
                       data={"csrf_token": csrf_from(page), **data})


def outbox(app):
    return list(app.extensions.get("mail_outbox", []))


def test_a_complaint_is_filed_investigated_and_answered(app, client, auth, make_user):
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
    assert client.get("/issuers/north/complaints/new").status_code == 302  # sign in first
    employer = make_user(Role.EMPLOYER)
    auth.login(employer)
    # Bad input stores nothing.
    assert "证书" in file(client, "north", about="holder", text="Fake skills").get_data(
        as_text=True)
    assert file(client, "north", about="organisation", text="x" * 4001).status_code == 200
    assert client.get("/complaints").get_data(as_text=True).count("data-reference") == 0
    answer = file(client, "north", about="holder", certificate_serial="TP-ABCD",
                  text="The holder could not do the work.")
    assert answer.status_code == 302
    page = client.get("/complaints").get_data(as_text=True)
    [reference] = re.findall(r'data-reference="(C-[0-9A-Z]+)"', page)
    assert outbox(app)[-1][0] == employer and reference in outbox(app)[-1][1]
    auth.logout()

    head = make_user(Role.INSTITUTION_STAFF)
    auth.login(make_user(Role.ADMIN))
    token = csrf_from(client.get("/admin/organisations/north/members").get_data(as_text=True))
    client.post("/admin/organisations/north/members",
                data={"csrf_token": token, "email": head, "role": "office_admin"})
    auth.logout()
    auth.login(head)
    assert client.get(f"/admin/organisations/south/complaints/{reference}").status_code == 403
    assert client.get("/admin/organisations/south/complaints").status_code == 403
    listing = client.get("/admin/organisations/north/complaints").get_data(as_text=True)
    assert reference in listing
    detail_url = f"/admin/organisations/north/complaints/{reference}"
    token = csrf_from(client.get(detail_url).get_data(as_text=True))
    client.post(f"{detail_url}/take-up", data={"csrf_token": token})
    assert 'data-state="investigating"' in client.get(detail_url).get_data(as_text=True)
    client.post(f"{detail_url}/answer", data={"csrf_token": token,
                                              "text": "We re-examined the holder's work."})
    assert 'data-state="answered"' in client.get(detail_url).get_data(as_text=True)
    assert outbox(app)[-1][0] == employer and "re-examined" in outbox(app)[-1][2]
    token = csrf_from(client.get(detail_url).get_data(as_text=True))
    client.post(f"{detail_url}/answer", data={"csrf_token": token, "text": "Again"})
    with app.app_context():
        from talentpool.organisations import office
        from talentpool.organisations.service import by_slug

        actions = [e.action for e in office.audit_log(by_slug("north"))]
    assert actions[:4] == ["complaint.answer", "complaint.investigate", "appoint",
                           "complaint.file"]
    assert actions.count("complaint.answer") == 1  # a second answer was refused
    auth.logout()
    auth.login(employer)
    assert "re-examined" in client.get("/complaints").get_data(as_text=True)
    assert client.get("/admin/organisations/north/complaints").status_code == 403


def test_the_verify_page_links_a_concern_about_the_certificate(app, client):
    from talentpool.accounts.service import create_user
    from talentpool.certification.service import issue_certificate
    from tests.conftest import PASSWORD

    with app.app_context():
        north = make_organisation("north", "北方技能评价中心")
        user = create_user("holder@example.org", "王小明", PASSWORD, Role.TRAINEE)
        serial = issue_certificate(user, 5, 80, 70, organisation=north).serial
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    assert f"/issuers/north/complaints/new?serial={serial}" in page
