"""Employer JSON API: bearer tokens, scopes, revocation, CSRF, privacy, input validation.

Every answer is checked against the OpenAPI document (``ConformingClient``).
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.api_conformance import ConformingClient
from tests.directory.conftest import form_post


@pytest.fixture(autouse=True)
def conforming(app):
    app.test_client_class = ConformingClient


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_search_with_a_token_returns_only_consented_fields(app, pool):
    shared = pool.trainee(share=("region",), region="北京", skills={"theory": 80})
    hidden = pool.trainee(region="北京", languages=("en",), phone="+86 10 1234 5678")
    employer = pool.employer()
    token = pool.token(employer, ["search:read"])
    client = app.test_client()
    body = client.get("/api/v1/talent/search", headers=bearer(token)).get_json()
    by_id = {card["id"]: card for card in body["results"]}
    assert by_id[shared.profile_id]["region"] == "北京"
    assert {"region", "languages", "real_name", "contact"}.isdisjoint(by_id[hidden.profile_id])
    only = client.get("/api/v1/talent/search?region=北京", headers=bearer(token)).get_json()
    assert [card["id"] for card in only["results"]] == [shared.profile_id]
    profile = client.get(f"/api/v1/talent/profiles/{hidden.profile_id}", headers=bearer(token))
    text = profile.get_data(as_text=True)
    assert profile.status_code == 200 and "北京" not in text and "1234" not in text
    assert hidden.email not in text
    views = pool.client(hidden.email).get("/talent/requests").get_data(as_text=True)
    assert "API" in views


def test_missing_bad_revoked_or_unscoped_tokens_are_refused(app, pool):
    person = pool.trainee()
    employer = pool.employer()
    client = app.test_client()
    assert client.get("/api/v1/talent/search").status_code == 401
    assert client.get("/api/v1/talent/search", headers=bearer("tp_forged")).status_code == 401
    read_only = pool.token(employer, ["search:read"])
    response = client.post("/api/v1/talent/shortlists", json={"name": "x"},
                           headers=bearer(read_only))
    assert response.status_code == 403 and "shortlist:write" in response.get_json()["error"]
    employer_client = pool.client(employer.email)
    page = employer_client.get("/talent/tokens").get_data(as_text=True)
    token_id = re.search(r'/talent/tokens/([\w-]+)/revoke', page).group(1)
    form_post(employer_client, "/talent/tokens", f"/talent/tokens/{token_id}/revoke", {})
    assert client.get("/api/v1/talent/search", headers=bearer(read_only)).status_code == 401
    assert client.get(f"/api/v1/talent/profiles/{person.profile_id}",
                      headers=bearer(read_only)).status_code == 401


def test_token_of_an_unverified_employer_is_refused(app, pool):
    employer = pool.employer(verified=False)
    token = pool.token(employer, ["search:read"])
    response = app.test_client().get("/api/v1/talent/search", headers=bearer(token))
    assert response.status_code == 403


def test_token_created_on_the_page_is_shown_once_and_stored_hashed(app, pool):
    employer = pool.employer()
    client = pool.client(employer.email)
    page = form_post(client, "/talent/tokens", "/talent/tokens",
                     {"name": "ats-sync", "scopes": ["search:read", "shortlist:write"]})
    raw = re.search(r"(tp_[\w-]+)", page.get_data(as_text=True)).group(1)
    assert raw not in client.get("/talent/tokens").get_data(as_text=True)
    with app.app_context():
        from talentpool.directory.models import ApiToken
        from talentpool.extensions import db

        stored = db.session.query(ApiToken).one()
        assert raw not in (stored.token_hash, stored.name)
    assert app.test_client().get("/api/v1/talent/search", headers=bearer(raw)).status_code == 200


def test_shortlists_through_the_api_are_private_to_their_owner(app, pool):
    person = pool.trainee()
    owner, intruder = pool.employer(), pool.employer()
    owner_token = pool.token(owner, ["shortlist:read", "shortlist:write"])
    intruder_token = pool.token(intruder, ["shortlist:read", "shortlist:write"])
    client = app.test_client()
    created = client.post("/api/v1/talent/shortlists", json={"name": "API list"},
                          headers=bearer(owner_token))
    assert created.status_code == 201
    shortlist_id = created.get_json()["id"]
    added = client.post(f"/api/v1/talent/shortlists/{shortlist_id}/entries",
                        json={"profile_id": person.profile_id}, headers=bearer(owner_token))
    assert added.status_code == 201 and added.get_json()["entries"][0]["profile"]["id"] == \
        person.profile_id
    assert client.get(f"/api/v1/talent/shortlists/{shortlist_id}",
                      headers=bearer(intruder_token)).status_code == 404
    assert client.post(f"/api/v1/talent/shortlists/{shortlist_id}/entries",
                       json={"profile_id": person.profile_id},
                       headers=bearer(intruder_token)).status_code == 404
    assert client.get("/api/v1/talent/shortlists",
                      headers=bearer(intruder_token)).get_json() == {"shortlists": []}
    bad = client.post("/api/v1/talent/shortlists", json={"name": ""}, headers=bearer(owner_token))
    assert bad.status_code == 400 and "error" in bad.get_json()


def test_cookie_sessions_cannot_act_through_the_api(pool):
    employer = pool.employer()
    client = pool.client(employer.email)  # logged in with a session cookie, no bearer token
    response = client.post("/api/v1/talent/shortlists", json={"name": "via cookie"})
    assert response.status_code == 401 and response.get_json()["status"] == 401
    assert client.get("/api/v1/talent/shortlists").status_code == 401
    assert "via cookie" not in client.get("/talent/shortlists").get_data(as_text=True)


def test_token_requests_without_a_valid_token_are_401_not_a_csrf_refusal(app, pool):
    client = app.test_client()
    for headers in ({}, bearer("tp_forged"), {"Authorization": "Basic eDp5"}):
        for url in ("/api/v1/talent/shortlists", "/api/v1/talent/shortlists/x/entries"):
            response = client.post(url, json={"name": "x", "profile_id": "x"}, headers=headers)
            assert response.status_code == 401, (url, headers)


@pytest.mark.parametrize("body", [b"[null]", b"1", b'"x"', b"null", b"[]", b"{", b""])
def test_a_body_that_is_not_one_json_object_is_a_400_naming_the_body(app, pool, body):
    token = pool.token(pool.employer(), ["shortlist:write"])
    response = app.test_client().post("/api/v1/talent/shortlists", data=body,
                                      content_type="application/json", headers=bearer(token))
    assert response.status_code == 400
    assert response.get_json()["field"] == "body" and response.get_json()["status"] == 400


@pytest.mark.parametrize("body, field", [
    ({"name": {}}, "name"), ({"name": 5}, "name"), ({"name": ["a"]}, "name"),
    ({"name": "   "}, "name"), ({"name": "x" * 81}, "name"), ({"name": "a\x00b"}, "name"),
    ({}, "name"), ({"name": "Team", "colour": "red"}, "colour"),
])
def test_wrong_types_are_refused_not_turned_into_text(app, pool, body, field):
    employer = pool.employer()
    token = pool.token(employer, ["shortlist:write", "shortlist:read"])
    client = app.test_client()
    response = client.post("/api/v1/talent/shortlists", json=body, headers=bearer(token))
    assert response.status_code == 400 and response.get_json()["field"] == field
    assert field in response.get_json()["error"]
    read = pool.token(employer, ["shortlist:read"])
    assert client.get("/api/v1/talent/shortlists", headers=bearer(read)).get_json() == {
        "shortlists": []}


@pytest.mark.parametrize("query, field", [
    ("track=nope", "track"), ("tier=legend", "tier"), ("language=xx", "language"),
    ("availability=sometimes", "availability"), ("sort=random", "sort"),
    ("active_days=8", "active_days"), ("min_level=abc", "min_level"), ("min_level=9", "min_level"),
    ("min_skill=5.0", "min_skill"), ("page=0", "page"), ("region=" + "x" * 41, "region"),
])
def test_unknown_enum_values_and_bad_numbers_in_search_are_a_400(app, pool, query, field):
    token = pool.token(pool.employer(), ["search:read"])
    response = app.test_client().get(f"/api/v1/talent/search?{query}", headers=bearer(token))
    assert response.status_code == 400 and response.get_json()["field"] == field


def test_shortlist_entries_refuse_bad_types_unknown_people_and_duplicates(app, pool):
    person = pool.trainee()
    token = pool.token(pool.employer(), ["shortlist:write"])
    client = app.test_client()
    shortlist_id = client.post("/api/v1/talent/shortlists", json={"name": "Team"},
                               headers=bearer(token)).get_json()["id"]
    url = f"/api/v1/talent/shortlists/{shortlist_id}/entries"
    wrong = client.post(url, json={"profile_id": 5}, headers=bearer(token))
    assert wrong.status_code == 400 and wrong.get_json()["field"] == "profile_id"
    assert client.post(url, json={"profile_id": "nobody"}, headers=bearer(token)).status_code \
        == 404
    assert client.post(url, json={"profile_id": person.profile_id},
                       headers=bearer(token)).status_code == 201
    again = client.post(url, json={"profile_id": person.profile_id}, headers=bearer(token))
    assert again.status_code == 409 and again.get_json()["error"]


def test_timestamps_carry_a_utc_offset(app, pool):
    token = pool.token(pool.employer(), ["shortlist:write"])
    created = app.test_client().post("/api/v1/talent/shortlists", json={"name": "Team"},
                                     headers=bearer(token)).get_json()["created_at"]
    assert created.endswith("Z") and datetime.fromisoformat(created).utcoffset().total_seconds() \
        == 0


def test_ids_that_cannot_be_public_ids_are_404_without_a_query(app, pool):
    token = pool.token(pool.employer(), ["search:read"])
    client = app.test_client()
    for odd in ("a%00b", "x" * 33, "%F0%9F%98%80"):
        assert client.get(f"/api/v1/talent/profiles/{odd}", headers=bearer(token)).status_code \
            == 404


def test_method_not_allowed_names_the_allowed_methods(client):
    api = client.delete("/api/v1/talent/search")
    assert api.status_code == 405 and api.is_json
    assert set(api.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    page = client.put("/accounts/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_unknown_and_unlisted_profiles_look_the_same(app, pool):
    unlisted = pool.trainee(listed=False)
    token = pool.token(pool.employer(), ["search:read"])
    client = app.test_client()
    gone = client.get(f"/api/v1/talent/profiles/{unlisted.profile_id}", headers=bearer(token))
    unknown = client.get("/api/v1/talent/profiles/nope", headers=bearer(token))
    assert gone.status_code == unknown.status_code == 404
    assert gone.get_json() == unknown.get_json()
