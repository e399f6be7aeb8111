"""Form fields carry only valid attributes: no autocomplete="None", no empty aria-describedby."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/accounts/login", "/accounts/signup", "/accounts/reset"])
def test_fields_have_no_empty_or_none_attributes(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<input" in html
    assert 'autocomplete="None"' not in html
    assert not re.search(r'aria-describedby=""', html)
    assert 'autocomplete="email"' in html or 'autocomplete="username"' in html


def test_an_invalid_field_points_at_its_message(client):
    from tests.conftest import csrf_from

    page = client.get("/accounts/login").get_data(as_text=True)
    reply = client.post("/accounts/login", data={"csrf_token": csrf_from(page), "email": "",
                                                 "password": ""})
    html = reply.get_data(as_text=True)
    field = re.search(r'<input[^>]*id="email"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="email-error"' in field
    assert 'id="email-error"' in html
