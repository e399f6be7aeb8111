"""Fetching is treated as hostile (SSRF, redirects, size, type); the import page; the trust CLI
and page; the re-check after a revocation."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.recognition import service, trust
from talentpool.recognition.did_web import NotDidWeb, did_url
from talentpool.recognition.fetch import FetchRefused, check_url
from talentpool.recognition.models import Recognition
from talentpool.recognition.reasons import ImportRefused
from tests.conftest import csrf_from
from tests.recognition.conftest import as_bytes

EMAIL = "holder@example.org"


@pytest.fixture(autouse=True)
def public_site(app):
    app.config["PUBLIC_BASE_URL"] = "http://localhost"


def test_did_web_addresses(app):
    with app.app_context():
        app.config["DID_WEB_HTTP_HOSTS"] = []
        assert did_url("did:web:example.org") == "https://example.org/.well-known/did.json"
        assert did_url("did:web:example.org%3A8443:org:issuers:a") == \
            "https://example.org:8443/org/issuers/a/did.json"
        app.config["DID_WEB_HTTP_HOSTS"] = ["127.0.0.1"]
        assert did_url("did:web:127.0.0.1%3A5001:issuers:x") == \
            "http://127.0.0.1:5001/issuers/x/did.json"
        for bad in ("did:key:z6Mk", "did:web:", "did:web:a.org:..:x", "https://a.org"):
            with pytest.raises(NotDidWeb):
                did_url(bad)


@pytest.mark.parametrize("url", [
    "http://example.org/cred.json", "https://127.0.0.1/cred.json", "https://localhost/x.json",
    "https://10.1.2.3/x", "https://169.254.169.254/latest/meta-data", "https://[::1]/x",
    "https://user:pw@example.org/x", "ftp://example.org/x", "file:///etc/passwd",
])
def test_private_and_plain_http_addresses_are_refused(app, url):
    app.config["DID_WEB_HTTP_HOSTS"] = []
    with app.app_context(), pytest.raises(FetchRefused):
        check_url(url)


def test_url_import_refuses_private_addresses_unless_allowed(app, issuer):
    with app.app_context():
        trust.add_entry(issuer.did, "Foreign Skills Centre", "4,5")
        url = issuer.serve("/credentials/1.json", issuer.credential(EMAIL))
        user = create_user(EMAIL, "Holder", "correct horse battery", Role.TRAINEE)
        app.config["DID_WEB_HTTP_HOSTS"] = []
        with pytest.raises(ImportRefused) as caught:
            service.import_from_url(user, url)
        assert caught.value.code == "bad_url"
        assert db.session.scalar(select(func.count(Recognition.id))) == 0
        app.config["DID_WEB_HTTP_HOSTS"] = ["127.0.0.1"]
        row = service.import_from_url(user, url)
        assert row.level == 4
        assert row.credential.encode() == issuer.server.routes["/credentials/1.json"][2]


@pytest.mark.parametrize("route, code", [
    ({"status": 302, "headers": {"Location": "http://169.254.169.254/"}}, "fetch_failed"),
    ({"content_type": "text/html"}, "malformed"),
    ({"status": 500}, "fetch_failed"),
])
def test_redirects_errors_and_other_types_are_not_followed(app, issuer, route, code):
    url = issuer.serve("/c.json", {"x": 1}, **route)
    with app.app_context():
        user = create_user(EMAIL, "Holder", "correct horse battery", Role.TRAINEE)
        with pytest.raises(ImportRefused) as caught:
            service.import_from_url(user, url)
        assert caught.value.code == code


def test_an_oversized_answer_is_cut_off(app, issuer):
    url = issuer.serve("/big.json", b'["' + b"a" * (300 * 1024) + b'"]')
    with app.app_context():
        user = create_user(EMAIL, "Holder", "correct horse battery", Role.TRAINEE)
        with pytest.raises(ImportRefused) as caught:
            service.import_from_url(user, url)
        assert caught.value.code == "too_large"


def _import_page(client, raw: bytes):
    page = client.get("/recognition/")
    return client.post("/recognition/import", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "credential": (io.BytesIO(raw), "credential.json")}, content_type="multipart/form-data")


def test_the_import_page_names_the_reason_in_both_languages(app, client, auth, make_user,
                                                            issuer):
    auth.login(make_user(Role.TRAINEE, email=EMAIL))
    reply = _import_page(client, as_bytes(issuer.credential(EMAIL)))
    assert reply.status_code == 422
    assert issuer.did in reply.get_data(as_text=True)
    assert "信任列表" in reply.get_data(as_text=True)
    client.post("/language", data={"csrf_token": csrf_from(reply.get_data(as_text=True)),
                                   "lang": "en"})
    assert "trust list, so its credentials" in _import_page(
        client, as_bytes(issuer.credential(EMAIL))).get_data(as_text=True)
    reply = _import_page(client, b"{oops")
    assert "not a JSON file" in reply.get_data(as_text=True)


def test_the_import_page_lists_an_accepted_credential(app, client, auth, make_user, issuer):
    with app.app_context():
        trust.add_entry(issuer.did, "Foreign Skills Centre", "3,4,5")
    auth.login(make_user(Role.TRAINEE, email=EMAIL))
    reply = _import_page(client, as_bytes(issuer.credential(EMAIL, level=3)))
    assert reply.status_code == 302
    page = client.get("/recognition/").get_data(as_text=True)
    assert issuer.did in page and 'data-state="accepted"' in page and "三级" in page


def test_trust_cli_adds_lists_and_removes(runner, app):
    added = runner.invoke(args=["trust", "add", "did:web:skills.example.org:issuers:main",
                                "--name", "Skills Org", "--levels", "4,5"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(args=["trust", "add", "example.net", "--name", "Net"]).exit_code == 0
    listed = runner.invoke(args=["trust", "list"]).output
    assert "did:web:skills.example.org:issuers:main" in listed and "4,5" in listed
    assert "example.net" in listed and "display only" in listed
    again = runner.invoke(args=["trust", "add", "example.net", "--name", "Net"])
    assert again.exit_code != 0
    bad = runner.invoke(args=["trust", "add", "did:key:z6Mk", "--name", "K"])
    assert bad.exit_code != 0 and "did:web" in bad.output
    assert runner.invoke(args=["trust", "remove", "example.net"]).exit_code == 0
    assert "example.net" not in runner.invoke(args=["trust", "list"]).output
    assert runner.invoke(args=["trust", "remove", "example.net"]).exit_code != 0


def test_trust_page_adds_and_removes(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    page = client.get("/recognition/trust")
    token = csrf_from(page.get_data(as_text=True))
    client.post("/recognition/trust", data={"csrf_token": token, "subject": "badges.example.org",
                                            "name": "Badges", "levels": "5", "foreign_level": "5"})
    assert "<code>badges.example.org</code>" in client.get("/recognition/trust").get_data(
        as_text=True)
    refused = client.post("/recognition/trust", data={"csrf_token": token, "subject": "x y",
                                                      "name": "Bad"})
    assert refused.status_code == 400
    client.post("/recognition/trust/remove", data={"csrf_token": token,
                                                   "subject": "badges.example.org"})
    assert "<code>badges.example.org</code>" not in client.get("/recognition/trust").get_data(
        as_text=True)


def test_recheck_marks_a_revoked_credential_and_it_stops_counting(app, runner, issuer):
    with app.app_context():
        trust.add_entry(issuer.did, "Foreign Skills Centre", "4,5")
        user = create_user(EMAIL, "Holder", "correct horse battery", Role.TRAINEE)
        service.import_credential(user, as_bytes(issuer.credential(EMAIL, level=4, index=9)))
        assert service.held_levels(user.id) == {4}
        user_id = user.id
    issuer.suspended.add(9)
    issuer.publish_status_lists()
    assert "suspended" in runner.invoke(args=["trust", "recheck"]).output
    issuer.suspended.clear()
    issuer.publish_status_lists()
    assert "-> accepted" in runner.invoke(args=["trust", "recheck"]).output
    issuer.revoked.add(9)
    issuer.publish_status_lists()
    result = runner.invoke(args=["trust", "recheck"])
    assert "revoked" in result.output, result.output
    with app.app_context():
        assert service.held_levels(user_id) == set()


def test_the_daily_job_rechecks_and_an_expired_recognition_stops_counting(app, runner, issuer):
    from datetime import timedelta

    from talentpool.database import utcnow

    with app.app_context():
        trust.add_entry(issuer.did, "Foreign Skills Centre", "4,5")
        user = create_user(EMAIL, "Holder", "correct horse battery", Role.TRAINEE)
        soon = utcnow().replace(microsecond=0) + timedelta(days=2)
        service.import_credential(user, as_bytes(issuer.credential(EMAIL, level=5,
                                                                   valid_until=soon)))
        assert service.held_levels(user.id) == {5}
        assert service.held_levels(user.id, soon + timedelta(seconds=1)) == set()
        assert "1 revoked, suspended or expired" in service.recheck_imported(
            soon + timedelta(days=1))
        assert service.recognitions_of(user.id)[0].state == "expired"
    result = runner.invoke(args=["run-job", "recheck-recognitions"])
    assert result.exit_code == 0 and "recheck-recognitions" in result.output, result.output
