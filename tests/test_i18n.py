"""Every UI string is translated, and the shipped compiled catalogs match the sources."""

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "talentpool" / "translations"


def load_po(locale):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def test_every_extracted_string_is_in_the_catalogs(tmp_path):
    pot = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    for locale in ("zh_Hans_CN", "en"):
        known = {m.id for m in load_po(locale) if m.id}
        assert extracted - known == set(), f"{locale}: run the catalog update"


def test_every_string_has_a_chinese_translation():
    untranslated = [m.id for m in load_po("zh_Hans_CN") if m.id and not m.string]
    assert untranslated == []


def test_compiled_catalogs_match_their_sources():
    for locale in ("zh_Hans_CN", "en"):
        with open(CATALOGS / locale / "LC_MESSAGES" / "messages.mo", "rb") as handle:
            compiled = {m.id: m.string for m in read_mo(handle) if m.id}
        source = {m.id: m.string for m in load_po(locale) if m.id and m.string}
        assert compiled == source


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for message in load_po("zh_Hans_CN"):
        if message.id and message.string:
            assert sorted(pattern.findall(message.id)) == sorted(pattern.findall(message.string)), \
                message.id
