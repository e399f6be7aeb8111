"""The printable certificate: an A4 landscape PDF in Chinese and English with a QR code.

Chinese is set in Adobe's STSong-Light, a CID font every PDF reader must supply for the
Adobe-GB1 character collection, so nothing is embedded and the file stays small
(docs/certificates.md explains the choice). Latin text uses the standard Helvetica faces.
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
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from talentpool.certification.levels import OCCUPATION, OCCUPATION_CODE, TITLE, WORK_TYPE, level

CJK = "STSong-Light"
LATIN, LATIN_BOLD, MONO = "Helvetica", "Helvetica-Bold", "Courier-Bold"
INK = colors.HexColor("#14212b")
BRAND = colors.HexColor("#0f5c8c")
GOLD = colors.HexColor("#b08d3c")
STAMPS = {"revoked": ("已吊销", "REVOKED"), "superseded": ("已被新证书取代", "SUPERSEDED"),
          "expired": ("已过期", "EXPIRED")}
pdfmetrics.registerFont(UnicodeCIDFont(CJK))


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
    valid_until: datetime | None  # None: no expiry date
    verify_url: str
    status: str = "valid"


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


def _in_song(ch: str) -> bool:
    return ch.isascii() or ord(ch) >= 0x2E80


def draw_mixed(c: Canvas, x: float, y: float, text: str, size: float) -> None:
    """Draw ``text`` in STSong-Light, switching to Helvetica for other Western characters.

    STSong-Light has ASCII and Chinese but lacks some Western letters and punctuation (the
    middle dot, dashes, accents), which Helvetica has, so each run gets the face with its glyphs.
    """
    run, run_is_cjk = "", None
    for ch in text + "\0":
        is_cjk = _in_song(ch)
        if run and (is_cjk != run_is_cjk or ch == "\0"):
            font = CJK if run_is_cjk else LATIN
            c.setFont(font, size)
            c.drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, font, size)
            run = ""
        run, run_is_cjk = run + ch, is_cjk


def _row(c: Canvas, y: float, label_zh: str, label_en: str, value_zh: str, value_en: str) -> None:
    left, value_x = 40 * mm, 100 * mm
    c.setFillColor(colors.HexColor("#4a5b68"))
    c.setFont(CJK, 12)
    c.drawString(left, y, label_zh)
    c.setFont(LATIN, 8.5)
    c.drawString(left, y - 4.5 * mm, label_en)
    c.setFillColor(INK)
    draw_mixed(c, value_x, y, value_zh, 14)
    if value_en:
        c.setFont(LATIN, 10)
        c.drawString(value_x, y - 4.8 * mm, value_en)


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
    c.setFont(CJK, 56)
    c.drawCentredString(0, 8 * mm, zh)
    c.setFont(LATIN_BOLD, 40)
    c.drawCentredString(0, -12 * mm, en)
    c.restoreState()


def render_certificate(face: CertificateFace) -> bytes:
    """The certificate as PDF bytes."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = Canvas(buffer, pagesize=(width, height), invariant=True)
    grade = level(face.level)
    c.setTitle(f"{TITLE['zh']} {face.serial}")
    c.setAuthor(face.issuer_name)
    c.setSubject(f"{TITLE['en']} · {OCCUPATION['en']} · {grade.en}")
    _border(c, width, height)
    c.setFillColor(BRAND)
    c.setFont(CJK, 30)
    c.drawCentredString(width / 2, height - 38 * mm, TITLE["zh"])
    c.setFont(LATIN_BOLD, 14)
    c.drawCentredString(width / 2, height - 47 * mm, TITLE["en"].upper())
    c.setStrokeColor(GOLD)
    c.line(width / 2 - 60 * mm, height - 52 * mm, width / 2 + 60 * mm, height - 52 * mm)
    scores_zh = f"理论知识 {face.theory_score} 分  技能考核 {face.practical_score} 分"
    scores_en = f"Theory {face.theory_score} · Practical skills {face.practical_score}"
    if face.panel_score is not None:
        scores_zh += f"  综合评审 {face.panel_score} 分"
        scores_en += f" · Panel review {face.panel_score}"
    rows = (
        ("持证人", "Holder", face.holder_name, ""),
        ("职业（工种）", "Occupation (work type)", f"{OCCUPATION['zh']}（{WORK_TYPE['zh']}）",
         f"{OCCUPATION['en']} ({WORK_TYPE['en']}) · {OCCUPATION_CODE}"),
        ("职业技能等级", "Skill level", grade.zh, grade.en),
        ("成绩", "Scores (0–100)", scores_zh, scores_en),
        ("发证机构", "Issuing body", face.issuer_name, ""),
        ("发证日期 / 有效期至", "Issued / valid until",
         f"{_zh_date(face.issued_at)}  至  {_zh_date(face.valid_until)}",
         f"{face.issued_at:%d %b %Y} – {face.valid_until:%d %b %Y}") if face.valid_until else
        ("发证日期", "Issued", _zh_date(face.issued_at), f"{face.issued_at:%d %b %Y}"),
    )
    y = height - 68 * mm
    for row in rows:
        _row(c, y, *row)
        y -= 16 * mm
    c.setFillColor(INK)
    c.setFont(CJK, 11)
    c.drawString(40 * mm, 26 * mm, "证书编号 Serial No.")
    c.setFont(MONO, 12)
    c.drawString(78 * mm, 26 * mm, face.serial)
    qr_size = 34 * mm
    qr_x, qr_y = width - 40 * mm - qr_size, 30 * mm
    _qr(c, face.verify_url, qr_x, qr_y, qr_size)
    c.setFont(CJK, 9)
    c.drawCentredString(qr_x + qr_size / 2, qr_y - 4 * mm, "扫码核验 Scan to verify")
    c.setFont(LATIN, 6.5)
    c.drawRightString(width - 22 * mm, 20 * mm, face.verify_url)
    if face.status in STAMPS:
        _stamp(c, face.status, width, height)
    c.showPage()
    c.save()
    return buffer.getvalue()
