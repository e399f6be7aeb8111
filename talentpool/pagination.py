"""Long lists shown a page at a time, always with their total (never a silent cut-off).

Shared by every domain's lists (DESIGN: shared helpers live at the top level). The total is one
``COUNT(*)`` over the same filtered statement, so the number on the page and the rows behind
the pages always agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from talentpool.extensions import db

PER_PAGE = 50
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, where it is, and how many rows the whole list has."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when it is empty)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first(self) -> int:
        """Position (from 1) of the page's first row in the list; 0 for an empty list."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """Position of the page's last row in the list; 0 for an empty list."""
        return self.first + len(self.items) - 1 if self.items else 0


def page_number(value: object) -> int:
    """The page asked for in a query string: a whole number from 1, anything else is page 1."""
    try:
        number = int(str(value or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(statement: Select, number: int, per_page: int = PER_PAGE,
             scalars: bool = True) -> Page:
    """The ``number``-th page of ``statement`` (which must be ordered) and the list's total.
    A page past the end shows the last page, so a list that shrank never shows an empty page
    while it still has rows. ``scalars=False`` keeps rows of several columns as tuples."""
    total = db.session.scalar(select(func.count()).select_from(
        statement.order_by(None).subquery())) or 0
    number = min(max(number, 1), max(1, math.ceil(total / per_page)))
    paged = statement.offset((number - 1) * per_page).limit(per_page)
    rows = db.session.scalars(paged) if scalars else db.session.execute(paged)
    return Page(list(rows), number, per_page, total)
