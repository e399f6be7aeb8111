"""Every role's pages in both languages: no untranslated catalogue entry in the Chinese UI, no
Chinese label in the English UI, no raw enum value in either.

The site is the one the Content-Security-Policy walk builds (a certifying item bank, practice
packs of every task type, an open session, a cohort, a listed certified trainee, a verified
employer). Each role signs in and opens every page of its main navigation and a few pages
behind them, once per language. Visible text is every text node outside scripts and styles,
plus the attributes people read (aria-label, title, placeholder, alt).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.tracks import TRACKS
from talentpool.auth import Role
from talentpool.directory import employers
from talentpool.directory.tiers import load_rules
from talentpool.scoring import TASK_TYPES
from tests.browser.test_content_security_policy import build_site
from tests.conftest import PASSWORD, csrf_from, post_form

pytestmark = pytest.mark.db

CATALOG = (Path(__file__).resolve().parent.parent / "talentpool" / "translations"
           / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po")
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# Stored values that a page must show through a label, never as they are.
RAW_VALUES = frozenset({
    *(role.value for role in Role), *(tier.id for tier in load_rules()),
    *(track.id for track in TRACKS), *TASK_TYPES,
    "open", "part_time", "full_time", "not_now",
    "theory", "practical", "passed", "failed", "pending", "graded", "expired", "revoked",
})


class VisibleText(HTMLParser):
    """Stripped text nodes and read attributes of a page; scripts, styles and elements that
    declare their own language (``lang``, such as the language switch) left out."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # open elements: (tag, is its text left out?)

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        skipped = self._skipping() or tag in ("script", "style", "template") \
            or (tag != "html" and "lang" in named)
        if not skipped:
            for name in READ_ATTRIBUTES:
                if named.get(name) and named[name].strip():
                    self.texts.append(" ".join(named[name].split()))
        if tag not in self.VOID:
            self._open.append((tag, skipped))

    def handle_endtag(self, tag):
        # Close back to the matching element (HTML lets some end tags be left out).
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def catalogue() -> tuple[set[str], set[str]]:
    """(English msgids, Chinese msgstrs) of whole sentences or labels without placeholders."""
    with CATALOG.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id and isinstance(m.id, str)]
    english = {m.id for m in messages
               if "%" not in m.id and len(m.id) >= 4 and any(c.isalpha() for c in m.id)
               and m.string and m.string != m.id}
    chinese = {m.string for m in messages
               if m.string and "%" not in m.string and m.string != m.id
               and any("\u4e00" <= c <= "\u9fff" for c in m.string)}
    return english, chinese


def parts(text: str) -> list[str]:
    """A text node and the pieces a page joins into one (``中级 · 北京``, ``a / b``, ``x: y``)."""
    pieces = re.split(r" · | / | \| |：|: |，|, ", text)
    return [text] + [piece.strip() for piece in pieces if piece.strip() and piece != text]


ASCII_STOP_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff]\.(?:\s|$)")


class Walk:
    """Pages one signed-in role reaches: its main navigation and the ``extra`` paths."""

    def __init__(self, client) -> None:
        self.client = client

    def sign_in(self, email: str) -> None:
        self.client.get("/")  # a fresh session for each role
        self.client.post("/accounts/logout", data={})
        reply = post_form(self.client, "/accounts/login",
                          {"email": email, "password": PASSWORD})
        assert reply.status_code == 302, reply.status_code

    def language(self, code: str) -> None:
        page = self.client.get("/home").get_data(as_text=True)
        reply = self.client.post("/language", data={"lang": code, "next": "/home",
                                                     "csrf_token": csrf_from(page)})
        assert reply.status_code in (302, 303), reply.status_code

    def pages(self, extra: tuple[str, ...]) -> dict[str, str]:
        home = self.client.get("/home").get_data(as_text=True)
        links = [href for href in _nav_links(home) if href.startswith("/")]
        found = {}
        for path in dict.fromkeys(["/home", *links, *extra]):
            reply = self.client.get(path)
            assert reply.status_code == 200, f"{path}: {reply.status_code}"
            found[path] = reply.get_data(as_text=True)
        return found


def _nav_links(html: str) -> list[str]:
    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.hrefs = False, []

        def handle_starttag(self, tag, attrs):
            if tag == "nav" and ("class", "mainnav") in attrs:
                self.inside = True
            elif tag == "a" and self.inside:
                self.hrefs.append(dict(attrs).get("href", ""))

        def handle_endtag(self, tag):
            if tag == "nav":
                self.inside = False

    parser = Links()
    parser.feed(html)
    return parser.hrefs


def test_every_role_sees_its_pages_in_one_language(app, client, tmp_path):
    site = build_site(app, tmp_path)
    with app.app_context():  # a shortlist with the listed trainee on it
        employer = find_user_by_email(site["employer"])
        shortlist = employers.create_shortlist(employer, "Q1 annotators")
        employers.add_to_shortlist(employer, shortlist.public_id, site["profile"])
        shortlist_path = f"/talent/shortlists/{shortlist.public_id}"
    english, chinese = catalogue()
    roles = {
        "trainee@example.org": ("/practice/skills", "/exams/", "/talent/tier"),
        site["employer"]: ("/talent/search", f"/talent/p/{site['profile']}",
                           "/talent/shortlists", shortlist_path, "/talent/tokens"),
        "staff@example.org": (f"/cohorts/{site['cohort']}", f"/cohorts/{site['cohort']}/enrol"),
        "admin@example.org": ("/exams/admin/standards", "/exams/admin/integrity",
                              "/admin/bank/tracks/theory"),
    }
    problems: list[str] = []
    walk = Walk(client)
    for email, extra in roles.items():
        walk.sign_in(email)
        for code in ("zh_CN", "en"):
            walk.language(code)
            for path, html in walk.pages(extra).items():
                for text in visible_texts(html):
                    where = f"{email} {code} {path}: {text!r}"
                    if code == "zh_CN" and ASCII_STOP_AFTER_CHINESE.search(text):
                        problems.append(f"ASCII full stop after Chinese — {where}")
                    for piece in parts(text):
                        if piece in RAW_VALUES:
                            problems.append(f"raw value {piece!r} — {where}")
                        elif code == "zh_CN" and piece in english:
                            problems.append(f"untranslated {piece!r} — {where}")
                        elif code == "en" and piece in chinese:
                            problems.append(f"Chinese label {piece!r} in English — {where}")
    assert not problems, "\n".join(sorted(set(problems)))
