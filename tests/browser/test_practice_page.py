"""In Chromium, the practice page around the task: an empty submit warns and grades nothing, skip
and retry, explanations in the labels the task shows, and the box feedback's view buttons and
tags that never overlap on a busy image."""

import pytest
from sqlalchemy import select

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice.models import Response
from tests.browser.conftest import sign_in_english, wait_until
from tests.browser.test_task_uis import drag_image
from tests.conftest import PASSWORD
from tests.packs import import_live, make_item, make_pack


def busy_boxes() -> list[dict]:
    """Twelve small gold boxes packed close together: tags placed naively would collide."""
    return [{"x": 100 + 16 * (n % 6), "y": 100 + 22 * (n // 6), "w": 14, "h": 20, "label": "person"}
            for n in range(12)]


@pytest.fixture
def trainee_page(live_app, live_server, page, tmp_path):
    packs = tmp_path / "packs"
    choices = [make_item("single_choice", f"q{n}") for n in range(2)]
    ranking = make_item("ranking", "r1", explanation={
        "zh": "正确顺序：r4 > r1 > r3 > r2。", "en": "Gold order: r4 > r1 > r3 > r2; r2 is last."})
    review = make_item("review", "v1", explanation={"zh": "s2 和 s4 有错。",
                                                    "en": "s2 and s4 are wrong."})
    busy = make_item("bbox", "b1", gold={"boxes": busy_boxes()})
    with live_app.app_context():
        import_live(make_pack(packs, "choice-pack", items=choices))
        import_live(make_pack(packs, "ranking-pack", items=[ranking]))
        import_live(make_pack(packs, "review-pack", items=[review]))
        import_live(make_pack(packs, "boxes-pack", items=[busy]))
        create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_english(page, live_server, "trainee@example.org", PASSWORD)
    yield page
    assert errors == [], f"JavaScript errors: {errors}"


def open_track(page, base, track):
    page.goto(f"{base}/practice/tracks/{track}")
    page.wait_for_selector("#task .task-ui > *")
    wait_until(page, "document.readyState === 'complete'")


def stored(app) -> list[Response]:
    with app.app_context():
        return [(r.item.key, r.retry) for r in db.session.scalars(select(Response).order_by(Response.id))]


def test_an_empty_submit_warns_and_grades_nothing(live_app, live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "text_classification")
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "/answer" in request.url else None)
    page.keyboard.press("Control+Enter")
    warning = page.locator("#task-warning-text")
    assert warning.inner_text() == "Nothing is answered yet. Give your answer first, or skip the item."
    assert warning.get_attribute("role") == "alert"
    assert page.locator("#task-result").is_hidden() and page.locator("#task-next").is_hidden()
    assert page.locator("#task-nothing").count() == 0  # a choice cannot be "nothing"
    assert page.locator(".tp-option.is-correct").count() == 0
    assert requests == [] and stored(live_app) == []
    page.keyboard.press("1")
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-result:not([hidden])")
    assert warning.inner_text() == ""
    assert len(stored(live_app)) == 1


def test_nothing_to_mark_is_a_deliberate_answer_on_an_image(live_app, live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "object_detection")
    page.get_by_role("button", name="Submit answer").click()
    assert "“Nothing to mark”" in page.locator("#task-warning-text").inner_text()
    assert page.locator(".tp-box.fb-gold, .tp-box.fb-missed").count() == 0 and stored(live_app) == []
    page.get_by_role("button", name="Nothing to mark").click()
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator("#task-score").inner_text() == "0%"
    assert page.locator(".tp-box.fb-missed").count() == 12
    assert page.locator("#task-nothing").is_hidden()
    assert stored(live_app) == [("b1", False)]


def test_skip_moves_on_and_stores_nothing(live_app, live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "text_classification")
    first = page.url
    page.get_by_role("button", name="Skip this item").click()
    page.wait_for_url(lambda url: url != first and "/practice/items/" in url)
    page.wait_for_selector("#task .task-ui > *")
    assert stored(live_app) == []
    page.get_by_role("button", name="Skip this item").click()  # both skipped: the first is back
    page.wait_for_url(first)


def test_retry_hides_the_answer_until_the_new_submit(live_app, live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "text_classification")
    page.keyboard.press("1")  # "pos": wrong, the gold is "neg"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator(".tp-option.is-correct").count() == 1
    assert page.get_by_role("button", name="Skip this item").is_hidden()
    retry = page.get_by_role("button", name="Try this item again")
    retry.click()
    assert page.locator("#task-result").is_hidden() and page.locator("#task-next").is_hidden()
    assert page.locator("#task-explanation").inner_text() == ""
    assert page.locator(".tp-option.is-correct, .tp-option.is-wrong").count() == 0
    assert page.locator("#task .tp-mark").all_inner_texts() == ["", "", ""]
    assert "correct answer stays hidden" in page.locator("#task-status").inner_text()
    assert page.get_by_role("button", name="Skip this item").is_visible() and retry.is_hidden()
    assert page.evaluate("document.activeElement.name") == "tp-choice"
    page.keyboard.press("Control+Enter")  # the choice was cleared: warned, not graded
    assert "Nothing is answered yet" in page.locator("#task-warning-text").inner_text()
    page.keyboard.press("3")  # "neg"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator("#task-score").inner_text() == "100%"
    assert page.locator("#task-retry-note").is_visible()
    (first_key, first_retry), (again_key, again_retry) = stored(live_app)
    assert first_key == again_key and (first_retry, again_retry) == (False, True)


def test_explanations_use_card_letters_and_element_numbers(live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "llm_preference")
    assert page.locator("#task .tp-card-letter").all_inner_texts() == ["A", "B", "C", "D"]
    page.keyboard.press("Control+Enter")  # an unchanged order is still an answer
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator("#task-explanation").inner_text() == \
        "Gold order: D > A > C > B; B is last."
    open_track(page, live_server, "annotation_review")
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator("#task-explanation").inner_text() == "span 2 and span 4 are wrong."


def caption_rects(page) -> list[dict]:
    return page.evaluate("""[...document.querySelectorAll('#task .tp-box-caption-bg')]
        .map((r) => { const b = r.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height}; })""")


def overlapping(rects: list[dict]) -> list[tuple[int, int]]:
    return [(i, j) for i, a in enumerate(rects) for j, b in enumerate(rects) if i < j
            and a["x"] < b["x"] + b["w"] - 0.01 and b["x"] < a["x"] + a["w"] - 0.01
            and a["y"] < b["y"] + b["h"] - 0.01 and b["y"] < a["y"] + a["h"] - 0.01]


def test_box_feedback_toggles_mine_gold_and_both_without_overlapping_tags(live_server,
                                                                         trainee_page):
    page = trainee_page
    open_track(page, live_server, "object_detection")
    page.locator("#task .tp-label-btn[data-label='person']").click()
    for n in range(4):  # my boxes over the crowd: three match a gold box, the last does not
        x, y = 100 + 32 * n, 100
        drag_image(page, (x, y), (x + 14, y + 20))
        page.keyboard.press("Escape")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#task-result:not([hidden])")
    view = page.get_by_role("group", name="Boxes to show")
    buttons = {name: view.get_by_role("button", name=name) for name in ("My boxes", "Gold boxes",
                                                                       "Both")}
    assert [b.get_attribute("aria-pressed") for b in buttons.values()] == ["false", "false", "true"]
    both = caption_rects(page)
    assert len(both) >= 12 and overlapping(both) == []

    buttons["My boxes"].focus()
    page.keyboard.press("Enter")
    assert buttons["My boxes"].get_attribute("aria-pressed") == "true"
    assert buttons["Both"].get_attribute("aria-pressed") == "false"
    assert page.locator("#task .tp-box.fb-gold, #task .tp-box.fb-missed").count() == 0
    assert page.locator("#task .tp-box.fb-match, #task .tp-box.fb-fp").count() == 4

    page.keyboard.press("Tab")  # on to "Gold boxes", switched with the space bar
    page.keyboard.press(" ")
    assert buttons["Gold boxes"].get_attribute("aria-pressed") == "true"
    assert page.locator("#task .tp-box.fb-match, #task .tp-box.fb-fp").count() == 0
    tags = page.locator("#task .tp-box-caption").all_text_contents()
    assert sorted(tags) == sorted(f"G{n}" for n in range(1, 13))
    assert overlapping(caption_rects(page)) == []

    buttons["Both"].click()
    assert page.locator("#task .tp-box.fb-match, #task .tp-box.fb-fp").count() == 4
    rows = page.locator("#task .tp-box-list li").all_inner_texts()
    assert len(rows) == 4 + 12 - 3 and sum("matches G" in row for row in rows) == 3
    assert sum(row.startswith("G") and "missed person" in row for row in rows) == 9
