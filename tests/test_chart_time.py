"""Time axes: the tick unit follows the span, labels are dates in the reader's language (never
seconds, never twice the same), and a daily bar chart of one day has one ordinary bar."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from talentpool import chart_time, charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def request_context():
    """A request of a bare app with Flask-Babel (UTC, like the app's default)."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def labels(first: datetime, last: datetime, locale: str, **options) -> tuple[str, list[str]]:
    axis = chart_time.time_axis(first, last, **options)
    with force_locale(locale):
        return axis.unit, chart_time.tick_labels(axis)


def test_one_day_of_answers_is_labelled_with_times_and_the_date(request_context):
    first, last = datetime(2026, 12, 1, 9, 13, 20), datetime(2026, 12, 1, 9, 33, 5)
    axis = chart_time.time_axis(first, last)
    for locale, date_text in (("zh_CN", "2026年12月1日"), ("en", "1 Dec 2026")):
        with force_locale(locale):
            assert chart_time.tick_labels(axis) == ["09:10", "09:15", "09:20", "09:25", "09:30",
                                                    "09:35"]
            assert chart_time.axis_note(axis) == date_text
    assert axis.start <= first and last <= axis.end


def test_a_single_estimate_gets_a_few_minutes_either_side(request_context):
    moment = datetime(2026, 12, 1, 9, 13)
    unit, texts = labels(moment, moment, "en")
    assert unit == "time" and 2 <= len(texts) <= 6 and "09:12" in texts


def test_an_evening_across_midnight_names_the_new_day(request_context):
    first, last = datetime(2026, 12, 1, 23, 41), datetime(2026, 12, 2, 0, 9)
    assert labels(first, last, "en") == ("time", ["23:40", "23:50", "2 Dec", "00:10"])
    assert labels(first, last, "zh_CN")[1][2] == "12月2日"
    # a day apart is two days, not times
    assert labels(datetime(2026, 12, 1, 9), datetime(2026, 12, 2, 8), "en")[0] == "day"


def test_days_in_each_language(request_context):
    first, last = datetime(2026, 12, 1, 9), datetime(2026, 12, 3, 18)
    assert labels(first, last, "zh_CN") == ("day", ["12月1日", "12月2日", "12月3日"])
    assert labels(first, last, "en") == ("day", ["1 Dec", "2 Dec", "3 Dec"])


def test_days_across_new_year_carry_the_year(request_context):
    unit, texts = labels(datetime(2026, 12, 30), datetime(2027, 1, 2), "en")
    assert (unit, texts) == ("day", ["30 Dec 2026", "31 Dec 2026", "1 Jan 2027", "2 Jan 2027"])
    assert labels(datetime(2026, 12, 30), datetime(2027, 1, 2), "zh_CN")[1][2] == "2027年1月1日"


def test_many_months_are_labelled_by_month_and_year(request_context):
    first, last = datetime(2026, 9, 25), datetime(2027, 2, 24)
    assert labels(first, last, "zh_CN") == (
        "month", ["2026年10月", "2026年11月", "2026年12月", "2027年1月", "2027年2月"])
    assert labels(first, last, "en") == (
        "month", ["Oct 2026", "Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027"])
    unit, texts = labels(datetime(2025, 9, 25), datetime(2027, 9, 24), "en")
    assert (unit, texts) == ("month", ["Jan 2026", "Jul 2026", "Jan 2027", "Jul 2027"])


def test_decades_are_labelled_by_year(request_context):
    assert labels(datetime(2011, 3, 1), datetime(2027, 9, 24), "zh_CN") == (
        "year", ["2015年", "2020年", "2025年"])


SPANS = [timedelta(0), timedelta(seconds=40), timedelta(minutes=7), timedelta(hours=3),
         timedelta(hours=14), timedelta(days=1), timedelta(days=5), timedelta(days=13),
         timedelta(days=40), timedelta(days=84), timedelta(days=85), timedelta(days=200),
         timedelta(days=800), timedelta(days=2300), timedelta(days=9000)]


@pytest.mark.parametrize("span", SPANS, ids=str)
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_span_gets_a_few_distinct_labels_and_no_seconds(request_context, span, locale):
    first = datetime(2026, 11, 28, 7, 41, 13)
    axis = chart_time.time_axis(first, first + span)
    with force_locale(locale):
        texts = chart_time.tick_labels(axis)
    assert 1 <= len(texts) <= 6
    assert len(set(texts)) == len(texts), texts
    assert all(axis.start <= tick <= axis.end for tick in axis.ticks)
    assert axis.start <= first and first + span <= axis.end
    assert not any(re.search(r"\d:\d\d:\d\d|\.\d", text) for text in texts), texts
    assert not any(re.search(r"[A-Za-z]", text) for text in texts) or locale == "en"


def test_a_day_unit_can_be_asked_for_one_day(request_context):
    assert labels(datetime(2026, 12, 1), datetime(2026, 12, 1), "en", finest="day") == (
        "day", ["1 Dec"])


def test_times_are_shown_in_the_readers_time_zone():
    """20:00 and 01:00 UTC fall on one day in Shanghai: the chart shows times of 1 December."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"
    Babel(app)
    with app.test_request_context(), force_locale("en"):
        svg = charts.band_chart([datetime(2026, 11, 30, 20), datetime(2026, 12, 1, 1)],
                                [50, 55], [40, 45], [60, 65], label="skill", y_label="skill",
                                band_label="95%", line_label="estimate")
    texts = [node.text for node in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "1 Dec 2026" in texts and "04:00" in texts and "30 Nov" not in texts


def bars(svg: str) -> tuple[float, list[tuple[float, float]]]:
    """The axes' width and each bar's (width, height) in an SVG bar chart."""
    boxes = []
    for node in ET.fromstring(svg).iter(f"{SVG}path"):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", node.get("d", ""))]
        if len(numbers) == 8:
            xs, ys = numbers[0::2], numbers[1::2]
            boxes.append((node.get("fill"), max(xs) - min(xs), max(ys) - min(ys)))
    axes_width = next(width for fill, width, _h in boxes if fill == "#ffffff" and width < max(
        w for _f, w, _h in boxes))
    return axes_width, [(width, height) for fill, width, height in boxes if fill == charts.BRAND]


def test_one_day_of_practice_is_one_bar_of_ordinary_width(request_context):
    with force_locale("en"):
        one = charts.daily_bar_chart([date(2026, 12, 1)], [12], y_label="answers", label="a")
        three = charts.daily_bar_chart([date(2026, 12, d) for d in (1, 2, 3)], [4, 8, 2],
                                       y_label="answers", label="a")
        month = charts.daily_bar_chart([date(2026, 11, 1) + timedelta(days=n) for n in range(30)],
                                       [n % 5 + 1 for n in range(30)], y_label="answers",
                                       label="a")
    width, [(bar, _height)] = bars(one)
    assert bar / width == pytest.approx(0.8 / charts.MIN_DAYS_SHOWN, rel=0.01)  # not the width
    width, three_bars = bars(three)
    assert [round(w / width, 3) for w, _h in three_bars] == [round(0.8 / 7, 3)] * 3
    heights = [h for _w, h in three_bars]
    assert heights[0] / heights[1] == pytest.approx(0.5) and heights[2] / heights[1] == (
        pytest.approx(0.25))
    width, month_bars = bars(month)
    assert len(month_bars) == 30 and month_bars[0][0] / width == pytest.approx(0.8 / 30, rel=0.01)
    texts = [node.text for node in ET.fromstring(one).iter(f"{SVG}text")]
    assert "1 Dec" in texts
