"""Simultaneous calls for race tests: N threads released at the same moment by a barrier.

Each thread works in its own application (or request) context and database session, as a web
worker's thread would, and removes its session at the end. A thread that raises makes the test
fail with that error; one that does not finish in time fails it too (instead of leaving a result
list shorter than expected and a puzzling assertion).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from talentpool.extensions import db


def burst(app, count: int, call: Callable[..., Any],
          prepare: Callable[[], Any] | None = None, request: bool = False,
          timeout: float = 60) -> list:
    """Run ``call`` on ``count`` threads at once and return their results (in thread order).

    ``prepare()`` runs on each thread before the barrier (loading rows, say) and its value is
    passed to ``call``; the session's transaction is ended before the threads wait, so none of
    them holds a snapshot or a lock into the race. ``request`` gives each thread a test request
    context instead of a bare application context.
    """
    start = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        context = app.test_request_context() if request else app.app_context()
        with context:
            try:
                prepared = prepare() if prepare is not None else None
                db.session.rollback()
                start.wait(timeout)
                results[index] = call(prepared) if prepare is not None else call()
            except BaseException as error:  # noqa: BLE001 - handed to the test's thread below
                errors.append(error)
                start.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a burst of {count} calls did not finish in {timeout} s")
    real = [error for error in errors if not isinstance(error, threading.BrokenBarrierError)]
    if errors:
        raise (real or errors)[0]
    return results
