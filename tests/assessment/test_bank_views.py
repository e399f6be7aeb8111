"""Item-bank pages: statistics and flags per track, information curve, retire, activate."""

import pytest
from sqlalchemy import select

from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from tests.assessment.test_calibration import make_answers
from tests.chart_markup import assert_accessible_charts
from tests.conftest import csrf_from


@pytest.fixture
def admin(client, auth, make_user):
    auth.login(make_user(Role.ADMIN))


def test_bank_pages_show_stages_statistics_and_information(app, client, admin, tmp_path):
    make_answers(app, tmp_path, n_persons=200)
    page = client.get("/admin/bank/")
    assert page.status_code == 200 and "文本分类" in page.get_data(as_text=True)
    track = client.get("/admin/bank/tracks/text_classification").get_data(as_text=True)
    main = lambda html: html[html.index("<main"):]  # noqa: E731  (the nav has icons)
    assert "tag-pretest" in track and "<svg" not in main(track)
    client.post("/admin/bank/tracks/text_classification/calibrate",
                data={"csrf_token": csrf_from(track)})
    track = client.get("/admin/bank/tracks/text_classification").get_data(as_text=True)
    assert "tag-operational" in track and "<svg" in main(track)
    [information] = assert_accessible_charts(track, 1)
    assert information.rows == 1 + 17  # header + θ from −4 to 4 in steps of 0.5
    # Stricter than "calibrated": an item must also fit, discriminate and have enough answers.
    assert track.count("tag-operational") >= 10


def test_retire_and_restore_an_item(app, client, admin, tmp_path):
    make_answers(app, tmp_path, n_persons=30)
    with app.app_context():
        item = db.session.scalar(select(Item).where(Item.key == "q03"))
    page = client.get("/admin/bank/tracks/text_classification").get_data(as_text=True)
    url = f"/admin/bank/items/{item.public_id}/status"
    assert client.post(url, data={"status": "retired", "csrf_token": csrf_from(page)}).status_code == 302
    with app.app_context():
        assert db.session.get(Item, item.id).status == "retired"
    client.post(url, data={"status": "active", "csrf_token": csrf_from(page)})
    with app.app_context():
        assert db.session.get(Item, item.id).status == "active"


def test_calibrate_with_too_little_data_says_why(app, client, admin, tmp_path):
    make_answers(app, tmp_path, n_persons=5)
    page = client.get("/admin/bank/tracks/text_classification").get_data(as_text=True)
    reply = client.post("/admin/bank/tracks/text_classification/calibrate",
                        data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "20" in reply.get_data(as_text=True) and reply.status_code == 200


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_bank_is_admin_only(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/admin/bank/").status_code == 403
    assert client.get("/admin/bank/tracks/theory").status_code == 403


def test_unknown_track_and_item_are_404(client, admin):
    assert client.get("/admin/bank/tracks/cooking").status_code == 404
    page = client.get("/admin/bank/").get_data(as_text=True)
    assert client.post("/admin/bank/items/nope/status",
                       data={"status": "retired", "csrf_token": csrf_from(page)}).status_code == 404


def test_cli_calibrate(app, runner, tmp_path):
    make_answers(app, tmp_path, n_persons=150)
    result = runner.invoke(args=["calibrate", "--track", "text_classification",
                                 "--min-responses", "50"])
    assert result.exit_code == 0 and "converged=True" in result.output
    result = runner.invoke(args=["calibrate", "--track", "cooking"])
    assert result.exit_code != 0 and "unknown track" in result.output
    result = runner.invoke(args=["calibrate"])
    assert result.exit_code == 0 and "skipped theory" in result.output


def test_skills_page_shows_estimate_range_and_chart(app, client, auth, make_user, tmp_path):
    from tests.packs import make_item, make_pack
    from tests.packs import import_live
    from tests.practice.test_practice import post_answer

    with app.app_context():
        import_live(make_pack(tmp_path, items=[make_item("single_choice", f"q{n}")
                                               for n in range(3)]))
        ids = [i.public_id for i in db.session.scalars(select(Item))]
    auth.login(make_user(Role.TRAINEE))
    assert "暂无能力估计" in client.get("/practice/skills").get_data(as_text=True)
    for public_id in ids:
        post_answer(client, public_id, {"answer": {"choice": "neg"}})
    html = client.get("/practice/skills").get_data(as_text=True)
    assert "<svg" in html and "tag-pretest" in html
    [history] = assert_accessible_charts(html, 1)
    assert "文本分类" in history.label and history.rows == 1 + 3  # an estimate per answer
    home = client.get("/home").get_data(as_text=True)
    assert "skill-list" in home


def test_over_exposed_items_are_flagged(app, tmp_path):
    from talentpool.assessment import bank
    from talentpool.assessment.models import ExamAttempt, ExamSession, ItemAdministration
    from talentpool.database import utcnow

    make_answers(app, tmp_path, n_persons=25)
    with app.app_context():
        from talentpool.organisations.service import default_organisation

        session = ExamSession(level=5, title="t", opens_at=utcnow(), closes_at=utcnow(),
                              organisation=default_organisation())
        db.session.add(session)
        db.session.flush()
        from talentpool.accounts.models import User

        people = list(db.session.scalars(select(User)))[:20]
        attempts = []
        for person in people:
            attempt = ExamAttempt(session_id=session.id, user_id=person.id, level=5,
                                  state="failed", part_deadline=utcnow())
            db.session.add(attempt)
            attempts.append(attempt)
        db.session.flush()
        items = list(db.session.scalars(select(Item).order_by(Item.key)))
        for n, attempt in enumerate(attempts):  # every attempt saw items[2]; 12 saw items[0] …
            shown = [items[2]] + ([items[0]] if n < 12 else []) + ([items[1]] if n < 4 else [])
            db.session.add_all(ItemAdministration(attempt_id=attempt.id, item_id=item.id,
                                                  level=5, part="practical") for item in shown)
        db.session.commit()
        rows = {row.item.key: row for row in bank.item_rows("text_classification")}
        assert rows["q00"].over_exposed and rows["q00"].exposure == 0.6
        assert not rows["q01"].over_exposed and rows["q01"].exposure == 0.2
