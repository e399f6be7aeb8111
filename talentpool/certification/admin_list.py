"""The administrator's certificate list: search and level filters, pages with the list's total
(never a silent cut-off), and the filtered list as a spreadsheet-safe CSV."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from talentpool.certification.service import certificate_status, certificates_query
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.pagination import Page, page_number, paginate
from talentpool.spreadsheets import to_csv

PER_PAGE = 50
LEVELS = (5, 4, 3, 2, 1)
CSV_COLUMNS = ("serial", "holder_name", "level", "issued_at", "valid_until", "status",
               "revocation_reason", "issuer", "national_number")


@dataclass(frozen=True)
class CertificateFilter:
    """The list's filters as checked values; unknown values are dropped, never an error."""

    q: str = ""
    level: int | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping) -> CertificateFilter:
        level = str(args.get("level") or "")
        return cls(q=str(args.get("q") or "").strip()[:80],
                   level=int(level) if level in {str(n) for n in LEVELS} else None,
                   page=page_number(args.get("page")))

    def as_args(self) -> dict[str, str | int]:
        """The filters for links (pages, export, back after a revocation), without empty ones
        and without the page."""
        return {key: value for key, value in (("q", self.q), ("level", self.level)) if value}


def certificate_page(chosen: CertificateFilter, now: datetime | None = None) -> Page:
    """One page of the filtered certificates as (certificate, status) pairs, with the total."""
    now = now or utcnow()
    page = paginate(certificates_query(chosen.q, chosen.level), chosen.page, PER_PAGE)
    return dataclasses.replace(page, items=[(certificate, certificate_status(certificate, now))
                                            for certificate in page.items])


def certificates_csv(chosen: CertificateFilter, now: datetime | None = None) -> bytes:
    """Every certificate matching the filters (all pages), times in UTC."""
    return to_csv(CSV_COLUMNS, _rows(chosen, now or utcnow()))


def _rows(chosen: CertificateFilter, now: datetime) -> Iterator[tuple]:
    query = certificates_query(chosen.q, chosen.level).execution_options(yield_per=500)
    for certificate in db.session.scalars(query):
        yield (certificate.serial, certificate.holder_name, certificate.level,
               _when(certificate.issued_at), _when(certificate.valid_until),
               certificate_status(certificate, now), certificate.revocation_reason or "",
               certificate.issuer_name, certificate.national_number or "")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
