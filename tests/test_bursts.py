"""The burst helper releases its threads together and hands their errors to the test."""

import threading

import pytest

from tests.bursts import burst


def test_every_thread_has_prepared_before_any_call_runs(app):
    count, prepared = 6, []

    def call(_) -> int:
        return len(prepared)

    seen = burst(app, count, call, prepare=lambda: prepared.append(threading.get_ident()))
    assert seen == [count] * count and len(set(prepared)) == count


def test_an_error_in_a_thread_fails_the_test(app):
    def call():
        raise LookupError("no such row")

    with pytest.raises(LookupError, match="no such row"):
        burst(app, 3, call)


def test_an_error_while_preparing_releases_the_others(app):
    prepared = iter(range(3))

    def prepare():
        if next(prepared) == 1:
            raise ValueError("could not load")

    with pytest.raises(ValueError, match="could not load"):
        burst(app, 3, lambda _: None, prepare=prepare, timeout=10)
