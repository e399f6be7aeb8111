"""Rate limits in the shared store: memory for one process, Redis for every process together."""

from __future__ import annotations

import uuid

import pytest

from talentpool import rate_limits
from tests.conftest import make_app

REDIS = "redis://127.0.0.1:6379/15"


def redis_reachable() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


def test_a_moving_window_refuses_beyond_the_limit_and_names_the_wait(app):
    with app.test_request_context():
        decisions = [rate_limits.hit("test", "192.0.2.1", 3, 60) for _ in range(5)]
        assert [d.allowed for d in decisions] == [True, True, True, False, False]
        assert 1 <= decisions[-1].retry_after <= 60
        assert rate_limits.hit("test", "192.0.2.2", 3, 60).allowed  # another key
        assert rate_limits.hit("other", "192.0.2.1", 3, 60).allowed  # another scope
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_two_app_processes_count_together_through_redis(tmp_path):
    prefix = f"test-{uuid.uuid4().hex}"
    settings = {"REDIS_URL": REDIS, "RATELIMIT_KEY_PREFIX": prefix, "VERIFY_RATE_LIMIT": 3}
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    first = make_app(tmp_path / "a", **settings)
    second = make_app(tmp_path / "b", **settings)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS
    url = "/api/v1/certificates/TP-UNKNOWN"
    address = {"REMOTE_ADDR": "198.51.100.20"}
    answers = [first.test_client().get(url, environ_base=address).status_code
               for _ in range(2)]
    answers += [second.test_client().get(url, environ_base=address).status_code
                for _ in range(2)]
    assert answers == [404, 404, 404, 429]
    refused = first.test_client().get(url, environ_base=address)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert second.test_client().get(
        url, environ_base={"REMOTE_ADDR": "198.51.100.21"}).status_code == 404
