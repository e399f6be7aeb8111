"""What every PDF talentpool makes shares: embedded fonts, text split by font, document info.

Every font is embedded (as a subset), so Ghostscript, poppler, MuPDF, pdf.js and printers all
draw the same glyphs; a referenced font such as STSong-Light is substituted by each reader, and
Ghostscript drew the Latin letters of Chinese lines blank. The faces ship in ``talentpool/fonts``
(licences in its README), so a plain ``pip install`` needs no system fonts. Both are TrueType,
the only outlines reportlab embeds: DejaVu Sans sets Latin text, Droid Sans Fallback Chinese.
Droid has no Latin letters and DejaVu no ideographs, so text is set in runs, each character in
the first face that has its glyph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_FOLDER = Path(__file__).with_name("fonts")
LATIN, LATIN_BOLD, CJK = "DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"
_FILES = {LATIN: "DejaVuSans.ttf", LATIN_BOLD: "DejaVuSans-Bold.ttf",
          CJK: "DroidSansFallbackFull.ttf"}
# From CJK Radicals Supplement on, a character takes the Chinese face's glyph when it has one:
# ideographic punctuation and full-width forms should match the ideographs around them.
_CJK_BLOCKS_START = 0x2E80
_CREATOR = "talentpool"
_CMAP_BLOCK = 100  # most entries one bfchar block may hold (Adobe CMap specification)
_lock = threading.Lock()
_coverage: dict[str, frozenset[int]] = {}


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """The ToUnicode CMap of one embedded subset: code ``i`` is the character ``subset[i]``.

    Replaces reportlab's, which puts up to 256 entries in one ``bfchar`` block and writes
    characters beyond the BMP as four hex digits. Ghostscript ignores such a CMap, so its text
    extraction and every PDF it re-saves lost the Chinese text; here blocks hold at most 100
    entries and values are UTF-16BE.
    """
    entries = [f"<{code:02X}> <{chr(char).encode('utf-16-be').hex().upper()}>"
               for code, char in enumerate(subset)]
    blocks = [entries[i:i + _CMAP_BLOCK] for i in range(0, len(entries), _CMAP_BLOCK)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        f"/CMapName /{fontname.replace('+', '-')}-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<00> <FF>", "endcodespacerange",
        *(line for block in blocks
          for line in (f"{len(block)} beginbfchar", *block, "endbfchar")),
        "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])


# reportlab looks this writer up in its module when it saves a document, so replacing it here
# fixes every TrueType subset written in this process (importing this module is enough).
ttfonts.makeToUnicodeCMap = to_unicode_cmap


def register_fonts() -> None:
    """Register the embedded faces with reportlab once per process (the CJK file is 4 MB)."""
    if _coverage:
        return
    with _lock:
        if _coverage:
            return
        faces = {name: TTFont(name, str(FONT_FOLDER / file)) for name, file in _FILES.items()}
        for font in faces.values():
            pdfmetrics.registerFont(font)
        _coverage.update({name: frozenset(font.face.charToGlyph) for name, font in faces.items()})


def canvas_options() -> dict:
    """Keyword arguments for a reportlab ``Canvas`` or doc template: reproducible output, and an
    embedded face as the page's initial font (the default, Helvetica, is never embedded)."""
    register_fonts()
    return {"invariant": True, "initialFontName": LATIN}


def font_for(ch: str, latin: str = LATIN) -> str:
    """The face that draws ``ch``: ``latin`` below the CJK blocks if it has the glyph, else CJK."""
    register_fonts()
    code = ord(ch)
    if code < _CJK_BLOCKS_START and code in _coverage[latin]:
        return latin
    if code in _coverage[CJK]:
        return CJK
    return latin


def missing_glyphs(text: str) -> str:
    """The distinct characters of ``text`` that no embedded face can draw, in text order."""
    missing = [ch for ch in text if ord(ch) not in _coverage[font_for(ch)]]
    return "".join(dict.fromkeys(missing))


def runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """``text`` as ``(font name, run)`` pairs, each run drawn by one face."""
    latin = LATIN_BOLD if bold else LATIN
    pairs: list[tuple[str, str]] = []
    for ch in text:
        font = font_for(ch, latin)
        if pairs and pairs[-1][0] == font:
            pairs[-1] = (font, pairs[-1][1] + ch)
        else:
            pairs.append((font, ch))
    return pairs


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` set in runs at ``size`` points."""
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text, bold))


def draw(canvas: Canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
         align: str = "left") -> None:
    """Draw ``text`` in runs with its baseline at ``y``; ``align`` is left, centre or right of x."""
    if align != "left":
        x -= text_width(text, size, bold) / (2 if align == "centre" else 1)
    for font, run in runs(text, bold):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)


def markup(text: str, bold: bool = False) -> str:
    """``text`` as escaped Paragraph markup, one ``<font>`` tag per run."""
    return "".join(f'<font name="{font}">{escape(run)}</font>' for font, run in runs(text, bold))


@dataclass(frozen=True)
class DocumentInfo:
    """The PDF's document information; ``created`` is its CreationDate and ModDate (UTC)."""

    title: str
    author: str
    subject: str
    created: datetime


def pdf_date(moment: datetime) -> str:
    """A PDF date string (ISO 32000 §7.9.4) in UTC; naive times are taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"D:{moment:%Y%m%d%H%M%S}+00'00'"


def apply_info(canvas: Canvas, info: DocumentInfo) -> None:
    """Write ``info`` into the document the canvas is drawing, with talentpool as creator."""
    canvas.setTitle(info.title)
    canvas.setAuthor(info.author)
    canvas.setSubject(info.subject)
    canvas.setCreator(_CREATOR)
    canvas.setProducer(f"ReportLab {reportlab.Version}")
    stamp = pdf_date(info.created)
    canvas.setDateFormatter(lambda *_local_time: stamp)
