"""Evaluation organisations issue in their own name: the national title only within their
registration, their own seal, DID and status lists; administrators manage them."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from pypdf import PdfReader

from talentpool.auth import Role
from tests.conftest import PASSWORD, csrf_from, make_organisation

NATIONAL = "职业技能等级证书"


def png(size: int = 160) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def english(client):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token, "next": "/"})


def issue(app, organisation_slug: str, level: int, email: str, panel=None) -> str:
    from talentpool.accounts.service import create_user
    from talentpool.certification.service import issue_certificate
    from talentpool.organisations.service import by_slug

    with app.app_context():
        user = create_user(email, "王小明", PASSWORD, Role.TRAINEE)
        return issue_certificate(user, level, 80, 70, panel,
                                 organisation=by_slug(organisation_slug)).serial


def record(client, serial: str) -> dict:
    return client.get(f"/api/v1/certificates/{serial}").get_json()


def test_the_national_title_only_within_the_registration(app, client):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation("north", "北方技能评价中心", levels=(5, 4))
        make_organisation("south", "南方培训学校", levels=())
    inside = issue(app, "north", 4, "a@example.org")
    above = issue(app, "north", 3, "b@example.org")
    unregistered = issue(app, "south", 5, "c@example.org")
    assert record(client, inside)["title"] == {"zh": NATIONAL,
                                               "en": "Vocational Skill Level Certificate"}
    for serial in (above, unregistered):
        assert record(client, serial)["title"] == {"zh": "技能考核成绩证明",
                                                   "en": "Skill Assessment Record"}
    credential = client.get(f"/api/v1/certificates/{above}/credential").get_json()
    assert NATIONAL not in json.dumps(credential, ensure_ascii=False)
    assert credential["issuer"]["name"] == "北方技能评价中心"
    assert credential["issuer"]["url"] == "http://localhost/issuers/north"
    page = client.get(f"/verify/{unregistered}").get_data(as_text=True)
    assert "南方培训学校" in page and NATIONAL not in page
    with app.app_context():
        from talentpool.certification.public import certificate_pdf
        from talentpool.certification.service import find_certificate

        def text(serial):
            data = certificate_pdf(find_certificate(serial))
            return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)

        assert NATIONAL in text(inside) and "北方技能评价中心" in text(inside)
        assert NATIONAL not in text(above) and "技能考核成绩证明" in text(above)
    # Recording the registration later changes the title of new certificates, not of old ones.
    with app.app_context():
        from talentpool.organisations import service

        south = service.by_slug("south")
        service.update_organisation(south, service.OrganisationFields(
            name=south.name, registered_levels=(5,)))
    assert record(client, unregistered)["title"]["zh"] == "技能考核成绩证明"
    assert record(client, issue(app, "south", 5, "d@example.org"))["title"]["zh"] == NATIONAL


def test_each_organisation_has_its_own_did_keys_and_lists(app, client):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
    north, south = issue(app, "north", 5, "a@example.org"), issue(app, "south", 5, "b@example.org")
    documents = {slug: client.get(f"/issuers/{slug}/did.json").get_json()
                 for slug in ("north", "south")}
    assert documents["north"]["id"] == "did:web:localhost:issuers:north"
    north_keys = {m["publicKeyMultibase"] for m in documents["north"]["verificationMethod"]}
    south_keys = {m["publicKeyMultibase"] for m in documents["south"]["verificationMethod"]}
    assert north_keys and south_keys and not north_keys & south_keys
    # A credential verifies only under its own issuer: moving it to the other DID fails.
    credential = client.get(f"/api/v1/certificates/{north}/credential").get_json()
    answer = client.post("/api/v1/credentials/verify", json=credential).get_json()
    assert answer["verified"] is True and answer["certificate"]["issuer"] == "北方技能评价中心"
    moved = json.loads(json.dumps(credential).replace(":issuers:north", ":issuers:south"))
    assert client.post("/api/v1/credentials/verify", json=moved).get_json()["signature"] == "invalid"
    # Revoking in one organisation leaves the other's list untouched.
    with app.app_context():
        from talentpool.certification.status_changes import revoke

        revoke(south, "Exam irregularity")
    lists = {slug: client.get(f"/issuers/{slug}/status/revocation").get_json()
             for slug in ("north", "south")}
    assert lists["north"]["issuer"] == documents["north"]["id"]
    assert (lists["north"]["credentialSubject"]["encodedList"]
            != lists["south"]["credentialSubject"]["encodedList"])
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_the_public_issuer_page(app, client, english):
    with app.app_context():
        make_organisation("north", "北方技能评价中心", levels=(5, 4),
                          registration_number="BA-2026-0042", contact_email="office@north.example")
    page = client.get("/issuers/north").get_data(as_text=True)
    for expected in ("北方技能评价中心", "BA-2026-0042", "office@north.example",
                     "did:web:", "issuers:north", "Level 5", "Level 4"):
        assert expected in page, expected
    assert "Level 3" not in page
    assert client.get("/issuers/nobody").status_code == 404


def test_administrators_add_and_edit_organisations(app, client, auth, make_user, english):
    auth.login(make_user(Role.ADMIN))
    token = csrf_from(client.get("/admin/organisations/new").get_data(as_text=True))
    base = {"csrf_token": token, "name": "北方技能评价中心", "other_title_zh": "培训合格证明",
            "other_title_en": "Training Record", "registered_levels": ["5", "4"]}
    answer = client.post("/admin/organisations/new", data={**base, "slug": "Bad Slug!"})
    assert "short name may use" in answer.get_data(as_text=True)
    answer = client.post("/admin/organisations/new", data={
        **base, "slug": "fake", "other_title_zh": "职业技能等级证书（培训）"})
    assert "must not claim" in answer.get_data(as_text=True)
    assert client.post("/admin/organisations/new", data={**base, "slug": "north"}
                       ).status_code == 302
    answer = client.post("/admin/organisations/new", data={**base, "slug": "north"})
    assert "already uses the short name north" in answer.get_data(as_text=True)
    with app.app_context():
        from talentpool.organisations.service import by_slug, organisations

        assert [o.slug for o in organisations()] == ["north"]
        assert by_slug("north").registered_levels == [5, 4]
    # Editing keeps the short name (the DID) whatever is posted.
    client.post("/admin/organisations/north", data={
        **base, "slug": "renamed", "registered_levels": ["5"], "address": "北京市"})
    with app.app_context():
        north = by_slug("north")
        assert north is not None and north.registered_levels == [5] and north.address == "北京市"
    listing = client.get("/admin/organisations").get_data(as_text=True)
    assert "北方技能评价中心" in listing


def test_the_organisation_seal_is_checked_and_printed(app, client, auth, make_user, english):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
    auth.login(make_user(Role.ADMIN))
    token = csrf_from(client.get("/admin/organisations/north").get_data(as_text=True))

    def upload(data: bytes, name: str):
        return client.post("/admin/organisations/north/seal", data={
            "csrf_token": token, "seal": (io.BytesIO(data), name)}, follow_redirects=True)

    assert "PNG or JPEG" in upload(b"GIF89a not a seal", "seal.png").get_data(as_text=True)
    assert "at most 1 MB" in upload(b"\0" * 1_100_000, "seal.png").get_data(as_text=True)
    with app.app_context():
        from talentpool.organisations.service import by_slug

        assert by_slug("north").seal_image is None
    assert "Seal saved" in upload(png(160), "seal.png").get_data(as_text=True)
    preview = client.get("/admin/organisations/north/seal.png")
    assert preview.mimetype == "image/png" and "no-store" in preview.headers["Cache-Control"]
    serial = issue(app, "north", 5, "a@example.org")
    with app.app_context():
        from talentpool.certification.public import certificate_pdf
        from talentpool.certification.service import find_certificate

        pdf = PdfReader(io.BytesIO(certificate_pdf(find_certificate(serial))))
    assert [image.image.size for image in pdf.pages[0].images] == [(160, 160)]


def test_organisation_pages_are_for_administrators(app, client, auth, make_user):
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
    for role in (None, Role.TRAINEE, Role.INSTITUTION_STAFF, Role.EMPLOYER):
        if role is not None:
            auth.login(make_user(role))
        for url in ("/admin/organisations", "/admin/organisations/new",
                    "/admin/organisations/north"):
            assert client.get(url).status_code in (302, 403), (role, url)
        if role is not None:
            auth.logout()
