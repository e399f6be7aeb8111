"""Scheduled jobs: claimed once per period, even when two schedulers start by mistake."""

import threading
from datetime import datetime, timedelta

from sqlalchemy import func, select

from talentpool.accounts import service
from talentpool.accounts.models import LoginSession, PasswordResetToken
from talentpool.extensions import db
from talentpool.jobs import JOBS, Job, build_scheduler, hourly, job_by_name, run_job
from talentpool.scheduling import JobRun

NOW = datetime(2026, 11, 27, 10, 30)


def test_double_start_runs_each_period_once(app):
    calls = []

    def counted():
        calls.append(1)
        return "counted"

    job = Job("counting", counted, hourly)
    assert run_job(app, job, NOW) == "done"
    assert run_job(app, job, NOW + timedelta(minutes=20)) == "skipped"  # same hour
    assert run_job(app, job, NOW + timedelta(hours=1)) == "done"
    assert len(calls) == 2


def test_two_scheduler_processes_racing_claim_once(app):
    """Two separate apps (as two processes have: own engines and pools) on one database."""
    from talentpool.app import create_app

    second = create_app({**app.config})
    calls = []
    barrier = threading.Barrier(4)

    def slow():
        calls.append(1)
        return "ok"

    job = Job("racing", slow, hourly)
    outcomes = []

    def worker(application):
        barrier.wait()
        outcomes.append(run_job(application, job, NOW))

    threads = [threading.Thread(target=worker, args=(a,)) for a in (app, second, app, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with second.app_context():
        db.engine.dispose()
    assert sorted(outcomes) == ["done", "skipped", "skipped", "skipped"]
    assert len(calls) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JobRun)) == 1


def test_failed_job_is_recorded_and_not_rerun_in_the_period(app):
    def broken():
        raise RuntimeError("boom")

    job = Job("broken", broken, hourly)
    assert run_job(app, job, NOW) == "failed"
    assert run_job(app, job, NOW) == "skipped"
    with app.app_context():
        run = db.session.scalars(select(JobRun)).one()
        assert run.outcome == "failed" and "boom" in run.detail


def test_purge_job_deletes_expired_tokens_and_dead_sessions(app, make_user):
    email = make_user()
    with app.app_context():
        user = service.find_user_by_email(email)
        now = service.utcnow()
        db.session.add_all([
            PasswordResetToken(user_id=user.id, token_hash="a" * 64, expires_at=now - timedelta(1)),
            PasswordResetToken(user_id=user.id, token_hash="b" * 64, expires_at=now + timedelta(1)),
        ])
        db.session.commit()
        live = service.open_session(user, "1.2.3.4", "test")
        dead = service.open_session(user, "1.2.3.4", "test")
        service.close_session(dead)
    assert run_job(app, job_by_name("purge-expired-tokens")) == "done"
    with app.app_context():
        assert [t.token_hash for t in db.session.scalars(select(PasswordResetToken))] == ["b" * 64]
        remaining = db.session.scalars(select(LoginSession)).all()
        assert len(remaining) == 1 and remaining[0].token_hash == service.token_digest(live)


def test_every_registered_job_is_scheduled_and_not_started(app):
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {job.name for job in JOBS}
    assert not scheduler.running
