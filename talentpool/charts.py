"""Charts drawn server-side with matplotlib as SVG text (readable without hovering, no JS).

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
import warnings
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["font.sans-serif"] = ["Noto Sans CJK SC", "WenQuanYi Micro Hei",
                                          "DejaVu Sans"]

from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402  (after the backend is chosen)

INK, MUTED, BRAND, BAND, CUT = "#14212b", "#687884", "#0f5c8c", "#c4def0", "#b3261e"


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


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Labels are measured with a Latin font when no CJK font is installed; the browser
        # draws the text itself, so a missing glyph here only affects the layout estimate.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return without_inline_style(text[text.index("<svg"):])


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


def band_chart(x: Sequence, y: Sequence[float], low: Sequence[float], high: Sequence[float], *,
               y_label: str, band_label: str, line_label: str, y_range=(0, 100),
               reference: float | None = None, reference_label: str = "") -> str:
    """A line with a shaded uncertainty band (e.g. skill ± 1.96 SE) and an optional cut line."""
    figure, axes = _axes(6.4, 2.6, y_label)
    steps = list(x)
    if steps and hasattr(steps[0], "year"):
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.fill_between(steps, low, high, color=BAND, alpha=0.8, linewidth=0, label=band_label)
    axes.plot(steps, y, color=BRAND, linewidth=2, marker="o", markersize=3, label=line_label)
    if reference is not None:
        axes.axhline(reference, color=CUT, linewidth=1.2, linestyle="--", label=reference_label)
    axes.set_ylim(*y_range)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    return _svg(figure)


def line_chart(x: Sequence[float], series: dict[str, Sequence[float]], *, x_label: str,
               y_label: str) -> str:
    """One or more lines over a numeric x axis (e.g. test information over θ)."""
    figure, axes = _axes(6.4, 2.6, y_label)
    colours = [BRAND, "#17794a", "#8a5a00", CUT]
    for index, (label, values) in enumerate(series.items()):
        axes.plot(x, values, color=colours[index % len(colours)], linewidth=2, label=label)
    axes.set_xlabel(x_label, color=INK, fontsize=10)
    if len(series) > 1:
        axes.legend(fontsize=8, frameon=False)
    return _svg(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def _render(figure: Figure, png: bool) -> str | bytes:
    return _png(figure) if png else _svg(figure)


def daily_bar_chart(days: Sequence, counts: Sequence[int], *, y_label: str,
                    png: bool = False) -> str | bytes:
    """Counts per day as bars (e.g. practice answers per day); PNG bytes when ``png``."""
    figure, axes = _axes(6.4, 2.4, y_label)
    days = list(days)
    axes.bar(days, counts, color=BRAND, width=0.8)
    if days:
        locator = AutoDateLocator(maxticks=8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    return _render(figure, png)


def interval_chart(labels: Sequence[str], values: Sequence[float], low: Sequence[float],
                   high: Sequence[float], *, x_label: str, reference: float | None = None,
                   reference_label: str = "", png: bool = False) -> str | bytes:
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
    return _render(figure, png)
