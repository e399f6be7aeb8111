"""``next`` after login and the language switch only ever leads to a path on this site."""

from __future__ import annotations

import re

import pytest

from talentpool.urls import back_path, local_path
from tests.conftest import PASSWORD, csrf_from

HOSTILE = ["//evil.example", "/\t/evil.example", "/\\evil.example",
           "\\\\evil.example", "https://evil.example/", "javascript:alert(1)",
           "/\r\nSet-Cookie: x=1", "/ok\nLocation: //evil.example", " /evil", "/\x7f/evil",
           "evil.example", ""]


@pytest.mark.parametrize("target", HOSTILE)
def test_hostile_targets_are_refused(target):
    assert local_path(target) is None


@pytest.mark.parametrize("target", ["/", "/practice/", "/exams/?level=5#top", "/a%2F%2Fb"])
def test_paths_on_this_site_are_kept(target):
    assert local_path(target) == target


def test_referrers_from_other_sites_are_not_followed():
    assert back_path("http://localhost/bank/?x=1", "localhost") == "/bank/?x=1"
    assert back_path("https://evil.example/bank/", "localhost") is None
    assert back_path(None, "localhost") is None


def _landing(response) -> str:
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("raw", ["/%09/evil.example", "//evil.example", "/%0d%0aX:%20y",
                                 "%2F%2Fevil.example", "/%5Cevil.example"])
def test_login_never_redirects_off_site_or_500s(client, make_user, raw):
    email = make_user()
    page = client.get(f"/accounts/login?next={raw}")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))

    hidden = re.search(r'id="next" name="next" type="hidden" value="([^"]*)"',
                       page.get_data(as_text=True))
    reply = client.post("/accounts/login", data={
        "email": email, "password": PASSWORD, "csrf_token": token,
        "next": hidden.group(1) if hidden else ""})
    location = _landing(reply)
    assert location.startswith("/") and not location.startswith("//")
    assert "evil" not in location and "\n" not in location and "\r" not in location


def test_login_keeps_a_local_next(client, make_user):
    email = make_user()
    page = client.get("/accounts/login?next=/practice/")
    reply = client.post("/accounts/login", data={
        "email": email, "password": PASSWORD, "next": "/practice/",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert _landing(reply) == "/practice/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/x\r\nY: z"])
def test_language_switch_stays_on_site(client, target):
    token = csrf_from(client.get("/accounts/login").get_data(as_text=True))
    reply = client.post("/language", data={"lang": "en", "next": target, "csrf_token": token})
    location = _landing(reply)
    assert location.startswith("/") and "evil" not in location and "\n" not in location
