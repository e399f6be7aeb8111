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
from talentpool.certification.holders import identity_of
from talentpool.certification.identity import ID_TYPES
from talentpool.certification.levels import OCCUPATION_CODE, WORK_TYPE, level
from talentpool.extensions import db
from talentpool.office.models import Plan, Registration
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.spreadsheets import escape_cell, to_csv

COLUMNS = ("姓名", "证件类型", "证件号码", "职业编码", "工种", "职业技能等级", "理论知识成绩",
           "技能考核成绩", "综合评审成绩", "认定结果", "评价机构代码", "认定计划", "批次")
RESULTS = {"passed": "合格", "failed": "不合格", "awaiting_panel": "待综合评审"}


class ReportError(Exception):
    """The sitting is not the organisation's, or has nothing to report."""


@dataclass(frozen=True)
class Report:
    session: ExamSession
    rows: list[tuple]


def _score(value: float | None) -> int | str:
    return "" if value is None else int(value + 0.5)


def session_report(organisation: Organisation, session_public_id: str) -> Report:
    """The report rows of the organisation's sitting (graded attempts, by name)."""
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == session_public_id))
    if session is None or session.organisation_id != organisation.id \
            or not session.certifying:  # a mock exam is never reported
        raise ReportError("no such sitting of this organisation")
    attempts = db.session.execute(select(ExamAttempt, User).join(
        User, User.id == ExamAttempt.user_id).where(
        ExamAttempt.session_id == session.id, ExamAttempt.state.in_(tuple(RESULTS)))
        .order_by(User.display_name, ExamAttempt.id)).all()
    grade = level(session.level)
    plan = db.session.get(Plan, session.plan_id)
    names = dict(db.session.execute(select(Registration.user_id, Registration.candidate_name)
                                    .where(Registration.sitting_id == session.id)).all())
    rows = []
    for attempt, person in attempts:
        document = identity_of(person.id)
        rows.append((
            names.get(person.id) or person.display_name,
            ID_TYPES[document.id_type].zh if document else "",
            document.id_number if document else "", OCCUPATION_CODE, WORK_TYPE["zh"],
            grade.short_zh, _score(attempt.theory_score), _score(attempt.practical_score),
            _score(attempt.panel_score), RESULTS[attempt.state], organisation.code,
            plan.title, plan.batch))
    return Report(session, rows)


def export(organisation: Organisation, session_public_id: str, kind: str, actor) -> bytes:
    """The report as ``csv`` or ``xlsx``; the export is audited. Commits."""
    report = session_report(organisation, session_public_id)
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
    record(organisation.id, actor, "report.export", report.session.public_id,
           after={"format": kind, "rows": len(report.rows)})
    db.session.commit()
    return data
