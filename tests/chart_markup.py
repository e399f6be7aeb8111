"""Read the charts of a rendered page: each SVG's role and name, and the table under it."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class ChartMarkup:
    role: str | None
    label: str | None
    title: str = ""
    caption: str = ""
    headers: int = 0
    rows: int = 0


class _Charts(HTMLParser):
    """Charts are SVGs inside ``figure.chart``; the ``details.chart-data`` after each holds its
    table."""

    def __init__(self):
        super().__init__()
        self.charts: list[ChartMarkup] = []
        self.in_figure = self.in_details = False
        self.reading: str | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "figure" and "chart" in classes:
            self.in_figure = True
        elif tag == "svg" and self.in_figure and "meter" not in classes:
            self.charts.append(ChartMarkup(found.get("role"), found.get("aria-label")))
        elif tag == "details" and "chart-data" in classes:
            self.in_details = True
        elif tag in ("title", "caption") and self.charts:
            self.reading = tag
        elif tag == "th" and self.in_details and found.get("scope") == "col":
            self.charts[-1].headers += 1
        elif tag == "tr" and self.in_details:
            self.charts[-1].rows += 1

    def handle_endtag(self, tag):
        if tag == "figure":
            self.in_figure = False
        elif tag == "details":
            self.in_details = False
        if tag == self.reading:
            self.reading = None

    def handle_data(self, data):
        if self.reading == "title" and self.in_figure and not self.charts[-1].title:
            self.charts[-1].title = data
        elif self.reading == "caption" and self.in_details:
            self.charts[-1].caption += data


def charts_of(html: str) -> list[ChartMarkup]:
    """Every chart of the page with what its markup says."""
    parser = _Charts()
    parser.feed(html)
    return parser.charts


def assert_accessible_charts(html: str, count: int) -> list[ChartMarkup]:
    """``count`` charts, each an image named by its label, with a table captioned the same,
    a header row and at least one row of numbers."""
    found = charts_of(html)
    assert len(found) == count, found
    for chart in found:
        assert chart.role == "img" and chart.label, chart
        assert chart.title == chart.label == chart.caption, chart
        assert chart.headers >= 2 and chart.rows >= 2, chart  # the header row and data
    return found
