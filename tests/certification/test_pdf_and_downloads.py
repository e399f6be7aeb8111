"""The holder's PDF and credential downloads; nobody else gets them."""

import io
import json
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from talentpool.auth import Role
from tests.conftest import PASSWORD


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_holder_downloads_a_bilingual_pdf(client, auth, make_certificate):
    issued = make_certificate(name="王小明", level=5, theory=88, practical=79)
    auth.login(issued.email, PASSWORD)
    response = client.get(f"/certificates/{issued.serial}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in ("王小明", "五级", "初级工", "Level 5 / Elementary", issued.serial,
                     "职业技能等级证书", "人工智能训练师", "数据标注员", "88", "79"):
        assert expected in text, expected
    assert f"/verify/{issued.serial}" in text


def test_pdf_of_a_revoked_certificate_is_stamped(app, client, auth, make_certificate):
    from talentpool.certification import status_changes

    issued = make_certificate(level=2, panel=85)
    with app.app_context():
        status_changes.revoke(issued.serial, "Issued in error")
    auth.login(issued.email, PASSWORD)
    text = pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    assert "REVOKED" in text and "二级" in text and "85" in text


def test_holder_downloads_the_signed_credential(client, auth, make_certificate):
    issued = make_certificate()
    auth.login(issued.email, PASSWORD)
    response = client.get(f"/certificates/{issued.serial}.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert json.loads(response.data)["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"


@pytest.mark.parametrize("role", list(Role))
def test_nobody_else_gets_the_downloads(client, auth, make_user, make_certificate, role):
    issued = make_certificate()
    auth.login(make_user(role))
    for suffix in ("pdf", "json"):
        assert client.get(f"/certificates/{issued.serial}.{suffix}").status_code == 404
        assert client.get(f"/certificates/TP-0000-0000-0000-0000-0000-0000-0000.{suffix}"
                          ).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, make_certificate):
    issued = make_certificate()
    assert client.get(f"/certificates/{issued.serial}.pdf").status_code == 302


def test_holder_panel_lists_certificates_with_links(app, make_certificate):
    from flask import render_template_string
    from flask_login import login_user

    issued = make_certificate()
    old = make_certificate(level=4, email=issued.email)
    with app.test_request_context("/home"):
        from talentpool.accounts.service import find_user_by_email
        from talentpool.certification.service import certificates_of

        login_user(find_user_by_email(issued.email))
        html = render_template_string("{% include 'certification/_holder_panel.html' %}",
                                      certificates=certificates_of(issued.user_id))
        empty = render_template_string("{% include 'certification/_holder_panel.html' %}",
                                       certificates=[])
    for serial in (issued.serial, old.serial):
        assert f"/certificates/{serial}.pdf" in html and f"/verify/{serial}" in html
    assert html.count('data-status="valid"') == 2 and "class=\"empty\"" in empty


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
                    reason="needs poppler-utils and zbar-tools")
def test_qr_code_scans_to_the_verify_url(app, tmp_path, make_certificate):
    from talentpool.certification.public import certificate_pdf
    from talentpool.certification.service import find_certificate

    app.config["PUBLIC_BASE_URL"] = "https://talentpool.example.org"
    issued = make_certificate()
    with app.app_context():
        (tmp_path / "c.pdf").write_bytes(certificate_pdf(find_certificate(issued.serial)))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(tmp_path / "c.pdf"),
                    str(tmp_path / "page")], check=True)
    [png] = tmp_path.glob("page*.png")
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert scanned == f"https://talentpool.example.org/verify/{issued.serial}"
