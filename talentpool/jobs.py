"""Scheduled jobs: the one place where domains register them.

A job is a thin wrapper: an app context around one service call, claimed per
period in the database (see ``talentpool.scheduling``). The scheduler runs in a
process of its own (``talentpool scheduler``), never inside web workers or tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask

from talentpool.accounts import service as accounts
from talentpool.assessment import calibration, exam
from talentpool.directory.placement import recompute_all_tiers
from talentpool.directory.search_alerts import send_alerts as send_search_alerts
from talentpool.office import archives, publication
from talentpool.rating import office as rating_office
from talentpool.recognition.service import recheck_imported
from talentpool.database import utcnow
from talentpool.scheduling import claim_run, finish_run


def hourly(now: datetime) -> str:
    """Period key: one run per clock hour."""
    return now.strftime("%Y-%m-%dT%H")


def every_minute(now: datetime) -> str:
    """Period key: one run per minute."""
    return now.strftime("%Y-%m-%dT%H:%M")


def daily(now: datetime) -> str:
    """Period key: one run per UTC day."""
    return now.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Job:
    """A scheduled service call: when it fires (cron fields) and how its period is keyed."""

    name: str
    service: Callable[[], str]
    period: Callable[[datetime], str]
    cron: dict = field(default_factory=dict)


JOBS: tuple[Job, ...] = (
    Job("purge-expired-tokens", accounts.purge_expired, hourly, {"minute": 7}),
    Job("calibrate-item-bank", calibration.calibrate_all, daily, {"hour": 2, "minute": 15}),
    Job("close-overdue-exams", exam.close_overdue, every_minute, {"minute": "*"}),
    Job("recompute-talent-tiers", recompute_all_tiers, daily, {"hour": 3, "minute": 10}),
    Job("recheck-recognitions", recheck_imported, daily, {"hour": 2, "minute": 40}),
    Job("issue-published-certificates", publication.release_due, every_minute, {"minute": "*"}),
    Job("purge-expired-archives", archives.purge_expired, daily, {"hour": 4, "minute": 5}),
    Job("remind-overdue-raters", rating_office.remind_overdue, daily, {"hour": 1, "minute": 30}),
    # After the daily tier recomputation has refreshed the searchable copies (11:40 in China).
    Job("alert-saved-searches", send_search_alerts, daily, {"hour": 3, "minute": 40}),
)


def job_by_name(name: str) -> Job:
    """Look up a registered job; KeyError names the known ones."""
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(f"unknown job {name!r}; known: {', '.join(j.name for j in JOBS)}")


def run_job(app: Flask, job: Job, now: datetime | None = None) -> str:
    """Run ``job`` for the period of ``now`` unless another process claimed it.

    Returns "done", "failed" or "skipped".
    """
    with app.app_context():
        run = claim_run(job.name, job.period(now or utcnow()))
        if run is None:
            app.logger.info("job %s: period already claimed, skipped", job.name)
            return "skipped"
        try:
            detail = job.service()
        except Exception as error:  # noqa: BLE001 - recorded, then the scheduler goes on
            app.logger.exception("job %s failed", job.name)
            from talentpool.extensions import db

            db.session.rollback()
            finish_run(run, "failed", repr(error))
            return "failed"
        finish_run(run, "done", detail or "")
        app.logger.info("job %s: %s", job.name, detail)
        return "done"


def build_scheduler(app: Flask):
    """A blocking APScheduler with every registered job (started by ``talentpool scheduler``)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(run_job, "cron", args=(app, job), id=job.name, coalesce=True,
                          max_instances=1, misfire_grace_time=600, **job.cron)
    return scheduler
