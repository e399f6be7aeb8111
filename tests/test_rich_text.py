"""Written answers render as Markdown with nothing executable left in them."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from talentpool.rich_text import ALLOWED_TAGS, to_html


class Elements(HTMLParser):
    """Every start tag of a document with its attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(str(html))
    return parser.found


def test_markdown_tables_lists_and_emphasis_render():
    html = to_html("## 规范\n\n- **标签**：正面\n\n| 文本 | 标签 |\n|---|---|\n| 好 | 正面 |")
    assert "<h2>规范</h2>" in html and "<strong>标签</strong>" in html
    assert "<table>" in html and "<td>正面</td>" in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<iframe src=https://evil.example></iframe>", '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))", "<style>body{display:none}</style>",
    '<p style="color:red" onclick="alert(1)">x</p>',
])
def test_scripts_html_and_dangerous_links_never_survive(hostile):
    for tag, attributes in elements(to_html(hostile)):
        assert tag in ALLOWED_TAGS, (hostile, tag)
        assert set(attributes) <= {"href", "title", "rel"}, (hostile, attributes)
        assert not attributes.get("href", "").startswith("javascript"), hostile


def test_links_keep_safe_schemes_and_do_not_pass_the_referrer():
    html = to_html("[规范](https://example.org/spec)")
    assert 'href="https://example.org/spec"' in html and 'rel="noopener noreferrer nofollow"' in html
