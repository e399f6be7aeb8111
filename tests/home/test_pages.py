"""Landing, role homes, language switch, health check and error pages."""

import pytest

from talentpool.auth import Role
from talentpool.app import create_app
from tests.conftest import csrf_from


def test_landing_explains_every_role(client):
    html = client.get("/").get_data(as_text=True)
    for phrase in ("受训", "培训机构", "用人单位", "管理员"):
        assert phrase in html


@pytest.mark.parametrize("role, phrase", [
    (Role.TRAINEE, "Practice"), (Role.INSTITUTION_STAFF, "Cohorts"),
    (Role.EMPLOYER, "Talent search"), (Role.ADMIN, "Invite someone"),
])
def test_each_role_has_its_home_with_next_steps(client, auth, make_user, role, phrase):
    email = make_user(role)
    auth.login(email)
    page = client.get("/home")
    assert page.status_code == 200
    client.post("/language", data={"lang": "en", "next": "/home",
                                   "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert phrase in client.get("/home").get_data(as_text=True)


def test_home_requires_login(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert "/accounts/login" in response.headers["Location"]


def test_language_switch_changes_the_interface(client):
    page = client.get("/")
    assert "登录" in page.get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/",
                                   "csrf_token": csrf_from(page.get_data(as_text=True))})
    html = client.get("/").get_data(as_text=True)
    assert "Log in" in html and "登录" not in html


def test_language_switch_needs_csrf(client):
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 400
    assert "English" in client.get("/").get_data(as_text=True)  # the switch is still shown
    assert "Log in" not in client.get("/").get_data(as_text=True)


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                         "SQLALCHEMY_DATABASE_URI":
                             "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_url_gets_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<nav" in html and "404" in html


def test_forbidden_page_gets_styled_403(client, auth, make_user):
    auth.login(make_user(Role.TRAINEE))
    response = client.get("/accounts/invitations")
    assert response.status_code == 403
    assert "<nav" in response.get_data(as_text=True)


def test_body_over_limit_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/accounts/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413


def test_nothing_loaded_from_the_internet(client):
    html = client.get("/").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "")
    assert "https://" not in html


def test_language_choice_survives_login(client, auth, make_user):
    email = make_user()
    page = client.get("/")
    client.post("/language", data={"lang": "en", "next": "/",
                                   "csrf_token": csrf_from(page.get_data(as_text=True))})
    auth.login(email)
    assert "Your skills" in client.get("/home").get_data(as_text=True)


def test_the_default_favicon_address_leads_to_the_site_icon(client):
    reply = client.get("/favicon.ico")
    assert reply.status_code == 301 and reply.headers["Location"].endswith("/static/img/logo.svg")
    icon = client.get(reply.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
