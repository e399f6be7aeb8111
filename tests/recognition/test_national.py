"""Hand-entered national certificates: validation, the scan, staff review, what it counts for."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.directory.placement import gather_evidence
from talentpool.extensions import db
from talentpool.recognition.models import Recognition
from talentpool.recognition.service import held_levels
from tests.conftest import csrf_from

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NUMBER = "Y000012345678901234567"


def make_entry_form(**changes) -> dict:
    return {"kind": "skill_level", "number": NUMBER, "occupation": "人工智能训练师（数据标注员）",
            "level": "5", "issuing_body": "某某职业技能等级认定中心", "issued_on": "2025-06-01",
            **changes}


def send_entry(client, scan: bytes = PDF, filename: str = "scan.pdf", **changes):
    page = client.get("/recognition/national")
    data = {**make_entry_form(**changes), "csrf_token": csrf_from(page.get_data(as_text=True)),
            "scan": (io.BytesIO(scan), filename)}
    return client.post("/recognition/national", data=data, content_type="multipart/form-data")


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Recognition.id)))


def test_a_bad_number_or_scan_stores_nothing(app, client, auth, make_user):
    auth.login(make_user(Role.TRAINEE))
    client.get("/", headers={"Accept-Language": "en"})
    reply = send_entry(client, number="Y123")
    assert reply.status_code == 200 and "21" in reply.get_data(as_text=True)
    reply = send_entry(client, scan=b"MZ\x90\x00 not a scan", filename="scan.pdf")
    assert "PDF" in reply.get_data(as_text=True)
    app.config["RECOGNITION_SCAN_MAX_BYTES"] = 4096  # small uploads stay in memory
    reply = send_entry(client, scan=PDF + b"0" * 4096, filename="big.pdf")
    assert "KB" in reply.get_data(as_text=True)
    reply = send_entry(client, level="")
    assert count(app) == 0


def _pending_id(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Recognition.public_id))


def test_staff_accept_a_certificate_and_it_counts(app, client, auth, make_user):
    holder = make_user(Role.TRAINEE, name="陈静")
    auth.login(holder)
    reply = send_entry(client)
    assert reply.status_code == 302
    public_id = _pending_id(app)
    scan = client.get(f"/recognition/{public_id}/scan")
    assert scan.data == PDF and scan.mimetype == "application/pdf"
    assert "no-store" in scan.headers["Cache-Control"]
    with app.app_context():
        user = find_user_by_email(holder)
        assert held_levels(user.id) == set()
        assert exam.eligibility_problem(user.id, 4, utcnow()) is not None
    auth.logout()

    other = make_user(Role.TRAINEE)
    auth.login(other)
    assert client.get(f"/recognition/{public_id}/scan").status_code == 404
    auth.logout()

    auth.login(make_user(Role.ADMIN))
    queue = client.get("/recognition/review")
    body = queue.get_data(as_text=True)
    assert NUMBER in body and public_id in body and "陈静" in body
    assert client.get(f"/recognition/{public_id}/scan").data == PDF
    client.post(f"/recognition/review/{public_id}", data={
        "csrf_token": csrf_from(body), "decision": "accept", "level": "5", "reason": ""})
    assert public_id not in client.get("/recognition/review").get_data(as_text=True)
    with app.app_context():
        user = find_user_by_email(holder)
        assert held_levels(user.id) == {5}
        assert exam.eligibility_problem(user.id, 4, utcnow()) is None
        assert "already" in (exam.eligibility_problem(user.id, 5, utcnow()) or "") or \
            "已" in (exam.eligibility_problem(user.id, 5, utcnow()) or "")
        evidence, _current = gather_evidence(user.id, utcnow())
        assert evidence.best_level == 5


def test_staff_reject_with_a_reason_the_holder_sees(app, client, auth, make_user):
    holder = make_user(Role.TRAINEE)
    auth.login(holder)
    send_entry(client, kind="title", number="ZC2025001234", level="")
    public_id = _pending_id(app)
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    body = client.get("/recognition/review").get_data(as_text=True)
    missing = client.post(f"/recognition/review/{public_id}", data={
        "csrf_token": csrf_from(body), "decision": "reject", "reason": ""},
        follow_redirects=True)
    assert public_id in missing.get_data(as_text=True)  # still pending: a reason is required
    client.post(f"/recognition/review/{public_id}", data={
        "csrf_token": csrf_from(body), "decision": "reject",
        "reason": "扫描件与证书编号不一致"})
    auth.logout()
    auth.login(holder)
    page = client.get("/recognition/").get_data(as_text=True)
    assert "扫描件与证书编号不一致" in page and 'data-state="rejected"' in page
    with app.app_context():
        assert held_levels(find_user_by_email(holder).id) == set()


def test_only_staff_see_the_review_queue_and_trust_list(client, auth, make_user):
    auth.login(make_user(Role.TRAINEE))
    assert client.get("/recognition/review").status_code == 403
    assert client.get("/recognition/trust").status_code == 403
    auth.logout()
    auth.login(make_user(Role.EMPLOYER))
    assert client.get("/recognition/").status_code == 403
