"""Admission tickets (准考证): one A4 page per seated candidate, for the candidate or for a whole
sitting in one file.

A ticket shows the organisation, plan, batch and level, the candidate's name, masked identity
number and approved photo, the sitting's time (Beijing time), room or "online", the seat, the
ticket number with a QR code that encodes only the number (the proctor's check-in page takes
it from a scanner), and the rules for candidates. Fonts are registered once per process and a
sitting's identities and photos are read in two queries, so a room's tickets render quickly.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from talentpool import pdfs
from talentpool.assessment.models import ExamSession
from talentpool.certification.identity import ID_TYPES, mask_id_number
from talentpool.certification.levels import OCCUPATION, WORK_TYPE, level
from talentpool.certification.models import HolderIdentity, HolderPhoto, PhotoState
from talentpool.certification.pdf import PHOTO_HEIGHT, PHOTO_WIDTH, _qr
from talentpool.extensions import db
from talentpool.office.models import APPROVED, Plan, Registration
from talentpool.office.plans import local_time, own_sitting
from talentpool.organisations.audit import record
from talentpool.organisations.models import Organisation

INK, MUTED, BRAND = (colors.HexColor("#14212b"), colors.HexColor("#4a5b68"),
                     colors.HexColor("#0f5c8c"))
RULES = (
    ("凭准考证和有效身份证件入场，监考员核对照片后方可开始考试。",
     "Bring this ticket and your identity document; you start after a proctor has checked you in."),
    ("开考30分钟后不得入场；考试开始后30分钟内不得离场。",
     "You may not enter later than 30 minutes after the start, nor leave in its first 30 minutes."),
    ("除监考员允许的物品外，不得携带手机、资料和存储设备进入考场。",
     "No phones, notes or storage devices, except what the proctors allow."),
    ("独立完成考试，不得交谈、抄袭或代考；违纪者由监考员记录并可终止考试。",
     "Work alone: talking, copying or sitting for another is recorded and may end your exam."),
    ("服从监考员安排；遇设备故障等情况请举手示意，由监考员记录。",
     "Follow the proctors; raise your hand for a technical problem, which the proctor records."),
)


@dataclass(frozen=True)
class TicketFace:
    """What one admission ticket shows."""

    organisation: str
    plan_title: str
    batch: str
    level: int
    sitting_title: str
    opens_at: datetime  # UTC, printed in Beijing time
    closes_at: datetime
    room: str
    online: bool
    candidate_name: str
    id_type: str | None
    masked_id_number: str | None
    photo: bytes | None
    seat: str
    ticket_number: str


def faces(organisation: Organisation, plan: Plan, sitting: ExamSession,
          registrations: list[Registration]) -> list[TicketFace]:
    """The tickets of seated registrations of one sitting (identities and photos in two
    queries)."""
    user_ids = [r.user_id for r in registrations if r.user_id is not None]
    identities = {row.user_id: row for row in db.session.scalars(select(HolderIdentity).where(
        HolderIdentity.user_id.in_(user_ids)))} if user_ids else {}
    photos = dict(db.session.execute(select(HolderPhoto.user_id, HolderPhoto.jpeg).where(
        HolderPhoto.user_id.in_(user_ids), HolderPhoto.state == PhotoState.APPROVED)).all()
    ) if user_ids else {}
    result = []
    for registration in registrations:
        identity = identities.get(registration.user_id)
        result.append(TicketFace(
            organisation.name, plan.title, plan.batch, plan.level, sitting.title,
            sitting.opens_at, sitting.closes_at, sitting.room, sitting.online,
            registration.candidate_name,
            ID_TYPES[identity.id_type].zh if identity else None,
            mask_id_number(identity.id_number) if identity else None,
            photos.get(registration.user_id), registration.seat or "",
            registration.ticket_number or ""))
    return result


LABELS = ("认定计划 Plan", "职业（工种）", "姓名 Name", "证件 ID", "考试 Sitting", "时间 Time",
          "考场 Room", "座位号 Seat", "准考证号 Ticket no.")
ROW_TOP, ROW_STEP, QR_SIZE = 60 * mm, 8.5 * mm, 30 * mm
FRAME = "ticket_frame"


def _frame(c: Canvas, width: float, height: float) -> None:
    """What every ticket shares — border, title, labels, photo box, rules — drawn once per
    file as a form that each page reuses."""
    c.beginForm(FRAME)
    c.setStrokeColor(BRAND)
    c.setLineWidth(2)
    c.rect(15 * mm, height / 2 - 10 * mm, width - 30 * mm, height / 2 - 5 * mm)
    c.setFillColor(BRAND)
    pdfs.draw(c, width / 2, height - 32 * mm, "准考证", 24, align="centre")
    pdfs.draw(c, width / 2, height - 39 * mm, "ADMISSION TICKET", 11, bold=True, align="centre")
    c.setFillColor(MUTED)
    for index, label in enumerate(LABELS):
        pdfs.draw(c, 22 * mm, height - ROW_TOP - index * ROW_STEP, label, 9)
    c.setStrokeColor(MUTED)
    c.setLineWidth(0.6)
    c.rect(width - 22 * mm - PHOTO_WIDTH, height - 56 * mm - PHOTO_HEIGHT, PHOTO_WIDTH,
           PHOTO_HEIGHT, stroke=1, fill=0)
    qr_x = width - 20 * mm - QR_SIZE
    c.setFillColor(INK)
    pdfs.draw(c, qr_x + QR_SIZE / 2, height / 2 - 7 * mm, "入场扫码 Scan at check-in", 7,
              align="centre")
    y = height / 2 - 22 * mm
    c.setFillColor(BRAND)
    pdfs.draw(c, 15 * mm, y, "考生须知 Rules for candidates", 12, bold=True)
    for number, (zh, en) in enumerate(RULES, start=1):
        y -= 9 * mm
        c.setFillColor(INK)
        pdfs.draw(c, 15 * mm, y, f"{number}. {zh}", 9.5)
        c.setFillColor(MUTED)
        pdfs.draw(c, 19 * mm, y - 4 * mm, en, 7.5)
    c.endForm()


def _when(face: TicketFace) -> str:
    start, end = local_time(face.opens_at), local_time(face.closes_at)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end_text}（北京时间 Beijing time）"


def _page(c: Canvas, face: TicketFace, width: float, height: float) -> None:
    grade = level(face.level)
    c.doForm(FRAME)
    c.setFillColor(INK)
    pdfs.draw(c, width / 2, height - 47 * mm, face.organisation, 11, align="centre")
    values = (
        f"{face.plan_title} · 批次 Batch {face.batch}",
        f"{OCCUPATION['zh']}（{WORK_TYPE['zh']}） · {grade.zh}",
        face.candidate_name,
        f"{face.id_type or '—'} {face.masked_id_number or ''}".strip(),
        face.sitting_title, _when(face), "线上考试 Online" if face.online else face.room,
        face.seat, face.ticket_number)
    for index, value in enumerate(values):
        pdfs.draw(c, 58 * mm, height - ROW_TOP - index * ROW_STEP, value, 11, bold=index >= 7)
    photo_x, photo_y = width - 22 * mm - PHOTO_WIDTH, height - 56 * mm - PHOTO_HEIGHT
    if face.photo is not None:
        c.drawImage(ImageReader(io.BytesIO(face.photo)), photo_x, photo_y, PHOTO_WIDTH,
                    PHOTO_HEIGHT, preserveAspectRatio=True, anchor="c")
    else:
        c.setFillColor(MUTED)
        pdfs.draw(c, photo_x + PHOTO_WIDTH / 2, photo_y + PHOTO_HEIGHT / 2, "照片 Photo", 9,
                  align="centre")
    _qr(c, face.ticket_number, width - 20 * mm - QR_SIZE, height / 2 - 4 * mm, QR_SIZE)


def render(tickets: Iterable[TicketFace], title: str, author: str,
           created: datetime) -> bytes:
    """The tickets as one PDF, a page each."""
    buffer = io.BytesIO()
    width, height = A4
    c = Canvas(buffer, pagesize=A4, **pdfs.canvas_options())
    pdfs.apply_info(c, pdfs.DocumentInfo(title=title, author=author, subject="准考证 Admission ticket",
                                         created=created))
    _frame(c, width, height)
    for face in tickets:
        _page(c, face, width, height)
        c.showPage()
    c.save()
    return buffer.getvalue()


def candidate_ticket(user_id: int, registration_public_id: str) -> bytes | None:
    """The person's own admission ticket, once they are seated; None for anyone else's."""
    registration = db.session.scalar(select(Registration).where(
        Registration.public_id == registration_public_id, Registration.user_id == user_id,
        Registration.state == APPROVED, Registration.ticket_number.is_not(None)))
    if registration is None:
        return None
    sitting = db.session.get(ExamSession, registration.sitting_id)
    plan, organisation = registration.plan, sitting.organisation
    return render(faces(organisation, plan, sitting, [registration]),
                  f"准考证 {registration.ticket_number}", organisation.name, sitting.created_at)


def sitting_tickets(organisation: Organisation, sitting_public_id: str, actor) -> bytes | None:
    """Every seated candidate's ticket of the sitting, by seat, in one PDF (the export is
    audited); None when the organisation has no such sitting."""
    sitting = own_sitting(organisation, sitting_public_id)
    if sitting is None:
        return None
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.sitting_id == sitting.id, Registration.state == APPROVED,
        Registration.ticket_number.is_not(None)).order_by(Registration.seat)))
    plan = db.session.get(Plan, sitting.plan_id)
    data = render(faces(organisation, plan, sitting, registrations),
                  f"准考证 {sitting.title}", organisation.name, sitting.created_at)
    record(organisation.id, actor, "tickets.export", sitting.public_id,
           after={"tickets": len(registrations)})
    db.session.commit()
    return data
