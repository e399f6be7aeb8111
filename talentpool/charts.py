"""Charts drawn server-side with matplotlib as SVG text (readable without hovering, no JS).

Every SVG chart is an image with a name (``role="img"``, ``aria-label`` and ``<title>``); the
pages show the same numbers as a table under it (``Chart`` and ``templates/_chart.html``).
Time axes are dated in the reader's language and time zone (``talentpool.chart_time``).

Text stays text in the SVG (``svg.fonttype = none``), so the browser renders Chinese labels
with its own fonts. Figures are created per call, never through pyplot's global state, so
concurrent requests do not share a figure. The SVG carries no ``style`` attribute or element:
the Content-Security-Policy forbids inline style, so matplotlib's styling is rewritten as SVG
presentation attributes, which draw the same.
"""

from __future__ import annotations

import html
import io
import re
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Micro Hei",
                                          "DejaVu Sans"]

from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

from talentpool import chart_time  # noqa: E402

INK, MUTED, BRAND, BAND, CUT = "#14212b", "#687884", "#0f5c8c", "#c4def0", "#b3261e"
MIN_DAYS_SHOWN = 7  # a bar chart of fewer days keeps the width of this many, so a bar stays a bar


@dataclass(frozen=True)
class Chart:
    """A chart and the same numbers as a table: ``label`` names both (the SVG's accessible
    name and the table's caption); ``rows`` are formatted cells under ``columns``."""

    svg: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# The properties matplotlib writes; each is also an SVG presentation attribute.
PRESENTATION_ATTRIBUTES = frozenset({
    "clip-path", "fill", "fill-opacity", "fill-rule", "font-family", "font-size", "font-style",
    "font-weight", "opacity", "stroke", "stroke-dasharray", "stroke-dashoffset",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width",
    "text-anchor"})
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
# matplotlib's only rule: ``*{stroke-linejoin: round; stroke-linecap: butt}``. Both properties are
# inherited, so on the root element they reach every shape that does not set its own.
STYLE_ELEMENT = re.compile(r'\s*<style type="text/css">\*\{([^}]*)\}</style>')


def _attributes(declarations: str) -> str:
    pairs = [part.split(":", 1) for part in declarations.split(";") if part.strip()]
    names = {name.strip() for name, _value in pairs}
    if unknown := names - PRESENTATION_ATTRIBUTES:
        raise ValueError(f"matplotlib wrote style properties with no SVG attribute: {unknown}")
    return "".join(f' {name.strip()}="{html.escape(value.strip())}"' for name, value in pairs)


def without_inline_style(svg: str) -> str:
    """Rewrite ``style="…"`` attributes and the ``*{…}`` rule as SVG presentation attributes."""
    rule = STYLE_ELEMENT.search(svg)
    if rule:
        svg = svg[:rule.start()] + svg[rule.end():]
        svg = svg.replace("<svg ", "<svg" + _attributes(html.unescape(rule.group(1))) + " ", 1)
    svg = STYLE_ATTRIBUTE.sub(lambda match: _attributes(html.unescape(match.group(1))), svg)
    if "<style" in svg or " style=" in svg:
        raise ValueError("matplotlib wrote a style the chart cannot carry under the CSP")
    return svg


ID_ATTRIBUTE = re.compile(r' id="([^"]+)"')
ID_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def unique_ids(svg: str) -> str:
    """Drop the ids nothing refers to, and make the others unique to this chart, so several
    charts on one page never share an id (matplotlib numbers ``patch_1``… in every figure)."""
    prefix = "c" + secrets.token_hex(4) + "-"
    used = {name for _kind, name in ID_REFERENCE.findall(svg)}
    svg = ID_ATTRIBUTE.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in used else "",
                           svg)
    return ID_REFERENCE.sub(lambda m: m.group(1) + prefix + m.group(2), svg)


def accessible(svg: str, label: str) -> str:
    """The SVG as an image named ``label``: ``role="img"``, ``aria-label`` and a ``<title>``."""
    name = html.escape(label)
    opening_end = svg.index(">") + 1
    return (svg[:4] + f' role="img" aria-label="{name}"' + svg[4:opening_end]
            + f"<title>{name}</title>" + svg[opening_end:])


def _svg(figure: Figure, label: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Labels are measured with a Latin font when no CJK font is installed; the browser
        # draws the text itself, so a missing glyph here only affects the layout estimate.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return accessible(unique_ids(without_inline_style(text[text.index("<svg"):])), label)


def _axes(width: float, height: float, y_label: str):
    figure = Figure(figsize=(width, height), dpi=96)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(MUTED)
    axes.spines["bottom"].set_color(MUTED)
    axes.tick_params(colors=MUTED, labelsize=9)
    axes.set_ylabel(y_label, color=INK, fontsize=10)
    axes.grid(axis="y", color="#e6ecf0", linewidth=0.8)
    return figure, axes


def _time_axis(axes, axis: chart_time.TimeAxis) -> None:
    """Put the ticks and labels of ``axis`` on the x axis (and the date of an axis of times)."""
    axes.set_xticks(list(axis.ticks), chart_time.tick_labels(axis))
    axes.set_xlim(axis.start, axis.end)
    if note := chart_time.axis_note(axis):
        axes.set_xlabel(note, color=INK, fontsize=9)


def band_chart(x: Sequence[datetime], y: Sequence[float], low: Sequence[float],
               high: Sequence[float], *, label: str, y_label: str, band_label: str,
               line_label: str, y_range=(0, 100), reference: float | None = None,
               reference_label: str = "") -> str:
    """A line with a shaded uncertainty band (e.g. skill ± 1.96 SE) and an optional cut line,
    over stored (UTC) times shown in the reader's time zone."""
    figure, axes = _axes(6.4, 2.6, y_label)
    moments = [chart_time.local(moment) for moment in x]
    axes.fill_between(moments, low, high, color=BAND, alpha=0.8, linewidth=0, label=band_label)
    if len(moments) == 1:  # a band of one point has no width: draw its interval as a bar
        axes.vlines(moments, low, high, color=BAND, alpha=0.8, linewidth=8)
    axes.plot(moments, y, color=BRAND, linewidth=2, marker="o", markersize=3, label=line_label)
    if moments:
        _time_axis(axes, chart_time.time_axis(min(moments), max(moments)))
    if reference is not None:
        axes.axhline(reference, color=CUT, linewidth=1.2, linestyle="--", label=reference_label)
    axes.set_ylim(*y_range)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    return _svg(figure, label)


def line_chart(x: Sequence[float], series: dict[str, Sequence[float]], *, label: str,
               x_label: str, y_label: str) -> str:
    """One or more lines over a numeric x axis (e.g. test information over θ)."""
    figure, axes = _axes(6.4, 2.6, y_label)
    colours = [BRAND, "#17794a", "#8a5a00", CUT]
    for index, (name, values) in enumerate(series.items()):
        axes.plot(x, values, color=colours[index % len(colours)], linewidth=2, label=name)
    axes.set_xlabel(x_label, color=INK, fontsize=10)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)
    return _svg(figure, label)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def _render(figure: Figure, png: bool, label: str) -> str | bytes:
    if not png and not label:
        raise ValueError("an SVG chart needs a label that says what it shows")
    return _png(figure) if png else _svg(figure, label)


def daily_bar_chart(days: Sequence[date], counts: Sequence[int], *, y_label: str,
                    label: str = "", png: bool = False) -> str | bytes:
    """Counts per day as bars (e.g. practice answers per day); PNG bytes when ``png``.

    A bar is 0.8 of a day wide whatever the number of days, and the axis shows at least
    ``MIN_DAYS_SHOWN`` days, so one day of data is one bar of ordinary width, centred.
    """
    figure, axes = _axes(6.4, 2.4, y_label)
    days = list(days)
    axes.bar([datetime.combine(day, chart_time.NOON) for day in days], counts, color=BRAND,
             width=0.8)
    if days:
        first, last = min(days), max(days)
        axis = chart_time.time_axis(datetime.combine(first, time.min),
                                    datetime.combine(last, time.min), max_ticks=7,
                                    finest=chart_time.DAY)
        missing = MIN_DAYS_SHOWN - ((last - first).days + 1)
        if missing > 0:
            axis = chart_time.TimeAxis(axis.unit, axis.ticks,
                                       axis.start - timedelta(days=missing // 2),
                                       axis.end + timedelta(days=missing - missing // 2))
        _time_axis(axes, axis)
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _render(figure, png, label)


def interval_chart(labels: Sequence[str], values: Sequence[float], low: Sequence[float],
                   high: Sequence[float], *, x_label: str, label: str = "",
                   reference: float | None = None, reference_label: str = "",
                   png: bool = False) -> str | bytes:
    """One row per label: a point with its interval (e.g. skill ± 1.96 SE), values written out."""
    figure = Figure(figsize=(6.4, 1.1 + 0.5 * max(1, len(labels))), dpi=96)
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=MUTED, labelsize=9)
    rows = list(range(len(labels)))[::-1]
    for row, value, lo, hi in zip(rows, values, low, high):
        axes.plot([lo, hi], [row, row], color=BAND, linewidth=7, solid_capstyle="round")
        axes.plot([value], [row], "o", color=BRAND, markersize=6)
        axes.annotate(f"{value:.0f}", (value, row), xytext=(0, 7), textcoords="offset points",
                      ha="center", fontsize=8, color=INK)
    if reference is not None:
        axes.axvline(reference, color=CUT, linewidth=1.2, linestyle="--")
        axes.annotate(reference_label, (reference, rows[0] if rows else 0), xytext=(4, 10),
                      textcoords="offset points", fontsize=8, color=CUT)
    axes.set_yticks(rows, list(labels))
    axes.set_xlim(0, 100)
    axes.set_ylim(-0.7, len(labels) - 0.3)
    axes.set_xlabel(x_label, color=INK, fontsize=10)
    axes.grid(axis="x", color="#e6ecf0", linewidth=0.8)
    return _render(figure, png, label)
