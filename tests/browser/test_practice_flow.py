"""End to end in Chromium: a trainee practises, submits and sees the feedback on the task."""

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice.models import Response
from tests.browser.test_task_uis import drag_chars, drag_image
from tests.conftest import PASSWORD
from tests.packs import import_live, make_item, make_pack


@pytest.fixture
def trainee_page(live_app, live_server, page, tmp_path):
    packs = tmp_path / "packs"
    with live_app.app_context():
        import_live(make_pack(packs, "boxes-pack", items=[make_item("bbox", "b1")]))
        import_live(make_pack(packs, "spans-pack", items=[make_item("text_spans", "s1")]))
        import_live(make_pack(packs, "ranking-pack", items=[make_item("ranking", "r1")]))
        create_user("trainee@example.org", "王小明", PASSWORD, Role.TRAINEE)
    page.goto(f"{live_server}/accounts/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("trainee@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/home")
    return page


def open_track(page, base, track):
    page.goto(f"{base}/practice/tracks/{track}")
    page.wait_for_selector("#task .task-ui")


def submit_and_wait(page):
    page.get_by_role("button", name="Submit answer").click()
    page.wait_for_selector("#task-result:not([hidden])")


def test_draw_a_box_submit_and_see_ious(live_app, live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "object_detection")
    drag_image(page, (42, 222), (222, 330))  # the first gold car, default label "car"
    submit_and_wait(page)
    assert "IoU" in page.locator(".tp-box-list").inner_text()
    assert "missed" in page.locator(".tp-box-list").inner_text()
    assert "G2" in page.locator(".tp-box-caption").all_text_contents()  # a missed gold box
    assert page.locator("#task-explanation").inner_text() == "Explanation b1"
    assert page.locator("#task-next").is_visible()
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_mark_a_span_submit_and_see_differences(live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "named_entities")
    drag_chars(page, 0, 1)  # 张伟
    page.keyboard.press("1")  # PER
    submit_and_wait(page)
    assert page.locator(".fb-item-correct").count() == 1
    assert page.locator(".fb-item-missing").count() >= 1
    assert page.locator("#task-score").inner_text().endswith("%")


def test_rank_responses_submit_and_see_the_correct_order(live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "llm_preference")
    page.locator('#task .tp-card[data-id="r4"]').focus()
    for _ in range(3):
        page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#task-result:not([hidden])")
    assert page.locator(".tp-gold-order").is_visible()
    page.get_by_role("link", name="Next item").click()
    page.wait_for_selector("#task .task-ui")


def test_a_refused_answer_shows_the_message_and_stores_nothing(live_app, live_server,
                                                               trainee_page):
    page = trainee_page
    open_track(page, live_server, "object_detection")
    reply = page.evaluate("""async () => {
        const url = document.getElementById('task').dataset.answerUrl;
        const r = await window.talentpool.postJSON(url, {answer: {boxes: [{x: -5, y: 0, w: 10, h: 10, label: 'car'}]}});
        return [r.status, r.data.error];
    }""")
    assert reply[0] == 400 and "x" in reply[1]
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_submit_is_replaced_by_next_after_answering(live_server, trainee_page):
    page = trainee_page
    open_track(page, live_server, "llm_preference")
    assert page.locator("#task-submit").is_visible()
    assert not page.locator("#task-next").is_visible()
    submit_and_wait(page)
    assert not page.locator("#task-submit").is_visible()
    assert page.locator("#task-next").is_visible()
