"""Registration (报名) and eligibility review (资格审核) through the pages: identity and photo
first, a route and evidence checked by content, all or nothing; the office decides, the
candidate is mailed; identity and evidence views are audited; organisations and roles are kept
apart."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import Evidence, Plan, Registration
from tests.conftest import csrf_from, make_organisation, post_form
from tests.office.helpers import make_plan

ID_NUMBER = "11010519491231002X"  # a valid GB 11643 number
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def english_interface(app, client):
    """These tests read the English wording (the default interface language is Chinese); the
    default organisation exists; mails carry absolute links."""
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation()
    use_english(client)


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 500), (180, 200, 220)).save(out, "JPEG")
    return out.getvalue()


def with_identity_and_photo(client) -> None:
    """The signed-in person enters an identity document and uploads a photo, on their pages."""
    assert post_form(client, "/certificates/identity", {
        "id_type": "resident_id", "id_number": ID_NUMBER}).status_code == 302
    assert post_form(client, "/certificates/photo", {
        "photo": (io.BytesIO(photo_bytes()), "me.jpg")},
        content_type="multipart/form-data").status_code == 302


def use_english(client) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": csrf_from(page)})


def sign_in(client, auth, email: str) -> None:
    """Sign out whoever is signed in, then sign in as ``email`` (in English)."""
    if client.get("/home").status_code == 200:
        auth.logout()
    auth.login(email)
    use_english(client)


def candidate(client, auth, make_user, name: str = "张三", ready: bool = True) -> str:
    """A trainee, signed in, with identity document and photo on file (unless not ``ready``)."""
    email = make_user(Role.TRAINEE, name=name)
    sign_in(client, auth, email)
    if ready:
        with_identity_and_photo(client)
    return email


def files(*items: tuple[bytes, str]) -> list:
    return [(io.BytesIO(data), filename) for data, filename in items]


def submit(client, plan_id: str, route: str = "work-1y", evidence=None, name: str = "张三",
           statement: str = "Annotator at 甲公司 since 2023."):
    """POST the registration form of the plan; the reply."""
    evidence = files((PDF, "work.pdf")) if evidence is None else evidence
    return post_form(client, f"/office/plans/{plan_id}/register", {
        "real_name": name, "route": route, "statement": statement, "evidence": evidence},
        content_type="multipart/form-data")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count(Registration.id))),
                db.session.scalar(select(func.count(Evidence.id))))


def the_registration(app, plan_id: str | None = None) -> Registration:
    with app.app_context():
        query = select(Registration).order_by(Registration.id.desc())
        if plan_id:
            query = query.join(Plan).where(Plan.public_id == plan_id)
        row = db.session.scalar(query)
        row.name_read = row.candidate_name  # the sealed name opens only inside the app
        db.session.expunge(row)
        return row


def new_plan(app, level: int = 5, organisation: str | None = None, **fields) -> str:
    with app.app_context():
        plan = make_plan(level, organisation)
        for key, value in fields.items():
            setattr(plan, key, value)
        db.session.commit()
        return plan.public_id


def office_admin(app, client, auth, make_user, slug: str = "talentpool") -> str:
    """An office administrator (考务管理员) of the organisation, signed in."""
    from talentpool.organisations import office
    from talentpool.organisations.service import by_slug

    email = make_user(Role.TRAINEE, name="审核员")
    with app.app_context():
        office.appoint(by_slug(slug), email, "office_admin", None)
    sign_in(client, auth, email)
    return email


def decide(client, slug: str, public_id: str, decision: str, reason: str = ""):
    return post_form(client, f"/admin/organisations/{slug}/registrations/{public_id}", {
        "action": "decide", "decision": decision, "reason": reason})


def audit_actions(app, slug: str = "talentpool") -> list[str]:
    from talentpool.organisations import office
    from talentpool.organisations.service import by_slug

    with app.app_context():
        return [entry.action for entry in reversed(office.audit_log(by_slug(slug)))
                if entry.action.startswith(("registration.", "identity.", "evidence."))]


def test_register_review_and_approve(app, client, auth, make_user):
    plan_id = new_plan(app)
    email = candidate(client, auth, make_user)
    listing = client.get("/office/plans").get_data(as_text=True)
    assert f"/office/plans/{plan_id}/register" in listing
    page = client.get(f"/office/plans/{plan_id}/register").get_data(as_text=True)
    assert 'value="work-1y"' in page and 'value="apprentice"' in page and "张三" not in page[:0]
    reply = submit(client, plan_id, evidence=files((PDF, "在职证明.pdf"), (PNG, "diploma.png")))
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/office/registrations")
    mine = client.get("/office/registrations").get_data(as_text=True)
    assert "Waiting for review" in mine and "office/ticket" not in mine
    row = the_registration(app)
    assert (row.name_read, row.route, row.state) == ("张三", "work-1y", "submitted")

    office_admin(app, client, auth, make_user)
    queue = client.get(f"/admin/organisations/talentpool/plans/{plan_id}/registrations"
                       ).get_data(as_text=True)
    assert row.public_id in queue and "张三" in queue
    detail_url = f"/admin/organisations/talentpool/registrations/{row.public_id}"
    detail = client.get(detail_url).get_data(as_text=True)
    assert ID_NUMBER not in detail and "1101**********002X" in detail
    assert "data:image/jpeg;base64," in detail and "在职证明.pdf" in detail
    with app.app_context():
        evidence_ids = list(db.session.scalars(select(Evidence.id).order_by(Evidence.id)))
    download = client.get(f"/admin/organisations/talentpool/evidence/{evidence_ids[0]}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    shown = post_form(client, detail_url, {"action": "reveal"}).get_data(as_text=True)
    assert ID_NUMBER in shown

    assert decide(client, "talentpool", row.public_id, "approve").status_code == 302
    assert the_registration(app).state == "approved"
    to, subject, body = app.extensions["mail_outbox"][-1]
    assert to == email and "approved" in subject and "/office/registrations" in body
    # A decided registration cannot be decided again.
    again = decide(client, "talentpool", row.public_id, "reject", "late")
    assert again.status_code == 400 and "not waiting for review" in again.get_data(as_text=True)
    assert the_registration(app).state == "approved"
    assert audit_actions(app) == ["registration.submit", "evidence.download",
                                  "identity.view", "registration.approve"]
    sign_in(client, auth, email)
    assert "Approved" in client.get("/office/registrations").get_data(as_text=True)


def test_a_duplicate_registration_is_refused(app, client, auth, make_user):
    plan_id = new_plan(app)
    candidate(client, auth, make_user)
    assert submit(client, plan_id).status_code == 302
    reply = submit(client, plan_id, evidence=files((PDF, "more.pdf")))
    assert reply.status_code == 400
    assert "already registered for this plan" in reply.get_data(as_text=True)
    assert counts(app) == (1, 1)


def test_identity_and_photo_come_first_and_the_check_digit_is_checked(app, client, auth,
                                                                      make_user):
    plan_id = new_plan(app)
    candidate(client, auth, make_user, ready=False)
    page = client.get(f"/office/plans/{plan_id}/register").get_data(as_text=True)
    assert 'href="/certificates/identity"' in page and 'href="/certificates/photo"' in page
    reply = submit(client, plan_id)
    assert reply.status_code == 400 and "identity document page" in reply.get_data(as_text=True)
    # On the identity page the registration links to, a mistyped number is refused.
    wrong = post_form(client, "/certificates/identity", {"id_type": "resident_id",
                                                         "id_number": "110105194912310021"})
    assert "check digit" in wrong.get_data(as_text=True)
    assert post_form(client, "/certificates/identity", {
        "id_type": "resident_id", "id_number": ID_NUMBER}).status_code == 302
    reply = submit(client, plan_id)
    assert reply.status_code == 400 and "photo page" in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)
    with_identity_and_photo(client)
    assert submit(client, plan_id).status_code == 302


@pytest.mark.parametrize("evidence, message", [
    ([(PNG, "certificate.pdf")], "does not match its content"),
    ([(EXE, "certificate.pdf")], "not a PDF, PNG or JPEG"),
    ([(PDF, "big.pdf"), (PDF + b"x" * 5000, "too-big.pdf")], "larger than 4 KB"),
    ([(PDF, f"file{n}.pdf") for n in range(6)], "at most 5 files"),
    ([(b"", "empty.pdf")], "is empty"),
    ([], "Upload evidence for the route"),
])
def test_bad_evidence_is_refused_and_nothing_is_written(app, client, auth, make_user, evidence,
                                                        message):
    app.config["OFFICE_EVIDENCE_MAX_BYTES"] = 4096
    plan_id = new_plan(app)
    candidate(client, auth, make_user)
    reply = submit(client, plan_id, evidence=files(*evidence))
    assert reply.status_code == 400 and message in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_an_upload_beyond_every_limit_is_told_the_limits(app, client, auth, make_user):
    app.config["OFFICE_EVIDENCE_MAX_BYTES"] = 1024  # the request may carry 5 KB + 256 KB
    plan_id = new_plan(app)
    candidate(client, auth, make_user)
    reply = submit(client, plan_id, evidence=files((PDF + b"x" * 300_000, "huge.pdf")))
    assert reply.status_code == 413
    assert "at most 5 files of at most 1 KB each" in reply.get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_unknown_route_closed_window_and_held_level_are_refused(app, client, auth, make_user):
    from talentpool.accounts.service import find_user_by_email
    from talentpool.certification.service import issue_certificate

    now = utcnow()
    closed = new_plan(app, registration_opens_at=now - timedelta(days=9),
                      registration_closes_at=now - timedelta(days=1))
    open_plan = new_plan(app)
    email = candidate(client, auth, make_user)
    assert closed not in client.get("/office/plans").get_data(as_text=True)
    assert "it is not open now" in submit(client, closed).get_data(as_text=True)
    assert "Choose one of the eligibility routes" in submit(
        client, open_plan, route="level5-4y").get_data(as_text=True)
    with app.app_context():
        issue_certificate(find_user_by_email(email), 5, 80, 80)
    assert "You already hold level 5" in submit(client, open_plan).get_data(as_text=True)
    assert counts(app) == (0, 0)
    assert client.get("/office/plans/nosuchplan/register").status_code == 404


def test_a_held_prior_level_is_noted_for_the_reviewer(app, client, auth, make_user):
    from talentpool.accounts.service import find_user_by_email
    from talentpool.certification.service import issue_certificate

    plan_id = new_plan(app, level=4)
    email = candidate(client, auth, make_user)
    with app.app_context():
        issue_certificate(find_user_by_email(email), 5, 80, 80)
    page = client.get(f"/office/plans/{plan_id}/register").get_data(as_text=True)
    assert "You hold level 5 on record" in page
    # The route still asks for four years of work: evidence for those is needed.
    assert "Upload evidence" in submit(client, plan_id, route="level5-4y",
                                       evidence=[]).get_data(as_text=True)
    assert submit(client, plan_id, route="level5-4y").status_code == 302
    row = the_registration(app)
    office_admin(app, client, auth, make_user)
    detail = client.get(f"/admin/organisations/talentpool/registrations/{row.public_id}"
                        ).get_data(as_text=True)
    assert "On record: the candidate holds level 5" in detail


def test_reject_needs_a_reason_and_more_evidence_goes_back_to_review(app, client, auth,
                                                                     make_user):
    plan_id = new_plan(app)
    email = candidate(client, auth, make_user)
    submit(client, plan_id)
    row = the_registration(app)
    office_admin(app, client, auth, make_user)
    for decision in ("reject", "more"):
        reply = decide(client, "talentpool", row.public_id, decision, "  ")
        assert reply.status_code == 400 and "Give the candidate a reason" in reply.get_data(
            as_text=True)
    assert the_registration(app).state == "submitted"
    assert decide(client, "talentpool", row.public_id, "more",
                  "Add your employment contract.").status_code == 302
    to, subject, body = app.extensions["mail_outbox"][-1]
    assert to == email and "More evidence" in subject and "employment contract" in body

    sign_in(client, auth, email)
    mine = client.get("/office/registrations").get_data(as_text=True)
    assert "Add your employment contract." in mine
    url = f"/office/registrations/{row.public_id}/evidence"
    token = csrf_from(mine)
    wrong = client.post(url, data={"csrf_token": token, "evidence": files((EXE, "c.pdf"))},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "not a PDF, PNG or JPEG" in wrong.get_data(as_text=True)
    assert counts(app) == (1, 1) and the_registration(app).state == "more_requested"
    client.post(url, data={"csrf_token": token, "statement": "Contract attached.",
                           "evidence": files((PDF, "contract.pdf"))},
                content_type="multipart/form-data")
    row = the_registration(app)
    assert row.state == "submitted" and "Contract attached." in row.statement
    assert counts(app) == (1, 2)

    office_admin(app, client, auth, make_user)
    assert decide(client, "talentpool", row.public_id, "reject",
                  "The contract is for another occupation.").status_code == 302
    assert the_registration(app).state == "rejected"
    assert "rejected" in app.extensions["mail_outbox"][-1][1]
    assert audit_actions(app) == ["registration.submit", "registration.more",
                                  "registration.resubmit", "registration.reject"]


def test_withdraw_before_review_and_register_again(app, client, auth, make_user):
    plan_id = new_plan(app)
    candidate(client, auth, make_user)
    submit(client, plan_id)
    row = the_registration(app)
    page = client.get("/office/registrations").get_data(as_text=True)
    client.post(f"/office/registrations/{row.public_id}/withdraw",
                data={"csrf_token": csrf_from(page)})
    assert the_registration(app).state == "withdrawn"
    # Withdrawn, it can be taken up again while the window is open.
    assert submit(client, plan_id, route="apprentice",
                  evidence=files((PNG, "apprentice.png"))).status_code == 302
    again = the_registration(app)
    assert (again.public_id, again.state, again.route) == (row.public_id, "submitted",
                                                            "apprentice")
    assert counts(app) == (1, 1)
    # Someone else's registration is not found.
    candidate(client, auth, make_user, name="李四", ready=False)
    page = client.get("/office/registrations").get_data(as_text=True)
    assert client.post(f"/office/registrations/{row.public_id}/withdraw",
                       data={"csrf_token": csrf_from(page)}).status_code == 404


def test_offices_and_roles_are_kept_apart(app, client, auth, make_user):
    from talentpool.organisations import office
    from talentpool.organisations.service import by_slug

    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
    plan_id = new_plan(app, organisation="north")
    candidate(client, auth, make_user)
    submit(client, plan_id)
    row = the_registration(app)
    with app.app_context():
        evidence_id = db.session.scalar(select(Evidence.id))
    north = "/admin/organisations/north"
    pages = [f"{north}/plans/{plan_id}/registrations", f"{north}/registrations/{row.public_id}",
             f"{north}/evidence/{evidence_id}", f"{north}/plans/{plan_id}/roster.csv"]
    for url in pages:  # the candidate, a trainee, has no office role
        assert client.get(url).status_code == 403
    proctor = make_user(Role.TRAINEE)
    with app.app_context():
        office.appoint(by_slug("north"), proctor, "proctor", None)
    sign_in(client, auth, proctor)
    for url in pages:
        assert client.get(url).status_code == 403
    assert decide(client, "north", row.public_id, "approve").status_code == 403
    office_admin(app, client, auth, make_user, slug="south")
    for url in pages:
        assert client.get(url).status_code == 403
        assert client.get(url.replace("/north/", "/south/")).status_code == 404
    assert client.get(f"/admin/organisations/south/plans/{plan_id}/roster.pdf"
                      ).status_code == 404
    assert the_registration(app).state == "submitted"
    assert "evidence.download" not in audit_actions(app, "south")
