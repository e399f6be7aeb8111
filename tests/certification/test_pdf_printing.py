"""The certificate PDF prints the same everywhere: embedded fonts, one text in three engines,
real document information, the optional validity line and the issuer's seal."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from talentpool.certification.pdf import CertificateFace, render_certificate
from tests import pdf_engines as engines

ISSUED = datetime(2026, 3, 16, 9, 30, 5)
FACE = CertificateFace(
    serial="TP-7QK2-M9XD-4HTR-WB3N-8CJF-PV6E-ZA5G", holder_name="王小明 Wang Xiaoming",
    level=4, theory_score=88, practical_score=79, panel_score=None,
    issuer_name="星河职业技能评价中心 Xinghe Skills Evaluation Centre", issued_at=ISSUED,
    valid_until=datetime(2029, 3, 16, 9, 30, 5),
    verify_url="https://talentpool.example.org/verify/TP-7QK2-M9XD-4HTR-WB3N-8CJF-PV6E-ZA5G",
    title={"zh": "职业技能等级证书", "en": "Vocational Skill Level Certificate"})
EXPECTED = ("职业技能等级证书", "王小明", "Wang", "Xiaoming", FACE.serial, "理论知识88分",
            "技能考核79分", "Theory88", "2026年3月16日", "2029年3月16日", "16Mar2026",
            "16Mar2029", "四级/中级工", "Level4/Intermediate", "星河职业技能评价中心")


def squeeze(text: str) -> str:
    return "".join(text.split())


def write(tmp_path, face: CertificateFace, name: str = "certificate.pdf"):
    path = tmp_path / name
    path.write_bytes(render_certificate(face))
    return path


def seal_png(size: int = 300) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, size - 8, size - 8), outline=(200, 30, 30, 255), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_every_font_is_embedded(tmp_path):
    path = write(tmp_path, replace(FACE, status="revoked"))
    fonts = engines.fonts(path.read_bytes())
    assert {name.split("+")[-1] for name, _ in fonts} == {
        "DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"}
    assert all(embedded for _name, embedded in fonts), fonts
    assert all(re.fullmatch(r"/[A-Z]{6}\+[\w-]+", name) for name, _ in fonts)  # subsets
    assert len(path.read_bytes()) < 200_000


@engines.needs_engines
def test_poppler_lists_every_font_as_embedded(tmp_path):
    assert set(engines.pdffonts_embedded(write(tmp_path, FACE))) == {"yes"}


@engines.needs_engines
def test_three_engines_extract_the_same_text(tmp_path):
    texts = engines.texts(write(tmp_path, FACE))
    for engine, text in texts.items():
        missing = [part for part in EXPECTED if part not in squeeze(text)]
        assert missing == [], (engine, missing)
    counts = {engine: engines.characters(text) for engine, text in texts.items()}
    assert counts["ghostscript"] == counts["poppler"] == counts["mupdf"]


@engines.needs_engines
def test_three_engines_ink_every_word(tmp_path):
    # A face the reader substitutes left "Wang", "88", the dates and the serial blank in
    # Ghostscript while poppler drew them; every word must carry ink in every engine.
    words = engines.word_ink(write(tmp_path, replace(FACE, status="expired")), tmp_path)
    assert {"Wang", "Xiaoming", FACE.serial, "88", "79"} <= {word for word, _ in words}
    faint = [(word, ink) for word, ink in words if min(ink.values()) < 0.4 * max(ink.values())]
    assert faint == []


@engines.needs_engines
def test_a_ghostscript_resave_keeps_text_and_glyphs(tmp_path):
    original = write(tmp_path, FACE)
    resaved = engines.resave(original, tmp_path / "resaved.pdf")
    assert set(engines.pdffonts_embedded(resaved)) == {"yes"}
    before, after = engines.texts(original)["poppler"], engines.texts(resaved)["poppler"]
    assert engines.characters(after) == engines.characters(before)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    drawn = engines.renders(original, tmp_path / "a")["poppler"]
    redrawn = engines.renders(resaved, tmp_path / "b")["poppler"]
    assert np.abs(drawn - redrawn).max() < 0.25  # the same glyphs, not substitutes


def test_document_information_names_the_certificate_and_its_issue_time():
    info = PdfReader(io.BytesIO(render_certificate(FACE))).metadata
    assert info.title == f"职业技能等级证书 {FACE.serial}"
    assert info.author == FACE.issuer_name
    assert info.subject == ("Vocational Skill Level Certificate · Artificial Intelligence Trainer"
                            " · Level 4 / Intermediate")
    assert info.creator == "talentpool" and info.producer.startswith("ReportLab ")
    assert info.creation_date == info.modification_date == ISSUED.replace(tzinfo=UTC)


def test_the_same_certificate_gives_the_same_bytes():
    assert render_certificate(FACE) == render_certificate(FACE)
    assert render_certificate(FACE) != render_certificate(replace(FACE, theory_score=87))


def text_of(face: CertificateFace) -> str:
    return squeeze(PdfReader(io.BytesIO(render_certificate(face))).pages[0].extract_text())


def test_a_certificate_without_expiry_prints_no_validity_line():
    text = text_of(replace(FACE, valid_until=None))
    assert "发证日期" in text and "Dateofissue" in text and "2026年3月16日" in text
    assert "16Mar2026" in text
    assert "有效期" not in text and "validuntil" not in text and "2029" not in text


def test_a_certificate_with_expiry_keeps_its_validity_line():
    text = text_of(FACE)
    assert "发证日期/有效期至" in text and "Issued/validuntil" in text
    assert "2026年3月16日至2029年3月16日" in text and "16Mar2026–16Mar2029" in text


def test_the_seal_is_printed_when_given():
    sealed = PdfReader(io.BytesIO(render_certificate(replace(FACE, seal=seal_png(320)))))
    [image] = sealed.pages[0].images
    assert image.image.size == (320, 320)
    assert len(PdfReader(io.BytesIO(render_certificate(FACE))).pages[0].images) == 0


@pytest.mark.parametrize("setting", ["seal.png", "absolute"])
def test_the_configured_seal_reaches_the_certificate(app, make_certificate, tmp_path, setting):
    from talentpool.certification.public import certificate_pdf
    from talentpool.certification.service import find_certificate

    issued = make_certificate()
    where = (tmp_path if setting == "absolute" else Path(app.instance_path)) / "seal.png"
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_bytes(seal_png(200))
    app.config["CERTIFICATE_SEAL_IMAGE"] = str(where) if setting == "absolute" else "seal.png"
    with app.app_context():
        pdf = PdfReader(io.BytesIO(certificate_pdf(find_certificate(issued.serial))))
    assert [image.image.size for image in pdf.pages[0].images] == [(200, 200)]


def test_an_unusable_seal_is_logged_and_left_out(app, make_certificate, tmp_path, caplog):
    from talentpool.certification.public import certificate_pdf
    from talentpool.certification.service import find_certificate

    issued = make_certificate()
    (tmp_path / "seal.png").write_bytes(b"not an image")
    for setting in (str(tmp_path / "seal.png"), str(tmp_path / "absent.png")):
        app.config["CERTIFICATE_SEAL_IMAGE"] = setting
        with app.app_context():
            pdf = PdfReader(io.BytesIO(certificate_pdf(find_certificate(issued.serial))))
        assert len(pdf.pages[0].images) == 0
    assert sum("seal image" in record.getMessage() for record in caplog.records) == 2
