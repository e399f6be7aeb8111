"""The Server-Timing header: off by default, the application's time when turned on."""

import re

import pytest

from tests.conftest import make_app


@pytest.mark.parametrize("enabled", [False, True])
def test_server_timing_only_when_configured(tmp_path, monkeypatch, enabled):
    monkeypatch.setenv("TALENTPOOL_INSTANCE", str(tmp_path / "instance"))
    app = make_app(tmp_path, SERVER_TIMING=enabled)
    for path in ("/healthz", "/accounts/login", "/no-such-page"):
        header = app.test_client().get(path).headers.get("Server-Timing")
        if not enabled:
            assert header is None
            continue
        match = re.fullmatch(r"app;dur=(\d+\.\d\d)", header or "")
        assert match, header
        assert 0 < float(match.group(1)) < 10_000
