"""Templates and scripts hold nothing a Content-Security-Policy without 'unsafe-inline' blocks.

Inline event handlers, ``style`` attributes and elements, executable inline scripts and
``javascript:`` URLs in templates; markup injected from JavaScript (where a ``style="…"`` or
``onclick`` would come back in). Data for scripts travels in ``<script type="application/json">``
blocks and ``data-*`` attributes; styling from scripts goes through ``element.style``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talentpool.config import PROJECT_ROOT

TEMPLATE_DIRS = [PROJECT_ROOT / "templates", PROJECT_ROOT / "tests" / "browser" / "harness"]
TEMPLATES = sorted(p for folder in TEMPLATE_DIRS for p in folder.rglob("*.html"))
SCRIPTS = sorted((PROJECT_ROOT / "static" / "js").rglob("*.js")) + [
    PROJECT_ROOT / "tests" / "browser" / "harness" / "harness.js"]
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)

TEMPLATE_PROBLEMS = {
    "inline event handler": re.compile(r"(?<=\s)on[a-z]+\s*=\s*[\"'{]", re.I),
    "style attribute": re.compile(r"(?<=\s)style\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/json["']""", re.I)
SCRIPT_PROBLEMS = {
    "markup from a string": re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|"
                                       r"document\.write|DOMParser|createContextualFragment"),
    "style attribute": re.compile(r"""setAttribute\(\s*["']style["']|\bstyle\s*:|cssText"""),
    "inline handler attribute": re.compile(r"""setAttribute\(\s*["']on"""),
    "code from a string": re.compile(r"\beval\(|new Function\(|set(Timeout|Interval)\(\s*[\"'`]"),
}


def problems_in_template(text: str) -> list[str]:
    """What in one template a strict CSP would block."""
    text = JINJA_COMMENT.sub("", text)
    found = [name for name, pattern in TEMPLATE_PROBLEMS.items() if pattern.search(text)]
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if "src=" not in attributes and not DATA_SCRIPT.search(attributes):
            found.append("inline script")
    return found


def test_the_checks_catch_what_they_look_for():
    assert problems_in_template('<form onsubmit="return confirm(1)">') == ["inline event handler"]
    assert problems_in_template('<span style="width: 5%">') == ["style attribute"]
    assert problems_in_template("<style>p{}</style>") == ["style element"]
    assert problems_in_template("<script>go()</script>") == ["inline script"]
    assert problems_in_template('<script type="module">go()</script>') == ["inline script"]
    assert problems_in_template('<a href="javascript:go()">') == ["javascript: URL"]
    assert problems_in_template('<script type="application/json" id="x">{}</script>'
                                '<script src="/static/js/a.js" defer></script>'
                                '{# no style="…" here #}<p data-confirm="Hand in?">on=</p>') == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_templates_hold_no_inline_code_or_style(path: Path):
    assert problems_in_template(path.read_text(encoding="utf-8")) == []


# The one place a script inserts markup: the exam page swaps in the next question as the server
# rendered it (templates/exams/_item.html, itself held to the template rules above), from the
# JSON reply of its own same-origin answer request. Exactly one such line, and only there.
SERVER_MARKUP = {"static/js/exam.js": 'document.getElementById("exam-item").innerHTML = next.html;'}


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_scripts_build_no_markup_style_or_code_from_strings(path: Path):
    text = path.read_text(encoding="utf-8")
    allowed = SERVER_MARKUP.get(str(path.relative_to(PROJECT_ROOT)))
    if allowed:
        assert text.count(allowed) == 1
        text = text.replace(allowed, "")
    assert [name for name, pattern in SCRIPT_PROBLEMS.items() if pattern.search(text)] == []
