"""The public verification page and the JSON status API."""

from datetime import datetime

import pytest

from talentpool.certification import status_changes
from tests.certification.conftest import use_english

MADE_UP = ["TP-0000-0000-0000-0000-0000-0000-0000", "TP-1234", "<script>alert(1)<script>",
           "x" * 300, "TP-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZU"]


def revoke(app, serial, reason="Exam misconduct", now=datetime(2026, 5, 4, 10, 0)):
    with app.app_context():
        status_changes.revoke(serial, reason, now=now)


def test_valid_certificate_page_shows_what_the_certificate_shows(client, make_certificate):
    issued = make_certificate(name="王小明", level=5)
    page = client.get(f"/verify/{issued.serial}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'data-status="valid"' in html and issued.serial in html
    assert "王*明" in html and "五级/初级工" in html and "数据标注员" in html
    assert "王小明" not in html
    assert issued.email not in html and "identityHash" not in html


def test_lookup_accepts_lower_case_without_dashes(client, make_certificate):
    issued = make_certificate()
    loose = issued.serial.lower().replace("-", "")
    assert client.get(f"/api/v1/certificates/{loose}").get_json()["serial"] == issued.serial
    redirect = client.get(f"/verify?serial={loose}").headers["Location"]
    assert redirect.endswith(f"/verify/{issued.serial}")
    assert client.get("/verify?serial=a/b").headers["Location"].endswith("/verify/ab")


def test_revoked_certificate_says_so_with_reason_and_date(app, client, make_certificate):
    issued = make_certificate()
    revoke(app, issued.serial, "Identity fraud <b>confirmed</b>")
    use_english(client)
    html = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "2026-05-04" in html
    assert "Identity fraud &lt;b&gt;confirmed&lt;/b&gt;" in html
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert record["status"] == "revoked"
    assert record["revocation_reason"] == "Identity fraud <b>confirmed</b>"
    assert record["revoked_at"] == "2026-05-04T10:00:00Z"


def test_expired_certificate_says_expired(client, make_certificate):
    issued = make_certificate(now=datetime(2019, 1, 2, 3, 4), valid_years=3)
    assert 'data-status="expired"' in client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert (record["status"], record["valid_until"]) == ("expired", "2022-01-02T03:04:00Z")


def test_superseded_certificate_says_superseded(client, make_certificate):
    old = make_certificate(now=datetime(2025, 1, 1))
    new = make_certificate(email=old.email)
    assert client.get(f"/api/v1/certificates/{old.serial}").get_json()["status"] == "superseded"
    html = client.get(f"/verify/{old.serial}").get_data(as_text=True)
    assert 'data-status="superseded"' in html and new.serial not in html


@pytest.mark.parametrize("serial", MADE_UP)
def test_unknown_and_made_up_serials_get_the_same_answer(client, make_certificate, serial):
    make_certificate()
    real_unknown = client.get("/api/v1/certificates/TP-0000-0000-0000-0000-0000-0000-0001")
    made_up = client.get(f"/api/v1/certificates/{serial}")
    assert made_up.status_code == real_unknown.status_code == 404
    unknown_body, body = real_unknown.get_json(), made_up.get_json()
    assert set(body) == set(unknown_body) and body["status"] == "unknown"
    assert {k: v for k, v in body.items() if k != "serial"} == {
        k: v for k, v in unknown_body.items() if k != "serial"}
    page = client.get(f"/verify/{serial}")
    assert page.status_code == 404 and 'data-status="unknown"' in page.get_data(as_text=True)
    assert "<script>alert" not in page.get_data(as_text=True)


def test_api_shows_no_more_than_the_certificate(client, make_certificate):
    issued = make_certificate(level=4)
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert record["level"] == 4 and record["level_name"]["zh"] == "四级/中级工"
    assert issued.email not in str(record) and "user_id" not in record
    assert record["verify_url"].endswith(f"/verify/{issued.serial}")


def test_verification_is_rate_limited_per_address(app, client, make_certificate):
    issued = make_certificate()
    app.config["VERIFY_RATE_LIMIT"] = 3
    urls = [f"/verify/{issued.serial}", f"/api/v1/certificates/{issued.serial}",
            f"/api/v1/certificates/{issued.serial}/credential"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    limited = client.get(f"/api/v1/certificates/{issued.serial}")
    assert limited.status_code == 429 and limited.get_json()["status"] == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert client.get(f"/verify/{issued.serial}").status_code == 429
    assert client.post("/api/v1/credentials/verify", json={}).status_code == 429
    other = app.test_client()
    other_address = {"REMOTE_ADDR": "198.51.100.7"}
    assert other.get(f"/verify/{issued.serial}", environ_base=other_address).status_code == 200


def test_the_counts_are_kept_outside_the_database(app, client, make_certificate):
    """No table holds verification requests: the limit counts in the rate-limit store."""
    from talentpool.extensions import db

    issued = make_certificate()
    app.config["VERIFY_RATE_LIMIT"] = 2
    assert "verification_hit" not in db.metadata.tables
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    codes = [client.get(f"/verify/{issued.serial}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_verify_form_page(client):
    page = client.get("/verify")
    assert page.status_code == 200 and 'name="serial"' in page.get_data(as_text=True)


def test_names_are_escaped_everywhere(client, auth, make_user, make_certificate):
    from talentpool.auth import Role

    issued = make_certificate(name="<img src=x onerror=alert(1)>")
    assert "<img src=x" not in client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    auth.login(make_user(Role.ADMIN))
    admin_page = client.get("/admin/certificates").get_data(as_text=True)
    assert "<img src=x" not in admin_page and "&lt;img src=x" in admin_page


def test_withdrawn_certificate_of_a_deleted_account_shows_no_name(app, client, make_certificate):
    from talentpool.accounts.models import User
    from talentpool.extensions import db

    issued = make_certificate(name="Zhao Min")
    with app.app_context():
        status_changes.withdraw_certificates_of(issued.user_id)
        db.session.delete(db.session.get(User, issued.user_id))
        db.session.commit()
    html = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Zhao Min" not in html
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert (record["masked_name"], record["revocation_reason"]) == (None, "holder account deleted")
    assert "holder_name" not in record and 'name="holder_name"' not in html
