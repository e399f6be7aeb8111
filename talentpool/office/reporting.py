"""The results report of a sitting, in the layout provincial reporting systems ingest.

One row per candidate whose attempt was graded: the real name given at registration, ID type and
number (in full: the report goes to the authority), occupation code, work type, level, the
theory, practical and panel scores, the result, the organisation code, the plan's title and its
batch. A mock exam is never reported. The export is an office action with unmasked identity numbers, so it is
written to the organisation's audit log. CSV (UTF-8 with BOM, spreadsheet-safe) and XLSX.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.certification.models import HolderIdentity
from talentpool.certification.identity import ID_TYPES
from talentpool.certification.levels import OCCUPATION_CODE, WORK_TYPE, level
from talentpool.extensions import db
from talentpool.office.models import Plan, Registration
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.spreadsheets import escape_cell, to_csv

COLUMNS = ("姓名", "证件类型", "证件号码", "职业编码", "工种", "职业技能等级", "理论知识成绩",
           "技能考核成绩", "综合评审成绩", "认定结果", "评价机构代码", "认定计划", "批次")
RESULTS = {"passed": "合格", "failed": "不合格", "awaiting_rating": "待评分",
           "awaiting_panel": "待综合评审"}


class ReportError(Exception):
    """The sitting is not the organisation's, or has nothing to report."""


@dataclass(frozen=True)
class Report:
    subject: str  # the sitting's or the plan's public id (named in the audit log)
    rows: list[tuple]


def _score(value: float | None) -> int | str:
    return "" if value is None else int(value + 0.5)


def _rows(organisation: Organisation, plan: Plan, sessions: list[ExamSession]) -> list[tuple]:
    """One row per graded attempt of the sittings, ordered by name (a few queries in all)."""
    ids = [session.id for session in sessions]
    attempts = db.session.execute(select(ExamAttempt, User).join(
        User, User.id == ExamAttempt.user_id).where(
        ExamAttempt.session_id.in_(ids), ExamAttempt.state.in_(tuple(RESULTS)))).all()
    names = {r.user_id: r.candidate_name for r in db.session.scalars(
        select(Registration).where(Registration.sitting_id.in_(ids)))}
    documents = {row.user_id: row for row in db.session.scalars(select(HolderIdentity).where(
        HolderIdentity.user_id.in_([person.id for _attempt, person in attempts])))}
    grade = level(plan.level)
    rows = []
    for attempt, person in attempts:
        document = documents.get(person.id)
        rows.append((
            names.get(person.id) or person.display_name,
            ID_TYPES[document.id_type].zh if document else "",
            document.id_number if document else "", OCCUPATION_CODE, WORK_TYPE["zh"],
            grade.short_zh, _score(attempt.theory_score), _score(attempt.practical_score),
            _score(attempt.panel_score), RESULTS[attempt.state], organisation.code,
            plan.title, plan.batch))
    return sorted(rows, key=lambda row: (row[0], row[2]))


def session_report(organisation: Organisation, session_public_id: str) -> Report:
    """The report rows of the organisation's sitting (graded attempts, by name)."""
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == session_public_id))
    if session is None or session.organisation_id != organisation.id \
            or not session.certifying:  # a mock exam is never reported
        raise ReportError("no such sitting of this organisation")
    return Report(session.public_id,
                  _rows(organisation, db.session.get(Plan, session.plan_id), [session]))


def plan_report(organisation: Organisation, plan_public_id: str) -> Report:
    """The report rows of a whole plan (the batch): every sitting's graded attempts."""
    plan = db.session.scalar(select(Plan).where(Plan.public_id == plan_public_id))
    if plan is None or plan.organisation_id != organisation.id:
        raise ReportError("no such plan of this organisation")
    sessions = list(db.session.scalars(select(ExamSession).where(
        ExamSession.plan_id == plan.id)))
    return Report(plan.public_id, _rows(organisation, plan, sessions))


def export(organisation: Organisation, public_id: str, kind: str, actor,
           whole_plan: bool = False) -> bytes:
    """The report of a sitting (or, ``whole_plan``, of a plan) as ``csv`` or ``xlsx``; the
    export is audited. Commits."""
    report = (plan_report if whole_plan else session_report)(organisation, public_id)
    if kind == "csv":
        data = to_csv(COLUMNS, report.rows)
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("认定结果")
        sheet.append(list(COLUMNS))
        for row in report.rows:
            sheet.append([escape_cell(cell) if isinstance(cell, str) else cell for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    record(organisation.id, actor, "report.export", report.subject,
           after={"format": kind, "rows": len(report.rows)})
    db.session.commit()
    return data
