"""Charts carry no inline style (the CSP forbids it), keep every property matplotlib set, and
are images with a name."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from matplotlib.figure import Figure

from talentpool import charts

DAYS = [date(2026, 3, day) for day in (1, 2, 3, 5, 8)]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def babel_context():
    """A request of a bare app with Flask-Babel: charts label their axes through it."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context(), force_locale("en"):
        yield


def every_chart() -> list[str]:
    moments = [datetime.combine(day, datetime.min.time()) for day in DAYS]
    return [
        charts.band_chart(moments, [40, 45, 50, 52, 60], [30, 36, 42, 45, 53],
                          [50, 54, 58, 59, 67], label="Skill over time", y_label="技能",
                          band_label="95%", line_label="skill", reference=55,
                          reference_label="cut"),
        charts.line_chart([-2, 0, 2], {"A": [0.2, 1.0, 0.3], "B": [0.1, 0.5, 0.9]},
                          label="Test information", x_label="θ", y_label="information"),
        charts.daily_bar_chart(DAYS, [3, 0, 5, 1, 2], y_label="answers",
                               label="Answers per day"),
        charts.interval_chart(["标注", "ranking"], [48, 71], [40, 60], [56, 82], x_label="skill",
                              label="Skill <per> track", reference=60, reference_label="cut"),
    ]


@pytest.mark.parametrize("index", range(4))
def test_charts_have_no_style_attribute_or_element(babel_context, index):
    svg = every_chart()[index]
    root = ET.fromstring(svg)
    assert not [node for node in root.iter() if "style" in node.attrib]
    assert not [node for node in root.iter() if node.tag.endswith("}style")]
    assert root.get("stroke-linejoin") == "round" and root.get("stroke-linecap") == "butt"


@pytest.mark.parametrize("index", range(4))
def test_every_chart_is_an_image_named_by_its_label(babel_context, index):
    root = ET.fromstring(every_chart()[index])
    label = ["Skill over time", "Test information", "Answers per day", "Skill <per> track"][index]
    assert root.get("role") == "img" and root.get("aria-label") == label
    assert root[0].tag == f"{SVG}title" and root[0].text == label


def test_an_svg_chart_without_a_label_is_refused(babel_context):
    with pytest.raises(ValueError, match="label"):
        charts.daily_bar_chart(DAYS, [1, 2, 3, 4, 5], y_label="answers")
    assert charts.daily_bar_chart(DAYS, [1, 2, 3, 4, 5], y_label="answers",
                                  png=True).startswith(b"\x89PNG")


def declarations(style: str) -> dict[str, str]:
    pairs = [part.split(":", 1) for part in style.split(";") if part.strip()]
    return {name.strip(): value.strip() for name, value in pairs}


def test_every_style_declaration_becomes_the_same_attribute():
    figure = Figure(figsize=(3, 2))
    axes = figure.add_subplot()
    axes.fill_between([0, 1, 2], [0, 1, 0], [1, 2, 1], alpha=0.5, label="band")
    axes.plot([0, 1, 2], [1, 0, 2], "o--", label="line")
    axes.set_ylabel("skill")
    axes.legend()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    raw = buffer.getvalue()
    raw = raw[raw.index("<svg"):]
    assert "<style" in raw and ' style="' in raw  # the input has what the CSP forbids
    before, after = ET.fromstring(raw), ET.fromstring(charts.without_inline_style(raw))
    old_nodes = [node for node in before.iter() if not node.tag.endswith("}style")]
    new_nodes = list(after.iter())
    assert [node.tag for node in old_nodes] == [node.tag for node in new_nodes]
    assert [(node.text or "").strip() for node in old_nodes] == [
        (node.text or "").strip() for node in new_nodes]
    styled = 0
    for old, new in zip(old_nodes, new_nodes):
        expected = {key: value for key, value in old.attrib.items() if key != "style"}
        expected |= declarations(old.get("style", ""))
        if old is before:
            expected |= {"stroke-linejoin": "round", "stroke-linecap": "butt"}
        styled += "style" in old.attrib
        assert new.attrib == expected
    assert styled > 10


def test_a_property_with_no_svg_attribute_is_refused():
    with pytest.raises(ValueError, match="mix-blend-mode"):
        charts.without_inline_style(
            '<svg><path style="fill: red; mix-blend-mode: multiply"/></svg>')


def test_charts_share_no_id_and_every_reference_resolves(babel_context):
    svgs = every_chart() + every_chart()
    seen: list[str] = []
    for svg in svgs:
        root = ET.fromstring(svg)
        ids = [node.get("id") for node in root.iter() if node.get("id")]
        references = re.findall(r'(?:url\(#|href="#)([^)"]+)', svg)
        assert references and set(references) == set(ids)  # only referenced ids are left
        seen += ids
    assert len(seen) == len(set(seen))
