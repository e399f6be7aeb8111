"""The printable certificate: an A4 landscape PDF in Chinese and English with a QR code.

Every text is set through ``talentpool.pdfs`` in embedded fonts, so the page prints the same in
every reader (docs/certificates.md). The file is reproducible: the same face gives the same bytes,
dated with the issue time.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import datetime

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from talentpool import pdfs
from talentpool.certification.levels import OCCUPATION, OCCUPATION_CODE, WORK_TYPE, level

INK = colors.HexColor("#14212b")
BRAND = colors.HexColor("#0f5c8c")
GOLD = colors.HexColor("#b08d3c")
STAMPS = {"revoked": ("已吊销", "REVOKED"), "superseded": ("已被新证书取代", "SUPERSEDED"),
          "suspended": ("暂停使用", "SUSPENDED"),
          "expired": ("已过期", "EXPIRED")}
SEAL_SIZE = 42 * mm
# The holder's photo box: 2-inch ID-photo ratio (photo_image.WIDTH:HEIGHT = 358:441).
PHOTO_WIDTH, PHOTO_HEIGHT = 26 * mm, 26 * mm * 441 / 358


@dataclass(frozen=True)
class CertificateFace:
    """What the printed certificate shows."""

    serial: str
    holder_name: str
    level: int
    theory_score: int
    practical_score: int
    panel_score: int | None
    issuer_name: str
    issued_at: datetime
    valid_until: datetime | None
    verify_url: str
    title: dict  # {"zh", "en"}: 职业技能等级证书 only within the organisation's registration
    status: str = "valid"
    seal: bytes | None = None  # the issuing organisation's seal image (PNG, JPEG)
    national_number: str | None = None  # 证书编号, once the authority has assigned it
    # 证件类型 and the masked 证件号码, once the holder has entered them
    id_type: str | None = None
    masked_id_number: str | None = None
    photo: bytes | None = None  # the holder's approved photo (JPEG); None prints an empty box


def _zh_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _border(c: Canvas, width: float, height: float) -> None:
    c.setStrokeColor(BRAND)
    c.setLineWidth(4)
    c.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    for x in (14 * mm, width - 14 * mm):
        for y in (14 * mm, height - 14 * mm):
            c.circle(x, y, 2.2 * mm, stroke=1, fill=0)


def _row(c: Canvas, y: float, label_zh: str, label_en: str, value_zh: str, value_en: str) -> None:
    left, value_x = 40 * mm, 100 * mm
    c.setFillColor(colors.HexColor("#4a5b68"))
    pdfs.draw(c, left, y, label_zh, 12)
    pdfs.draw(c, left, y - 4.5 * mm, label_en, 8.5)
    c.setFillColor(INK)
    pdfs.draw(c, value_x, y, value_zh, 14)
    if value_en:
        pdfs.draw(c, value_x, y - 4.8 * mm, value_en, 10)


def _qr(c: Canvas, url: str, x: float, y: float, size: float) -> None:
    """A QR code (reportlab's encoder) drawn as one path of dark runs, with a quiet zone.

    Encoding once and filling one path is ~20× faster than the QrCodeWidget drawing.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    count, quiet = code.getModuleCount(), 4
    module = size / (count + 2 * quiet)
    path = c.beginPath()
    for row_index, row in enumerate(code.modules):
        column = 0
        for dark, run in itertools.groupby(bool(cell) for cell in row):
            length = len(list(run))
            if dark:
                top = y + size - (row_index + quiet + 1) * module
                path.rect(x + (column + quiet) * module, top, length * module, module)
            column += length
    c.setFillColor(colors.black)
    c.drawPath(path, stroke=0, fill=1)


def _stamp(c: Canvas, status: str, width: float, height: float) -> None:
    zh, en = STAMPS[status]
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(18)
    c.setFillColor(colors.Color(0.7, 0.15, 0.12, alpha=0.28))
    pdfs.draw(c, 0, 8 * mm, zh, 56, align="centre")
    pdfs.draw(c, 0, -12 * mm, en, 40, bold=True, align="centre")
    c.restoreState()


def _date_row(face: CertificateFace) -> tuple[str, str, str, str]:
    """Issue date, and the validity period when the certificate has an end date."""
    if face.valid_until is None:
        return ("发证日期", "Date of issue", _zh_date(face.issued_at), f"{face.issued_at:%d %b %Y}")
    return ("发证日期 / 有效期至", "Issued / valid until",
            f"{_zh_date(face.issued_at)}  至  {_zh_date(face.valid_until)}",
            f"{face.issued_at:%d %b %Y} – {face.valid_until:%d %b %Y}")


def _id_line(face: CertificateFace) -> str:
    """The holder's identity document under the name: type and masked number, or nothing."""
    if not (face.id_type and face.masked_id_number):
        return ""
    return f"证件类型 ID type {face.id_type} · 证件号码 ID no. {face.masked_id_number}"


def _seal(c: Canvas, image: bytes, centre_x: float, centre_y: float) -> None:
    """The issuer's seal, fitted into a square, stamped over the issuer and date lines."""
    c.drawImage(ImageReader(io.BytesIO(image)), centre_x - SEAL_SIZE / 2, centre_y - SEAL_SIZE / 2,
                SEAL_SIZE, SEAL_SIZE, preserveAspectRatio=True, anchor="c", mask="auto")


def _photo(c: Canvas, image: bytes | None, x: float, y: float) -> None:
    """The holder's photo in its framed box (lower-left corner x, y), or the empty box labelled
    照片 / Photo, as on a certificate printed before the photo was approved."""
    if image is not None:
        c.drawImage(ImageReader(io.BytesIO(image)), x, y, PHOTO_WIDTH, PHOTO_HEIGHT,
                    preserveAspectRatio=True, anchor="c")
    else:
        c.setFillColor(colors.HexColor("#8a99a6"))
        pdfs.draw(c, x + PHOTO_WIDTH / 2, y + PHOTO_HEIGHT / 2 + 1 * mm, "照片", 11, align="centre")
        pdfs.draw(c, x + PHOTO_WIDTH / 2, y + PHOTO_HEIGHT / 2 - 4 * mm, "Photo", 8,
                  align="centre")
    c.setStrokeColor(colors.HexColor("#8a99a6"))
    c.setLineWidth(0.6)
    c.rect(x, y, PHOTO_WIDTH, PHOTO_HEIGHT, stroke=1, fill=0)


def render_certificate(face: CertificateFace) -> bytes:
    """The certificate as PDF bytes, dated with the issue time."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = Canvas(buffer, pagesize=(width, height), **pdfs.canvas_options())
    grade = level(face.level)
    pdfs.apply_info(c, pdfs.DocumentInfo(
        title=f"{face.title['zh']} {face.serial}", author=face.issuer_name,
        subject=f"{face.title['en']} · {OCCUPATION['en']} · {grade.en}", created=face.issued_at))
    _border(c, width, height)
    c.setFillColor(BRAND)
    pdfs.draw(c, width / 2, height - 38 * mm, face.title["zh"], 30, align="centre")
    pdfs.draw(c, width / 2, height - 47 * mm, face.title["en"].upper(), 14, bold=True,
              align="centre")
    c.setStrokeColor(GOLD)
    c.line(width / 2 - 60 * mm, height - 52 * mm, width / 2 + 60 * mm, height - 52 * mm)
    scores_zh = f"理论知识 {face.theory_score} 分  技能考核 {face.practical_score} 分"
    scores_en = f"Theory {face.theory_score} · Practical skills {face.practical_score}"
    if face.panel_score is not None:
        scores_zh += f"  综合评审 {face.panel_score} 分"
        scores_en += f" · Panel review {face.panel_score}"
    rows = (
        ("持证人", "Holder", face.holder_name, _id_line(face)),
        ("职业（工种）", "Occupation (work type)", f"{OCCUPATION['zh']}（{WORK_TYPE['zh']}）",
         f"{OCCUPATION['en']} ({WORK_TYPE['en']}) · {OCCUPATION_CODE}"),
        ("职业技能等级", "Skill level", grade.zh, grade.en),
        ("成绩", "Scores (0–100)", scores_zh, scores_en),
        ("评价机构", "Evaluation organisation", face.issuer_name, ""),
        _date_row(face),
    )
    y = height - 68 * mm
    for row in rows:
        _row(c, y, *row)
        y -= 16 * mm
    c.setFillColor(INK)
    if face.national_number:
        pdfs.draw(c, 40 * mm, 33 * mm, "证书编号 National certificate no.", 11)
        pdfs.draw(c, 112 * mm, 33 * mm, face.national_number, 12, bold=True)
    serial_label = "序列号 Serial No." if face.national_number else "证书编号 Serial No."
    pdfs.draw(c, 40 * mm, 26 * mm, serial_label, 11)
    pdfs.draw(c, 78 * mm, 26 * mm, face.serial, 12, bold=True)
    qr_size = 34 * mm
    qr_x, qr_y = width - 40 * mm - qr_size, 30 * mm
    _qr(c, face.verify_url, qr_x, qr_y, qr_size)
    c.setFillColor(INK)
    pdfs.draw(c, qr_x + qr_size / 2, qr_y - 4 * mm, "扫码核验 Scan to verify", 9, align="centre")
    pdfs.draw(c, width - 22 * mm, 20 * mm, face.verify_url, 6.5, align="right")
    _photo(c, face.photo, width - 40 * mm - PHOTO_WIDTH, height - 62 * mm - PHOTO_HEIGHT)
    if face.seal is not None:
        _seal(c, face.seal, qr_x - 30 * mm, height - 68 * mm - 4.5 * 16 * mm)
    if face.status in STAMPS:
        _stamp(c, face.status, width, height)
    c.showPage()
    c.save()
    return buffer.getvalue()
