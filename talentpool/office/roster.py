"""The approved roster (审核名册) of a plan: every approved registration, with the candidate's
name and identity document in full (the roster goes to the authority), the eligibility route,
the decision, the reviewer and the date.

CSV (UTF-8 with BOM, spreadsheet-safe) and an A4 landscape PDF in embedded fonts
(``talentpool.pdfs``) with the organisation, plan, batch and level in each page's header and
page numbers in its footer. Every export shows full identity numbers, so it is audited.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy import select

from talentpool import pdfs
from talentpool.accounts.models import User
from talentpool.assessment import pools
from talentpool.certification.holders import identity_of
from talentpool.certification.identity import ID_TYPES
from talentpool.certification.levels import level
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import APPROVED, Plan, Registration
from talentpool.office.registration_review import office_plan
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation
from talentpool.spreadsheets import to_csv

COLUMNS = ("序号", "姓名", "证件类型", "证件号码", "申报条件", "审核结论", "审核人", "审核日期")
CSV_COLUMNS = (*COLUMNS, "评价机构", "认定计划", "批次", "职业技能等级")
INK, BRAND = colors.HexColor("#14212b"), colors.HexColor("#0f5c8c")
LINE, HEAD = colors.HexColor("#dbe3e8"), colors.HexColor("#eef4f8")
PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN
SHARES = (.05, .11, .12, .17, .25, .08, .12, .10)
CELL = ParagraphStyle("cell", fontName=pdfs.LATIN, fontSize=8.5, leading=11, textColor=INK)
TITLE = ParagraphStyle("title", fontName=pdfs.LATIN, fontSize=15, leading=20, textColor=BRAND)
BODY = ParagraphStyle("body", fontName=pdfs.LATIN, fontSize=9, leading=12, textColor=INK)


@dataclass(frozen=True)
class Roster:
    organisation: Organisation
    plan: Plan
    rows: list[tuple]


def approved_roster(organisation: Organisation, plan_public_id: str) -> Roster:
    """The organisation's plan and its approved registrations, numbered, by approval time."""
    plan = office_plan(organisation, plan_public_id)
    rule = pools.scheme().levels[plan.level]
    found = db.session.execute(select_approved(plan)).all()
    rows = []
    for number, (registration, reviewer) in enumerate(found, start=1):
        document = identity_of(registration.user_id)
        route = rule.route(registration.route)
        rows.append((number, registration.candidate_name,
                     ID_TYPES[document.id_type].zh if document else "",
                     document.id_number if document else "",
                     route.zh if route else registration.route, "审核通过",
                     reviewer or "",
                     f"{registration.reviewed_at:%Y-%m-%d}" if registration.reviewed_at else ""))
    return Roster(organisation, plan, rows)


def select_approved(plan: Plan):
    """Approved registrations of the plan with their reviewer's name."""
    return (select(Registration, User.display_name)
            .outerjoin(User, User.id == Registration.reviewed_by_id)
            .where(Registration.plan_id == plan.id, Registration.state == APPROVED)
            .order_by(Registration.reviewed_at, Registration.id))


def roster_csv(roster: Roster) -> bytes:
    """The roster as CSV, each row with the organisation, plan, batch and level."""
    plan = roster.plan
    extra = (roster.organisation.name, plan.title, plan.batch, level(plan.level).zh)
    return to_csv(CSV_COLUMNS, [(*row, *extra) for row in roster.rows])


def _text(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    return Paragraph(pdfs.markup(text), style)


def roster_pdf(roster: Roster, now: datetime) -> bytes:
    """The roster as an A4 landscape PDF made at ``now`` (UTC)."""
    plan, organisation = roster.plan, roster.organisation
    header = (f"{organisation.name} · 认定计划 {plan.title} · 批次 {plan.batch} · "
              f"职业技能等级 {level(plan.level).zh}")
    table = Table([[_text(cell) for cell in COLUMNS]]
                  + [[_text(str(cell)) for cell in row] for row in roster.rows],
                  colWidths=[WIDTH * share for share in SHARES], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story = [_text("审核名册 Approved roster", TITLE), _text(header, BODY),
             _text(f"审核通过 {len(roster.rows)} 人 · 制表日期 {now:%Y-%m-%d}", BODY), table]
    if not roster.rows:
        story.append(_text("尚无审核通过的报名。No approved registration yet.", BODY))
    info = pdfs.DocumentInfo(title=f"审核名册 · {plan.title} · {plan.batch}",
                             author=organisation.name, subject="Approved roster", created=now)

    def decorate(canvas, document) -> None:
        pdfs.apply_info(canvas, info)
        canvas.setFillColor(INK)
        pdfs.draw(canvas, MARGIN, PAGE[1] - 9 * mm, header, 8)
        pdfs.draw(canvas, PAGE[0] - MARGIN, 8 * mm, f"第 {document.page} 页 · Page "
                  f"{document.page}", 8, align="right")

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                      topMargin=14 * mm, bottomMargin=14 * mm, **pdfs.canvas_options()
                      ).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def export(organisation: Organisation, plan_public_id: str, kind: str, actor,
           now: datetime | None = None) -> bytes:
    """The approved roster as ``csv`` or ``pdf``; the export is audited. Commits."""
    now = now or utcnow()
    roster = approved_roster(organisation, plan_public_id)
    data = roster_csv(roster) if kind == "csv" else roster_pdf(roster, now)
    record(organisation.id, actor, "roster.export", roster.plan.public_id,
           after={"format": kind, "rows": len(roster.rows)})
    db.session.commit()
    return data
