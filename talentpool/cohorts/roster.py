"""Reading a roster upload: encoding, header names in Chinese or English, row checks.

The file may be UTF-8 (with or without a BOM), UTF-16 with a BOM, or GBK/GB18030 as Excel
on a Chinese Windows saves it. UTF-8 is tried first because a GBK decoder accepts many
UTF-8 byte sequences as wrong characters, while GBK text is almost never valid UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from talentpool.accounts.service import email_problem, normalise_email

MAX_ROWS = 2000
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
HEADER_NAMES = {
    "name": {"name", "fullname", "displayname", "trainee", "姓名", "名字", "学员", "学员姓名"},
    "email": {"email", "e-mail", "mail", "emailaddress", "邮箱", "电子邮箱", "电子邮件", "邮件",
              "邮箱地址"},
    "phone": {"phone", "mobile", "telephone", "phonenumber", "手机", "手机号", "手机号码", "电话",
              "联系电话"},
    "region": {"region", "province", "city", "area", "地区", "省份", "城市", "所在地", "所在地区",
               "地域"},
}


class RosterError(ValueError):
    """The whole file is unreadable; ``str(error)`` says why."""


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    email: str
    phone: str | None
    region: str | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    text: str
    reason: str


@dataclass
class Roster:
    encoding: str
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text of the upload and the encoding it was read in, or RosterError."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text, encoding
    raise RosterError(_("The file is not readable text. Save it as CSV in UTF-8 or GBK "
                        "(in Excel: File → Save as → CSV UTF-8)."))


def header_key(header: str) -> str:
    """A header name without case, spaces, dashes or brackets ("E-mail " → "email")."""
    return re.sub(r"[\s_\-:：（）()]", "", header.lstrip("\ufeff").lower())


def _columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    wanted = {header_key(n): column for column, names in HEADER_NAMES.items() for n in names}
    found: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        column = wanted.get(header_key(title))
        if column and column not in found:
            found[column] = index
        elif title.strip():
            ignored.append(title.strip())
    return found, ignored


def parse(data: bytes) -> Roster:
    """Rows ready to enrol and the problem of every other row (line numbers as in the file)."""
    text, encoding = decode(data)
    if not text.strip():
        raise RosterError(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t，")
    except csv.Error:
        dialect = csv.excel
    records = list(csv.reader(io.StringIO(text), dialect))
    columns, ignored = _columns(records[0])
    if "name" not in columns or "email" not in columns:
        raise RosterError(_("The first line must name the columns; a name column (姓名 or name) "
                            "and an e-mail column (邮箱 or email) are required."))
    if len(records) - 1 > MAX_ROWS:
        raise RosterError(_("At most %(max)d rows per upload.", max=MAX_ROWS))
    roster = Roster(encoding=encoding, ignored_columns=ignored)
    seen: dict[str, int] = {}
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        problem, row = _check(line, record, columns, seen)
        if problem:
            roster.problems.append(RowProblem(line, ", ".join(record)[:120], problem))
        else:
            seen[row.email] = line
            roster.rows.append(row)
    return roster


def _cell(record: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return record[index].strip() if index is not None and index < len(record) else ""


def _check(line: int, record: list[str], columns: dict[str, int],
           seen: dict[str, int]) -> tuple[str | None, RosterRow | None]:
    name = _cell(record, columns, "name")
    email = normalise_email(_cell(record, columns, "email"))
    phone = _cell(record, columns, "phone") or None
    region = _cell(record, columns, "region") or None
    if "\ufffd" in name:
        return _("The name contains unreadable characters (wrong encoding)."), None
    if not name or len(name) > 80:
        return _("The name is missing or longer than 80 characters."), None
    if not email:
        return _("The e-mail address is missing."), None
    if email_problem(email):
        return _("%(email)s is not a valid e-mail address.", email=email), None
    if email in seen:
        return _("Duplicate of line %(line)d (same e-mail address).", line=seen[email]), None
    if phone and not PHONE_PATTERN.match(phone):
        return _("%(phone)s is not a phone number.", phone=phone), None
    if region and len(region) > 64:
        return _("The region is longer than 64 characters."), None
    return None, RosterRow(line, name, email, phone, region)
