"""The generated OpenAPI document and the API's conformance to it (schemathesis, every check).

Runs on SQLite and again on PostgreSQL (it uses ``app``). A verified employer's token reaches
the talent operations, and a few listed people with certificates give them something to find.
"""

from __future__ import annotations

import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import HttpBearerAuthConfig

from talentpool.app import create_app
from talentpool.openapi import BEARER, api
from tests.directory.conftest import Pool

OPERATIONS = {
    ("GET", "/api/v1/talent/search"), ("GET", "/api/v1/talent/profiles/{profile_id}"),
    ("GET", "/api/v1/talent/shortlists"), ("POST", "/api/v1/talent/shortlists"),
    ("GET", "/api/v1/talent/shortlists/{shortlist_id}"),
    ("POST", "/api/v1/talent/shortlists/{shortlist_id}/entries"),
    ("GET", "/api/v1/certificates/{serial}"), ("GET", "/api/v1/certificates/{serial}/credential"),
    ("POST", "/api/v1/credentials/verify"), ("GET", "/.well-known/jwks.json"),
    ("GET", "/issuers/{slug}/did.json"), ("GET", "/status/revocation"),
    ("GET", "/issuers/{slug}/status/{purpose}"),
}


@pytest.fixture
def api_token(app, monkeypatch) -> str:
    """A token with every scope, of a verified employer, over a small seeded pool."""
    app.config["VERIFY_RATE_LIMIT"] = 1_000_000  # the fuzzer is one address
    pool = Pool(app)
    pool.trainee(share=("region", "languages", "real_name"), region="北京", languages=("zh",),
                 skills={"named_entities": 80}, level=4)
    pool.trainee(skills={"theory": 70}, level=5)
    pool.trainee(listed=False)
    from talentpool.directory import api_tokens

    employer = pool.employer()
    with monkeypatch.context() as patch:  # only this token: public ids stay random
        patch.setattr(api_tokens.secrets, "token_urlsafe", lambda _size: TOKEN_BODY)
        token = pool.token(employer, ["search:read", "shortlist:read", "shortlist:write"])
    assert token == TOKEN
    return token


def generated_document() -> dict:
    """The document as the app serves it; generating it reads the routes, not the database."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": folder,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.test_request_context():
            return app.test_client().get("/api/v1/openapi.json").get_json()


# Collected once; each test case is sent to the test's own app (SQLite or PostgreSQL).
# (schemathesis.pytest.from_fixture would load it from the fixture, but schemathesis 4.32
# renames the running item through a pytest attribute that pytest 9.2 no longer has.)
schema = schemathesis.openapi.from_dict(generated_document())
schema.config.update(base_url="http://localhost")

# Schemathesis sends the token itself, so it knows which cases leave it out on purpose; the
# token is made with a fixed random part so that every test's database knows the same one.
TOKEN_BODY = "conformance-test-token"
TOKEN = "tp_" + TOKEN_BODY
schema.config.auth.openapi.schemes[BEARER] = HttpBearerAuthConfig(bearer=TOKEN)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@schema.parametrize()
def test_every_operation_conforms_to_the_document(case, app, api_token):
    # The cases, and the probes some checks send on their own, go to this test's app.
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate()


def test_document_is_openapi_3_1_with_every_public_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document == api.spec == generated_document()
    assert document["openapi"] == "3.1.0"
    operations = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    assert operations == OPERATIONS
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(set(ids)) == len(ids) == len(OPERATIONS)
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    search = document["paths"]["/api/v1/talent/search"]["get"]
    assert search["security"] == [{"bearer": ["search:read"]}] and search["description"]
    assert document["paths"]["/.well-known/jwks.json"]["get"]["security"] == []
    assert document["components"]["schemas"]["Profile"]["examples"]


def test_an_answer_that_breaks_the_document_is_caught(app, monkeypatch):
    """The models check answers too: a time without its offset never leaves the API."""
    from talentpool.directory import api as talent_api
    from tests.api_conformance import ConformingClient
    from tests.directory.conftest import Pool

    pool = Pool(app)
    token = pool.token(pool.employer(), ["shortlist:write"])
    monkeypatch.setattr(talent_api, "timestamp", lambda moment: moment.isoformat())
    headers = {"Authorization": f"Bearer {token}"}
    answer = app.test_client().post("/api/v1/talent/shortlists", json={"name": "T"},
                                    headers=headers)
    assert answer.status_code == 500 and answer.get_json()["status"] == 500
    assert "created_at" not in answer.get_data(as_text=True)  # the details stay in the log
    app.test_client_class = ConformingClient
    with pytest.raises(AssertionError, match="Undocumented"):
        app.test_client().post("/api/v1/talent/shortlists", json={"name": "T"}, headers=headers)
