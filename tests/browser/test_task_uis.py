"""Each labeling UI, mounted on a harness page, used like a person would, scored and fed back.

The harness page (tests/browser/harness/) lays out the practice page's contract: the task
template inside ``.task-ui``, the spec and assets as JSON, common.js and the type's module.
The answer a test produces is scored in Python and the feedback drawn back on the task.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from pathlib import Path

import pytest
from flask import render_template, request, send_file, session
from jinja2 import ChoiceLoader, FileSystemLoader

from talentpool.scoring import categorize, get_scorer
from tests.browser.conftest import wait_until
from tests.browser.task_examples import OCR_IMAGE, make_ocr_transcription
from talentpool.scoring import get_scorer
from tests.scoring.examples import (
    EXAMPLES, make_bbox_review, make_named_bbox, make_named_bbox_review,
)

HARNESS = Path(__file__).resolve().parent / "harness"
SAMPLES = {**EXAMPLES, "bbox_review": make_bbox_review, "ocr": make_ocr_transcription,
           "named_bbox": make_named_bbox, "named_bbox_review": make_named_bbox_review}
TYPE_OF_SAMPLE = {"bbox_review": "review", "ocr": "transcription", "named_bbox": "bbox",
                  "named_bbox_review": "review"}
IMAGE_PATH = "exams/detection/assets/street-001.png"
AUDIO_PATH = "exams/speech/assets/weather-003.ogg"


def tone_wav(seconds: float = 12.0, rate: int = 8000) -> bytes:
    """A quiet 440 Hz tone: a real audio file for the transcription player."""
    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
                      for i in range(int(seconds * rate)))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()


def localised(value, locale: str) -> str:
    """The page's ``text()`` helper: a string, or the {zh, en} entry for the locale."""
    if isinstance(value, dict):
        first, second = ("zh", "en") if locale.startswith("zh") else ("en", "zh")
        return value.get(first) or value.get(second) or ""
    return value or ""


def register_harness(app) -> None:
    """Add /_harness/<sample> (the task page's contract) and its two assets to ``app``."""
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(HARNESS)])
    audio = tone_wav()

    def harness_page(sample: str):
        """Render one sample item the way the practice page does."""
        locale = request.args.get("lang", "en")
        session["lang"] = locale
        spec, _gold = SAMPLES[sample]()
        type_id = TYPE_OF_SAMPLE.get(sample, sample)
        assets = {IMAGE_PATH: "/_harness/assets/scene.svg", AUDIO_PATH: "/_harness/assets/tone.wav",
                  OCR_IMAGE: "/_harness/assets/sign.svg"}
        return render_template("harness_page.html", type_id=type_id, spec=spec, assets=assets,
                               locale=locale, prompt=f"Sample {sample}",
                               text=lambda value: localised(value, locale))

    def harness_asset(name: str):
        """The scene image, the sign, the audio clip and the page's script."""
        if name == "tone.wav":
            return send_file(io.BytesIO(audio), mimetype="audio/wav")
        if name == "harness.js":
            return send_file(HARNESS / name, mimetype="text/javascript")
        return send_file(HARNESS / ("sign.svg" if name == "sign.svg" else "scene.svg"),
                         mimetype="image/svg+xml")

    app.add_url_rule("/_harness/<sample>", "harness_page", harness_page)
    app.add_url_rule("/_harness/assets/<name>", "harness_asset", harness_asset)


class Harness:
    """Open a sample, read the answer, score it in Python and show the feedback."""

    def __init__(self, base_url: str, page):
        self.base_url = base_url
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, sample: str, lang: str = "en") -> None:
        self.sample = sample
        self.page.goto(f"{self.base_url}/_harness/{sample}?lang={lang}")
        wait_until(self.page, "window.__mounted === true")

    def answer(self):
        return self.page.evaluate("window.__ctl.getAnswer()")

    def score(self, answer):
        spec, gold = SAMPLES[self.sample]()
        scorer = get_scorer(TYPE_OF_SAMPLE.get(self.sample, self.sample))
        return scorer, scorer.score(spec, gold, answer)

    def submit(self):
        """getAnswer → score in Python → showFeedback, as practice.js does."""
        answer = self.answer()
        scorer, result = self.score(answer)
        thresholds = list(scorer.default_thresholds)
        data = {"score": result.value, "category": categorize(result.value, thresholds),
                "max_category": len(thresholds), "feedback": result.feedback}
        self.page.evaluate("(data) => window.__ctl.showFeedback(data.feedback, data)", data)
        return answer, result

    def reset(self) -> None:
        self.page.evaluate("window.__ctl.reset()")

    def task(self):
        return self.page.locator("#task .task-ui")


@pytest.fixture
def harness(live_app, live_server, page):
    register_harness(live_app)
    helper = Harness(live_server, page)
    yield helper
    assert helper.errors == [], f"JavaScript errors: {helper.errors}"


# ---- single_choice / multi_choice


def test_single_choice_by_key_and_click(harness):
    harness.open("single_choice")
    ui = harness.task()
    harness.page.keyboard.press("1")
    assert harness.answer() == {"choice": "pos"}
    ui.get_by_label("Negative").check()
    assert harness.answer() == {"choice": "neg"}
    harness.page.keyboard.press("2")
    answer, result = harness.submit()
    assert answer == {"choice": "neu"} and result.value == 0.0
    assert "is-wrong" in ui.locator('.tp-option[data-option="neu"]').get_attribute("class")
    assert "Correct answer" in ui.locator('.tp-option[data-option="neg"]').inner_text()
    assert ui.get_by_label("Positive").is_disabled()
    harness.reset()
    assert harness.answer() == {"choice": None}
    assert ui.locator(".is-wrong").count() == 0


def test_single_choice_shows_chinese_option_text(harness):
    harness.open("single_choice", lang="zh_CN")
    harness.task().get_by_label("负面").check()
    answer, result = harness.submit()
    assert answer == {"choice": "neg"} and result.value == 1.0
    assert harness.task().locator(".is-correct").count() == 1


def test_multi_choice_marks_correct_wrong_and_missed(harness):
    harness.open("multi_choice")
    ui = harness.task()
    harness.page.keyboard.press("2")
    ui.get_by_label("Spam").check()
    harness.page.keyboard.press("1")
    harness.page.keyboard.press("1")  # toggles Privacy back off
    answer, result = harness.submit()
    assert answer == {"choices": ["threat", "spam"]}
    assert result.value == pytest.approx(1 / 4)
    states = {option: ui.locator(f'.tp-option[data-option="{option}"]').get_attribute("class")
              for option in ("privacy", "threat", "jailbreak", "spam", "none")}
    assert "is-correct" in states["threat"] and "is-wrong" in states["spam"]
    assert "is-missed" in states["privacy"] and "is-missed" in states["jailbreak"]
    assert states["none"] == "tp-option"
    assert "25%" in ui.locator(".tp-summary").inner_text()


# ---- text_spans


def drag_chars(page, first: int, last: int) -> None:
    """Press on character ``first`` and release on character ``last`` of the text."""
    text = page.locator("#task .tp-text")
    text.locator(f'.tp-char[data-index="{first}"]').hover()
    page.mouse.down()
    text.locator(f'.tp-char[data-index="{last}"]').hover()
    page.mouse.up()


def test_text_spans_mark_chinese_by_mouse_and_keyboard(harness):
    harness.open("text_spans")  # 张伟于2023年加入北京大学，现居上海。
    page, ui = harness.page, harness.task()
    drag_chars(page, 0, 1)  # 张伟
    page.keyboard.press("1")  # PER
    drag_chars(page, 13, 10)  # 北京大学, dragged backwards
    ui.get_by_role("button", name="ORG").click()
    drag_chars(page, 3, 6)  # 2023 (gold has 2023年: half credit)
    page.keyboard.press("4")
    drag_chars(page, 8, 9)  # 加入, spurious, then removed by a click on it
    page.keyboard.press("3")
    assert len(harness.answer()["spans"]) == 4
    ui.locator('.tp-char[data-index="8"]').click()
    text = ui.locator(".tp-text")
    text.focus()
    page.keyboard.press("End")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")  # 上海
    assert "上海" in ui.locator(".tp-status").inner_text()
    page.keyboard.press("3")  # LOC
    answer, result = harness.submit()
    assert answer == {"spans": [{"start": 0, "end": 2, "label": "PER"},
                                {"start": 3, "end": 7, "label": "DATE"},
                                {"start": 10, "end": 14, "label": "ORG"},
                                {"start": 17, "end": 19, "label": "LOC"}]}
    assert result.value == pytest.approx(0.875)  # TP = 3 + 0.5; F1 = 7 / 8
    assert ui.locator(".fb-item-correct").count() == 3
    assert "2023年" in ui.locator(".fb-item-partial").inner_text()
    assert ui.locator(".tp-char.fb-correct").count() == 8
    assert ui.locator(".tp-legend").is_visible()
    assert "87.5%" in ui.locator(".tp-summary").inner_text()


def test_text_spans_feedback_shows_missing_and_spurious(harness):
    harness.open("text_spans")
    page, ui = harness.page, harness.task()
    drag_chars(page, 15, 16)  # 现居
    page.keyboard.press("3")
    answer, result = harness.submit()
    assert answer == {"spans": [{"start": 15, "end": 17, "label": "LOC"}]} and result.value == 0
    assert ui.locator(".fb-item-missing").count() == 4
    assert ui.locator(".fb-item-spurious").inner_text().count("现居") == 1
    assert ui.locator(".tp-char.fb-spurious").count() == 2
    harness.reset()
    assert harness.answer() == {"spans": []}
    drag_chars(page, 0, 1)
    page.keyboard.press("1")
    assert harness.answer() == {"spans": [{"start": 0, "end": 2, "label": "PER"}]}


# ---- bbox


def screen_point(page, x: float, y: float) -> tuple[float, float]:
    """Where image pixel (x, y) is on the screen, through the SVG's current zoom and pan."""
    return tuple(page.evaluate("""([x, y]) => {
        const svg = document.querySelector('#task .tp-stage');
        const point = svg.createSVGPoint(); point.x = x; point.y = y;
        const screen = point.matrixTransform(svg.getScreenCTM());
        return [screen.x, screen.y];
    }""", [x, y]))


def drag_image(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*screen_point(page, *start))
    page.mouse.down()
    page.mouse.move(*screen_point(page, *end), steps=5)
    page.mouse.up()


def close_to(box: dict, expected: dict, tolerance: float = 2.0) -> bool:
    return box["label"] == expected["label"] and all(
        abs(box[key] - expected[key]) <= tolerance for key in "xywh")


def test_bbox_draw_label_move_resize_and_see_ious(harness):
    harness.open("bbox")
    page, ui = harness.page, harness.task()
    drag_image(page, (42, 222), (222, 330))  # a car (the default label)
    page.keyboard.press("Escape")  # deselect, so the label bar sets the next box's label
    ui.get_by_role("button", name="person").click()
    drag_image(page, (300, 180), (350, 320))
    page.keyboard.press("3")  # relabel the selected box: bicycle…
    page.keyboard.press("2")  # …and back to person
    drag_image(page, (560, 20), (620, 60))  # a box on the sky, relabelled to bicycle, then deleted
    page.keyboard.press("3")
    assert harness.answer()["boxes"][2]["label"] == "bicycle"
    page.keyboard.press("Delete")
    drag_image(page, (362, 252), (470, 320))  # bicycle drawn too small, then resized by its handle
    page.keyboard.press("3")
    handle = ui.locator(".tp-handle-se")
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(*screen_point(page, 480, 330), steps=4)
    page.mouse.up()
    page.keyboard.press("Escape")
    drag_image(page, (100, 100), (160, 140))  # spurious "bicycle", moved by dragging its inside
    drag_image(page, (130, 120), (150, 150))
    boxes = harness.answer()["boxes"]
    assert [b["label"] for b in boxes] == ["car", "person", "bicycle", "bicycle"]
    assert close_to(boxes[0], {"x": 42, "y": 222, "w": 180, "h": 108, "label": "car"})
    assert close_to(boxes[1], {"x": 300, "y": 180, "w": 50, "h": 140, "label": "person"})
    assert close_to(boxes[2], {"x": 362, "y": 252, "w": 118, "h": 78, "label": "bicycle"})
    assert close_to(boxes[3], {"x": 120, "y": 130, "w": 60, "h": 40, "label": "bicycle"})
    assert all(isinstance(b[k], int) for b in boxes for k in "xywh")
    answer, result = harness.submit()
    assert len(result.feedback["matches"]) == 3 and 0.5 < result.value < 0.8
    # the image carries short tags (mine 1–4, the missed gold box G4); the list says what they are
    assert sorted(ui.locator(".tp-box-caption").all_text_contents()) == ["1", "2", "3", "4", "G4"]
    rows = ui.locator(".tp-box-list li").all_inner_texts()
    for match in result.feedback["matches"]:
        row = rows[match["answer_index"]]
        assert f"IoU {match['iou']:.2f}" in row and f"matches G{match['gold_index'] + 1}" in row
    assert "G4" in rows[-1] and "missed car" in rows[-1]
    assert "no object here" in rows[3]
    assert ui.locator(".tp-box.fb-gold").count() == 3
    assert ui.locator(".tp-box-list li.fb-fp").count() == 1


def test_bbox_names_its_labels_in_the_page_language(harness):
    """Buttons, captions, the list, the picker, the status line and the feedback say the
    pack's name of each label in the page's language; the answer keeps the ids."""
    harness.open("named_bbox", lang="zh_CN")
    page, ui = harness.page, harness.task()
    assert ui.locator(".tp-label-btn").all_text_contents() == ["1汽车", "2行人", "3自行车"]
    drag_image(page, (42, 222), (222, 330))  # the car, with the first label
    assert "汽车" in ui.locator(".tp-status").inner_text()
    drag_image(page, (300, 180), (350, 320))  # the person, boxed as a car
    assert ui.locator(".tp-box-caption").all_text_contents() == ["1 汽车", "2 汽车"]
    assert ui.locator(".tp-box-list .tp-chip").all_text_contents() == ["汽车", "汽车"]
    picker = ui.locator(".tp-box-list select").first
    assert picker.locator("option").all_text_contents() == ["汽车", "行人", "自行车"]
    assert [b["label"] for b in harness.answer()["boxes"]] == ["car", "car"]
    harness.submit()
    rows = ui.locator(".tp-box-list li").all_inner_texts()
    assert "标签错误（应为 行人）" in rows[1]
    assert sorted(row.split("遗漏 ")[1].split()[0] for row in rows[2:]) == [
        "汽车", "自行车", "行人"]

    harness.open("named_bbox")
    page, ui = harness.page, harness.task()
    assert ui.locator(".tp-label-btn").all_text_contents() == [
        "1passenger car", "2pedestrian", "3bike"]
    drag_image(page, (300, 180), (350, 320))
    assert ui.locator(".tp-box-caption").all_text_contents() == ["1 passenger car"]
    harness.submit()
    rows = ui.locator(".tp-box-list li").all_inner_texts()
    assert "wrong label (gold: pedestrian)" in rows[0]
    assert any("missed bike" in row for row in rows[1:])


def test_review_of_named_boxes_shows_the_names(harness):
    harness.open("named_bbox_review", lang="zh_CN")
    ui = harness.task()
    assert ui.locator(".tp-element-list .tp-chip").all_text_contents() == ["汽车", "自行车"]
    assert ui.locator(".tp-box-caption").all_text_contents() == ["1 汽车", "2 自行车"]


def test_bbox_zoom_keeps_image_coordinates_and_clamps(harness):
    harness.open("bbox")
    page, ui = harness.page, harness.task()
    ui.get_by_role("button", name="Zoom in").click()
    assert ui.locator(".tp-zoom-level").inner_text() == "150%"
    canvas = ui.locator(".tp-canvas").bounding_box()
    page.mouse.move(canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    assert ui.locator(".tp-zoom-level").inner_text() == "188%"
    drag_image(page, (300, 200), (340, 260))
    box = harness.answer()["boxes"][0]
    assert close_to(box, {"x": 300, "y": 200, "w": 40, "h": 60, "label": "car"}, tolerance=1)
    page.keyboard.press("0")
    ui.locator(".tp-canvas").focus()
    page.keyboard.press("Shift+ArrowRight")
    assert harness.answer()["boxes"][0]["x"] == box["x"] + 10
    drag_image(page, (600, 400), (700, 520))  # dragged past the corner: clamped to the image
    assert harness.answer()["boxes"][1] == {"x": 600, "y": 400, "w": 40, "h": 80, "label": "car"}
    page.keyboard.press("Escape")
    ui.locator(".tp-canvas").focus()
    page.keyboard.press("2")
    page.keyboard.press("n")  # keyboard only: a box in the middle of the view, then resized
    page.keyboard.press("Shift+Alt+ArrowRight")
    page.keyboard.press("Alt+ArrowUp")
    assert harness.answer()["boxes"][2] == {"x": 240, "y": 180, "w": 170, "h": 119,
                                           "label": "person"}
    answer, result = harness.submit()
    assert result.value == 0.0


# ---- transcription


def test_transcription_player_transcript_and_character_diff(harness):
    harness.open("transcription")
    page, ui = harness.page, harness.task()
    wait_until(page, "document.querySelector('#task audio').readyState >= 1")
    assert ui.locator(".tp-time").inner_text().endswith("0:12")
    ui.get_by_label("Speed").select_option("0.5")
    assert page.evaluate("document.querySelector('#task audio').playbackRate") == 0.5
    ui.get_by_role("button", name="Play").click()
    wait_until(page, "!document.querySelector('#task audio').paused")
    assert ui.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    transcript = ui.get_by_label("Transcript")
    transcript.click()
    page.keyboard.press("Control+Space")  # pauses while the cursor stays in the transcript
    wait_until(page, "document.querySelector('#task audio').paused")
    page.evaluate("document.querySelector('#task audio').currentTime = 8")
    page.keyboard.press("Control+BracketLeft")
    assert page.evaluate("document.querySelector('#task audio').currentTime") == pytest.approx(3)
    ui.get_by_role("button", name="Back 5 s").click()
    assert page.evaluate("document.querySelector('#task audio').currentTime") == 0
    page.keyboard.type("今天北京晴最高气温25度，适合户外的活动")
    answer, result = harness.submit()
    assert answer == {"text": "今天北京晴最高气温25度，适合户外的活动"}
    assert result.feedback["distance"] == 4
    diff = ui.locator(".tp-diff-text")
    # gold 今天北京晴最高气温二十五度适合户外活动: one of 二十五 missed, the other two replaced by
    # 25 (which one is a tie), 的 extra; the line shows the server's edit script as it is
    assert rendered_diff(harness.page) == expected_diff(result.feedback["ops"])
    assert diff.locator("del.op-insert").all_inner_texts() == ["的"]
    assert "".join(diff.locator("del.op-replace").all_inner_texts()) == "25"
    assert "Character error rate 21.1% (4 edits over 19 characters)" in \
        ui.locator(".tp-summary").inner_text()
    assert ui.locator(".tp-gold-text").inner_text() == "今天北京晴，最高气温二十五度，适合户外活动。"
    assert transcript.get_attribute("readonly") is not None
    harness.reset()
    assert harness.answer() == {"text": ""}


def expected_diff(ops: list[dict]) -> list[list[str]]:
    """The transcript line an edit script gives: equal text, then per edit what was typed
    (struck through) and what the gold has (underlined)."""
    line = []
    for op in ops:
        if op["op"] == "equal":
            line.append(["SPAN", "op-equal", op["gold"]])
            continue
        if op["answer"]:
            line.append(["DEL", f"op-{op['op']}", op["answer"]])
        if op["gold"]:
            line.append(["INS", f"op-{op['op']}", op["gold"]])
    return line


def rendered_diff(page) -> list[list[str]]:
    return page.evaluate("[...document.querySelectorAll('#task .tp-diff-text > *')]"
                         ".map(e => [e.tagName, e.className, e.textContent])")


def test_transcription_of_an_image(harness):
    harness.open("ocr")
    ui = harness.task()
    image = ui.get_by_role("img", name="Image to transcribe")
    wait_until(
        harness.page, "document.querySelector('#task .tp-stimulus-image img').naturalWidth > 0")
    assert image.get_attribute("src") == "/_harness/assets/sign.svg"
    assert ui.locator("audio").count() == 0
    ui.get_by_label("Transcript").fill("DATA annotation done rihgt")
    answer, result = harness.submit()
    assert answer == {"text": "DATA annotation done rihgt"}
    assert result.feedback["distance"] == 2  # case and punctuation are normalised away
    assert rendered_diff(harness.page) == expected_diff(result.feedback["ops"])
    assert ui.locator(".tp-diff-text .op-equal").first.inner_text() == "data annotation done ri"


# ---- ranking


def test_ranking_by_keyboard_then_feedback(harness):
    harness.open("ranking")  # gold r4, r1, r3, r2; shown as A=r1, B=r2, C=r3, D=r4
    page, ui = harness.page, harness.task()
    ui.locator('.tp-card[data-id="r4"]').focus()
    for _ in range(3):
        page.keyboard.press("Alt+ArrowUp")
    assert harness.answer() == {"order": ["r4", "r1", "r2", "r3"]}
    assert "D is now at rank 1 of 4." in ui.locator(".tp-status").inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # focus moves to B (r2) without moving it
    page.keyboard.press("Alt+ArrowDown")
    assert harness.answer() == {"order": ["r4", "r1", "r3", "r2"]}
    ui.get_by_role("button", name="Move A down").click()
    assert harness.answer() == {"order": ["r4", "r3", "r1", "r2"]}
    assert ui.locator(".tp-rank").all_inner_texts() == ["1", "2", "3", "4"]
    answer, result = harness.submit()
    assert result.value == pytest.approx(5 / 6)
    assert ui.locator(".tp-gold-order .tp-card-letter").all_inner_texts() == ["D", "A", "C", "B"]
    assert ui.locator(".tp-gold-order").is_visible()
    assert "5 of 6 pairs in the correct order" in ui.locator(".tp-summary").inner_text()
    assert ui.locator(".tp-pair-list li").all_inner_texts() == ["A should rank above C."]
    assert ui.locator(".tp-cards .is-wrong-place").count() == 2
    harness.reset()
    assert harness.answer() == {"order": ["r1", "r2", "r3", "r4"]}


def test_ranking_by_drag_and_drop(harness):
    harness.open("ranking")
    page, ui = harness.page, harness.task()

    def drag(card_id: str, onto_id: str, above: bool) -> None:
        card = ui.locator(f'.tp-card[data-id="{card_id}"] .tp-card-text').bounding_box()
        target = ui.locator(f'.tp-card[data-id="{onto_id}"]').bounding_box()
        page.mouse.move(card["x"] + 10, card["y"] + card["height"] / 2)
        page.mouse.down()
        y = target["y"] + (4 if above else target["height"] - 4)
        page.mouse.move(target["x"] + 20, y, steps=8)
        page.mouse.up()

    drag("r4", "r1", above=True)
    assert harness.answer() == {"order": ["r4", "r1", "r2", "r3"]}
    drag("r2", "r3", above=False)
    answer, result = harness.submit()
    assert answer == {"order": ["r4", "r1", "r3", "r2"]} and result.value == 1.0
    assert ui.locator(".tp-cards .is-right-place").count() == 4
    assert ui.locator(".tp-pair-list li").count() == 0


# ---- cot_steps


def test_cot_steps_judged_by_keyboard_and_clicks(harness):
    harness.open("cot_steps")  # gold: right, right, wrong, wrong
    page, ui = harness.page, harness.task()
    assert harness.answer() == {"steps": [None, None, None, None]}
    ui.locator('.tp-step[data-index="0"]').focus()
    page.keyboard.press("1")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("w")  # step 2 judged wrong: the trainee's first error is too early
    page.keyboard.press("ArrowDown")
    page.keyboard.press("2")
    ui.get_by_role("group", name="Judgement of step 4").get_by_role("button", name="Right").click()
    assert harness.answer() == {"steps": [True, False, False, True]}
    answer, result = harness.submit()
    assert result.value == pytest.approx(0.25)  # accuracy 2/4, first error missed
    assert ui.locator(".tp-step.is-correct").count() == 2
    assert "This step is right." in ui.locator('.tp-step[data-index="1"]').inner_text()
    assert "First error" in ui.locator('.tp-step[data-index="2"]').inner_text()
    assert "Your first error" in ui.locator('.tp-step[data-index="1"]').inner_text()
    assert "first error was not found" in ui.locator(".tp-summary").inner_text()
    harness.reset()
    ui.get_by_role("group", name="Judgement of step 3").get_by_role("button", name="Wrong").click()
    ui.get_by_role("group", name="Judgement of step 3").get_by_role("button", name="Wrong").click()
    assert harness.answer() == {"steps": [None, None, None, None]}  # a second click clears
    for index, key in enumerate(["r", "r", "w", "w"]):
        ui.locator(f'.tp-step[data-index="{index}"]').focus()
        page.keyboard.press(key)
    answer, result = harness.submit()
    assert answer == {"steps": [True, True, False, False]} and result.value == 1.0
    assert "you found the first error" in ui.locator(".tp-summary").inner_text()


# ---- review


def test_review_of_text_spans_flags_by_click_and_key(harness):
    harness.open("review")  # 李娜在杭州的阿里巴巴工作了五年。 errors s2 (杭州 as ORG) and s4
    page, ui = harness.page, harness.task()
    ui.locator('.tp-review-text .tp-char[data-index="4"]').click()  # 州, inside s2
    page.keyboard.press("3")  # s3
    ui.get_by_role("button", name="PER 李娜").click()
    ui.get_by_role("button", name="PER 李娜").click()  # unflag again
    assert ui.get_by_role("button", name="ORG 杭州").get_attribute("aria-pressed") == "true"
    assert harness.answer() == {"flags": ["s2", "s3"]}
    answer, result = harness.submit()
    assert result.value == 0.5
    notes = dict(zip(["s1", "s2", "s3", "s4"], ui.locator(".tp-element-note").all_inner_texts(),
                     strict=True))
    assert notes == {"s1": "", "s2": "Error found", "s3": "Flagged, but correct",
                     "s4": "Error missed"}
    assert ui.locator(".tp-review-text .tp-char.fb-hit").count() == 2
    assert ui.locator(".tp-review-text .tp-char.fb-missed").count() == 2
    assert "1 of 2 planted errors found, 1 correct elements flagged" in \
        ui.locator(".tp-summary").inner_text()
    harness.reset()
    assert harness.answer() == {"flags": []}


def test_review_of_boxes_flags_a_box_on_the_image(harness):
    harness.open("bbox_review")  # b2 (a person labelled bicycle) is the planted error
    page, ui = harness.page, harness.task()
    page.mouse.click(*screen_point(page, 325, 250))
    assert harness.answer() == {"flags": ["b2"]}
    ui.get_by_role("button", name="Zoom in").click()
    page.keyboard.press("1")
    page.keyboard.press("1")
    answer, result = harness.submit()
    assert answer == {"flags": ["b2"]} and result.value == 1.0
    assert ui.locator(".tp-box.fb-hit").count() == 1
    assert ui.locator(".tp-element-note").all_inner_texts() == ["", "Error found"]


# ---- every type: a stored answer comes back (the practice page's revisit of an answered item)


def gold_as_answer(sample: str) -> dict:
    _spec, gold = SAMPLES[sample]()
    return {"flags": gold["errors"]} if "errors" in gold else gold


def test_set_answer_then_feedback_round_trips_for_every_type(harness):
    for sample in sorted(SAMPLES):
        harness.open(sample)
        if get_scorer(TYPE_OF_SAMPLE.get(sample, sample)).human_scored:
            # Written work has no gold answer and no feedback: its answer round-trips.
            written = {"text": "## 规范\n\n- 标签定义", "files": []}
            harness.page.evaluate("(answer) => window.__ctl.setAnswer(answer)", written)
            assert harness.answer() == written, sample
            continue
        answer = gold_as_answer(sample)
        harness.page.evaluate("(answer) => window.__ctl.setAnswer(answer)", answer)
        assert harness.answer() == answer, sample
        _answer, result = harness.submit()
        assert result.value == 1.0, sample
        assert harness.page.locator("#task .task-ui.is-locked").count() == 1, sample
