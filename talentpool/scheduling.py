"""Claimed job runs, and the APScheduler process that triggers them.

Every run of a job is claimed by inserting a row unique on (job, period). Two
scheduler processes started by mistake, or a restart within the same period,
insert the same key: the database lets exactly one insert through, so each job
runs at most once per period whatever the number of processes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from talentpool.database import utcnow
from talentpool.extensions import db


class JobRun(db.Model):
    """One claimed run of a scheduled job for one period."""

    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_job_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    detail: Mapped[str | None] = mapped_column(Text)


def claim_run(job: str, period: str) -> JobRun | None:
    """Insert the run row for ``(job, period)``; None if another process already has it."""
    run = JobRun(job=job, period=period)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def finish_run(run: JobRun, outcome: str, detail: str) -> None:
    """Record how a claimed run ended."""
    run.outcome = outcome
    run.detail = detail[:4000]
    run.finished_at = utcnow()
    db.session.commit()
