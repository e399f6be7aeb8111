"""Helpers for PDF tests: what Ghostscript, poppler and MuPDF extract and draw from one file.

A PDF that prints the same everywhere gives the same text to all three and puts ink under every
word in all three renderings (a font a reader has to substitute drew blank Latin letters in
Ghostscript). Each engine is the real program, run as a subprocess.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

TOOLS = ("gs", "pdftotext", "pdftoppm", "pdffonts", "mutool")
needs_engines = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in TOOLS),
    reason="needs ghostscript, poppler-utils and mupdf-tools")
GS = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER"]
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"(.*?)</word>")


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def texts(pdf: Path) -> dict[str, str]:
    """The text layer as each engine extracts it."""
    return {"ghostscript": _run(*GS, "-sDEVICE=txtwrite", "-sOutputFile=-", str(pdf)),
            "poppler": _run("pdftotext", "-enc", "UTF-8", str(pdf), "-"),
            "mupdf": _run("mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf))}


def characters(text: str) -> Counter:
    """The characters of ``text`` but white space, counted (engines lay out lines differently)."""
    return Counter(ch for ch in text if not ch.isspace())


def renders(pdf: Path, folder: Path) -> dict[str, np.ndarray]:
    """Page 1 drawn by each engine at 72 dpi (one pixel per point), as ink from 0 to 1."""
    files = {name: folder / f"{name}.png" for name in ("ghostscript", "poppler", "mupdf")}
    _run(*GS, "-sDEVICE=pnggray", "-r72", "-dFirstPage=1", "-dLastPage=1",
         f"-sOutputFile={files['ghostscript']}", str(pdf))
    _run("pdftoppm", "-gray", "-r", "72", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
         str(files["poppler"].with_suffix("")))
    _run("mutool", "draw", "-q", "-r", "72", "-c", "gray", "-o", str(files["mupdf"]), str(pdf), "1")
    return {name: 1 - np.asarray(Image.open(path).convert("L"), dtype=float) / 255
            for name, path in files.items()}


def word_ink(pdf: Path, folder: Path) -> list[tuple[str, dict[str, float]]]:
    """Every word of page 1 (boxes from poppler) with the ink each engine put inside its box."""
    images = renders(pdf, folder)
    page = _run("pdftotext", "-bbox", "-enc", "UTF-8", "-f", "1", "-l", "1", str(pdf), "-")
    words = []
    for x0, y0, x1, y1, word in WORD.findall(page):
        # one pixel of slack: the engines round the page height differently
        top, bottom = int(float(y0)) - 1, int(float(y1)) + 2
        left, right = int(float(x0)) - 1, int(float(x1)) + 2
        words.append((html.unescape(word), {name: float(image[top:bottom, left:right].sum())
                                            for name, image in images.items()}))
    return words


def fonts(data: bytes) -> list[tuple[str, bool]]:
    """Each font of each page: its name and whether its program is embedded (FontFile*)."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return sorted(found.items())


def pdffonts_embedded(pdf: Path) -> list[str]:
    """The ``emb`` column of poppler's ``pdffonts`` (one entry per font)."""
    lines = _run("pdffonts", str(pdf)).splitlines()[2:]
    return [line.split()[-5] for line in lines]


def resave(pdf: Path, out: Path) -> Path:
    """``pdf`` rewritten by Ghostscript's pdfwrite, as a print shop or archiver would."""
    _run(*GS, "-sDEVICE=pdfwrite", f"-sOutputFile={out}", str(pdf))
    return out
