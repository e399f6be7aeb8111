"""The national certificate number (证书编号), recorded when the authority assigns it.

Results are reported through the provincial system; after review the authority assigns each
certificate a national number, and the certificate can then be looked up nationally. An
administrator records the number on one certificate, or imports the authority's list (CSV:
ID number, level, national number), matched to a valid certificate by the holder's identity
number and level. The number is public, as on the national lookup.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from talentpool.certification.identity import normalise_id_number
from talentpool.certification.levels import parse_level
from talentpool.certification.models import Certificate, HolderIdentity
from talentpool.certification.service import (
    VALID, CertificationError, certificate_status, find_certificate,
)
from talentpool.cohorts.roster import RosterError, RowProblem, decode, header_key
from talentpool import field_crypto
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.audit import record as audit

# Only the shape is checked: one capital letter and 21 digits. The structure inside (Y/S, the
# 4-digit organisation code, province, site, year, level digit, serial) is not checked, since
# the authority assigns the number and its parts are not published as a standard.
NATIONAL_NUMBER = re.compile(r"[A-Z][0-9]{21}")
MAX_ROWS = 5000
HEADER_NAMES = {
    "id_number": {"idnumber", "idno", "id", "identitynumber", "idcardnumber", "证件号码", "证件号",
                  "身份证号", "身份证号码", "身份证件号码"},
    "level": {"level", "skilllevel", "职业技能等级", "技能等级", "等级", "级别"},
    "national_number": {"nationalnumber", "nationalcertificatenumber", "nationalcertificateno",
                        "certificatenumber", "certificateno", "证书编号", "全国证书编号", "证书号",
                        "证书号码"},
}


def normalise_national_number(text: str) -> str:
    """Half-width, without spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text or "")).upper()


def national_number_problem(number: str) -> str | None:
    """A translated reason when ``number`` (normalised) is not one letter and 21 digits."""
    if NATIONAL_NUMBER.fullmatch(number):
        return None
    return _("%(number)s is not a national certificate number (one capital letter and 21 "
             "digits).", number=number[:40] or "—")


def _holder_of(number: str, certificate: Certificate) -> Certificate | None:
    """Another certificate that already carries ``number``, or None."""
    return db.session.scalar(select(Certificate).where(
        Certificate.national_number == number, Certificate.id != certificate.id))


def _commit_numbers() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same number was recorded elsewhere at the same moment
        db.session.rollback()
        raise CertificationError(_("Another certificate received one of these national numbers "
                                   "at the same moment. Nothing was stored; try again.")) from None


def record_national_number(serial: str, number: str, actor=None) -> Certificate:
    """Record (or correct) the national number of one certificate. Commits."""
    certificate = find_certificate(serial)
    if certificate is None:
        raise CertificationError(_("No certificate has the serial %(serial)s.",
                                   serial=(serial or "")[:80]))
    number = normalise_national_number(number)
    problem = national_number_problem(number)
    if problem:
        raise CertificationError(problem)
    other = _holder_of(number, certificate)
    if other is not None:
        raise CertificationError(_("National number %(number)s already belongs to certificate "
                                   "%(serial)s.", number=number, serial=other.serial))
    audit(certificate.organisation_id, actor, "certificate.national_number", certificate.serial,
          {"national_number": certificate.national_number}, {"national_number": number})
    certificate.national_number = number
    _commit_numbers()
    return certificate


@dataclass(frozen=True)
class RecordedNumber:
    line: int
    serial: str
    national_number: str


@dataclass
class NationalImport:
    """What an import stored, what was already there, and every other row with its reason."""

    encoding: str
    stored: list[RecordedNumber] = field(default_factory=list)
    unchanged: list[RecordedNumber] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def _table(data: bytes) -> tuple[str, list[list[str]]]:
    try:
        text, encoding = decode(data)
    except RosterError as error:
        raise CertificationError(str(error)) from None
    if not text.strip():
        raise CertificationError(_("The file is empty."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t，")
    except csv.Error:
        dialect = csv.excel
    return encoding, list(csv.reader(io.StringIO(text), dialect))


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


def _valid_certificates(id_number: str, level: int) -> list[Certificate]:
    now = utcnow()
    return [c for c in db.session.scalars(
        select(Certificate).join(HolderIdentity, HolderIdentity.user_id == Certificate.user_id)
        .where(HolderIdentity.id_number_index.in_(
            field_crypto.blind_indexes(id_number, HolderIdentity.SEALED_COLUMN)),
            Certificate.level == level)
        .order_by(Certificate.id)) if certificate_status(c, now) == VALID]


class _Rows:
    """Checks the rows of one import against the register and against each other."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.certificates: dict[int, int] = {}

    def check(self, line: int, id_number: str, level_text: str,
              number: str) -> tuple[str | None, Certificate | None]:
        level = parse_level(level_text)
        if not id_number:
            return _("The ID number is missing."), None
        if level is None:
            return _("%(level)s is not a level (1 to 5).", level=level_text[:20] or "—"), None
        problem = national_number_problem(number)
        if problem:
            return problem, None
        if number in self.numbers:
            return _("Duplicate of line %(line)d (same national number).",
                     line=self.numbers[number]), None
        found = _valid_certificates(id_number, level)
        if not found:
            return _("No valid level %(level)d certificate belongs to ID number %(id)s.",
                     level=level, id=id_number), None
        if len(found) > 1:
            return _("Several valid level %(level)d certificates belong to ID number %(id)s; "
                     "record the number on the right certificate's page.",
                     level=level, id=id_number), None
        certificate = found[0]
        if certificate.id in self.certificates:
            return _("Duplicate of line %(line)d (same certificate).",
                     line=self.certificates[certificate.id]), None
        if certificate.national_number not in (None, number):
            return _("Certificate %(serial)s already has national number %(number)s.",
                     serial=certificate.serial, number=certificate.national_number), None
        other = _holder_of(number, certificate)
        if other is not None:
            return _("National number %(number)s already belongs to certificate %(serial)s.",
                     number=number, serial=other.serial), None
        self.numbers[number], self.certificates[certificate.id] = line, line
        return None, certificate


def import_national_numbers(data: bytes, actor=None) -> NationalImport:
    """Record the national numbers of a CSV list (ID number, level, national number; Chinese or
    English headers; UTF-8 or GBK). Each bad row is reported with its line and reason and
    changes nothing; the good rows are stored in one commit."""
    encoding, records = _table(data)
    columns, ignored = _columns(records[0])
    if set(HEADER_NAMES) - set(columns):
        raise CertificationError(_("The first line must name the columns: ID number (证件号码), "
                                   "level (职业技能等级) and national number (证书编号)."))
    if len(records) - 1 > MAX_ROWS:
        raise CertificationError(_("At most %(max)d rows per upload.", max=MAX_ROWS))
    report, rows = NationalImport(encoding=encoding, ignored_columns=ignored), _Rows()

    def cell(record: list[str], name: str) -> str:
        index = columns[name]
        return record[index].strip() if index < len(record) else ""

    for line, record in enumerate(records[1:], start=2):
        if not any(value.strip() for value in record):
            continue
        number = normalise_national_number(cell(record, "national_number"))
        problem, certificate = rows.check(line, normalise_id_number(cell(record, "id_number")),
                                          cell(record, "level"), number)
        if problem:
            report.problems.append(RowProblem(line, ", ".join(record)[:120], problem))
            continue
        recorded = RecordedNumber(line, certificate.serial, number)
        if certificate.national_number == number:
            report.unchanged.append(recorded)
        else:
            audit(certificate.organisation_id, actor, "certificate.national_number",
                  certificate.serial, {"national_number": certificate.national_number},
                  {"national_number": number, "import_line": line})
            certificate.national_number = number
            report.stored.append(recorded)
    if report.stored:
        _commit_numbers()
    return report
