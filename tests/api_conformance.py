"""A test client that checks every answer of a documented operation against the document.

Tests of the JSON APIs use it (``conforming_client`` below) so each response they receive is
validated by schemathesis against ``/api/v1/openapi.json``: status code, content type, body.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask.testing import FlaskClient

_SCHEMA = []


class ConformingClient(FlaskClient):
    """A Flask test client that raises when an API answer does not match the document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if not _SCHEMA:
            document = super().open("/api/v1/openapi.json").get_json()
            _SCHEMA.append((document, schemathesis.openapi.from_dict(document)))
        document, schema = _SCHEMA[0]
        sent = response.request
        operation = schema.find_operation_by_path(sent.method, sent.path)
        if operation is not None:
            documented = document["paths"][operation.path][sent.method.lower()]["responses"]
            assert str(response.status_code) in documented, (
                f"Undocumented status {response.status_code} for {operation.label}")
            operation.validate_response(response)
        return response


@pytest.fixture
def conforming_client(app):
    """Every client made from ``app`` from now on validates API answers."""
    app.test_client_class = ConformingClient
    return app.test_client()
