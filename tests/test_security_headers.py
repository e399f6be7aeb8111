"""Security headers on pages, JSON APIs, static files and error pages; HSTS only behind TLS."""

from __future__ import annotations

from flask import Response

from talentpool.auth import Role
from tests.conftest import make_app


def directives(policy: str) -> dict[str, list[str]]:
    """{"script-src": ["'self'"], …} of a Content-Security-Policy header."""
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_secure_headers(response) -> None:
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert set(policy["img-src"]) == {"'self'", "data:"} and policy["media-src"] == ["'self'"]
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions


def test_every_kind_of_response_carries_the_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    api = client.get("/healthz")
    assert api.status_code == 200 and api.mimetype == "application/json"
    api_error = client.get("/api/v1/certificates/NOT-A-SERIAL")
    assert api_error.status_code == 404 and api_error.mimetype == "application/json"
    static = client.get("/static/css/talentpool.css")
    assert static.status_code == 200 and static.mimetype == "text/css"
    static.close()
    error_page = client.get("/no/such/page")
    assert error_page.status_code == 404 and error_page.mimetype == "text/html"
    for response in (page, api, api_error, static, error_page):
        assert_secure_headers(response)
        assert "Strict-Transport-Security" not in response.headers


def test_a_server_error_page_carries_the_headers(app):
    def broken():
        """Fails, as an unexpected bug would."""
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert_secure_headers(response)


def test_hsts_only_when_the_session_cookie_is_secure(tmp_path, monkeypatch):
    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "instance"))
    secure = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    for url in ("/", "/healthz", "/static/js/csrf.js", "/no/such/page"):
        response = secure.test_client().get(url, base_url="https://localhost")
        hsts = response.headers["Strict-Transport-Security"]
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
        assert_secure_headers(response)
        response.close()


def test_pages_with_a_secret_in_the_address_send_no_referrer(client):
    for url in ("/accounts/reset/not-a-real-token", "/accounts/invite/not-a-real-token",
                "/join/not-a-real-code", "/enrol/not-a-real-token"):
        response = client.get(url)
        assert response.status_code in (404, 410), url
        assert response.headers["Referrer-Policy"] == "no-referrer", url
        assert response.headers["X-Frame-Options"] == "DENY"


def test_a_page_that_shows_a_fresh_link_sends_no_referrer(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    response = client.get("/accounts/invitations")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/home").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_header_the_view_set_is_kept(app):
    def sandboxed_download():
        """A download that chose its own, stricter policy."""
        return Response("data", headers={"Content-Security-Policy": "sandbox; default-src 'none'",
                                         "Referrer-Policy": "no-referrer"})

    app.add_url_rule("/download", "download", sandboxed_download)
    response = app.test_client().get("/download")
    assert response.headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

