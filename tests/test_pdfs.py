"""The shared PDF fonts: which face draws which character, the text layer, the document date."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from fontTools.ttLib import TTFont

from talentpool import pdfs


def test_fonts_ship_in_the_package_as_truetype():
    # reportlab embeds only TrueType (glyf) outlines; the licences sit next to the files
    files = sorted(p.name for p in pdfs.FONT_FOLDER.glob("*.ttf"))
    assert files == ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "DroidSansFallbackFull.ttf"]
    for name in files:
        with TTFont(pdfs.FONT_FOLDER / name, lazy=True) as font:
            assert "glyf" in font and "CFF " not in font
    readme = (pdfs.FONT_FOLDER / "README.md").read_text()
    assert all(name in readme for name in files)
    assert (pdfs.FONT_FOLDER / "LICENSE-DejaVu.txt").exists()
    assert (pdfs.FONT_FOLDER / "LICENSE-Apache-2.0.txt").exists()


def test_mixed_text_is_split_into_runs_by_face():
    assert pdfs.runs("王小明 Wang（88 分）· 5–6") == [
        (pdfs.CJK, "王小明"), (pdfs.LATIN, " Wang"), (pdfs.CJK, "（"), (pdfs.LATIN, "88 "),
        (pdfs.CJK, "分）"), (pdfs.LATIN, "· 5–6")]
    assert pdfs.runs("REVOKED 已吊销", bold=True) == [
        (pdfs.LATIN_BOLD, "REVOKED "), (pdfs.CJK, "已吊销")]


def test_every_character_of_names_has_a_glyph_and_the_gaps_are_named():
    assert pdfs.missing_glyphs("王小明 Wang Xiaoming · Zoë Núñez · 欧阳娜娜 · 𠮷") == "𠮷"
    assert pdfs.missing_glyphs("理论知识 88 分  技能考核 79 分 – Level 5 / Elementary") == ""
    assert pdfs.missing_glyphs("🪐 ok 🪐") == "🪐"


def test_markup_escapes_and_wraps_each_run():
    assert pdfs.markup("A<b> 张") == (f'<font name="{pdfs.LATIN}">A&lt;b&gt; </font>'
                                      f'<font name="{pdfs.CJK}">张</font>')


def test_to_unicode_cmap_keeps_blocks_within_the_cmap_limit():
    # 150 characters: two bfchar blocks (100 + 50), never one of 150 (Ghostscript ignores that)
    subset = [0x4E00 + i for i in range(149)] + [0x20BB7]
    cmap = pdfs.to_unicode_cmap("AAAAAA+DroidSansFallback", subset)
    assert [int(n) for n in re.findall(r"(\d+) beginbfchar", cmap)] == [100, 50]
    assert "<00> <4E00>" in cmap and "<95> <D842DFB7>" in cmap  # 𠮷 as a UTF-16 pair
    assert "<00> <FF>\nendcodespacerange" in cmap


def test_pdf_dates_are_utc():
    assert pdfs.pdf_date(datetime(2026, 3, 16, 9, 5, 7)) == "D:20260316090507+00'00'"
    beijing = timezone(timedelta(hours=8))
    assert pdfs.pdf_date(datetime(2026, 3, 16, 17, 5, 7, tzinfo=beijing)) == \
        pdfs.pdf_date(datetime(2026, 3, 16, 9, 5, 7, tzinfo=UTC))
