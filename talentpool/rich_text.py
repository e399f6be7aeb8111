"""Markdown to safe HTML, for written answers and the materials of written tasks.

CommonMark with tables (markdown-it-py); raw HTML in the source is shown as text, never
passed through, and the result is sanitised again with nh3 against a small allow-list (no
scripts, styles, event handlers, images or iframes; links keep only http, https and mailto and
get ``rel="noopener noreferrer nofollow"``). Safe to mark ``|safe`` in a template.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
                "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
                "a", "del", "s"}
# No style attributes: the Content-Security-Policy allows no inline styles (column alignment
# is dropped).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table") \
    .enable("strikethrough")


def to_html(text: str) -> Markup:
    """The Markdown ``text`` as sanitised HTML."""
    html = _MARKDOWN.render(text or "")
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"},
                            link_rel="noopener noreferrer nofollow"))
