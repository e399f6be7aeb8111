"""Secure exam items: never in practice, practice closed during an exam, fresh retakes,
exposure per level and part, and pools checked before a session opens."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam, exposure, pools
from talentpool.assessment.models import EXAM, PRACTICE, ExamAttempt, Item, ItemAdministration
from talentpool.assessment.service import PackImportError
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.scoring import get_scorer
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank
from tests.packs import import_live, make_item, make_pack


@pytest.fixture
def ready(app, tmp_path):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        now = utcnow()
        return exam.create_session(5, "Level 5", now - timedelta(hours=1),
                                   now + timedelta(hours=5), None).public_id


def answer_json(client, url, answer):
    page = client.get("/practice/").get_data(as_text=True)
    return client.post(url, json={"answer": answer}, headers={"X-CSRFToken": csrf_from(page)})


def test_attacker_who_harvests_practice_feedback_sees_no_exam_item(app, client, auth,
                                                                   make_user, ready):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    harvested = set()
    with app.app_context():
        tracks = sorted({i.track for i in db.session.scalars(select(Item))})
    for track in tracks:
        for _ in range(40):  # far more requests than practice items: collect everything
            reply = client.get(f"/practice/tracks/{track}")
            if reply.status_code != 302 or "/practice/items/" not in reply.headers["Location"]:
                break
            public_id = reply.headers["Location"].rsplit("/", 1)[-1]
            with app.app_context():
                item = db.session.scalar(select(Item).where(Item.public_id == public_id))
                answer = get_scorer(item.type_id).gold_answer(item.spec, item.gold)
                harvested.add(item.id)
                assert item.use == PRACTICE
            feedback = answer_json(client, f"/practice/items/{public_id}/answer", answer)
            assert feedback.status_code == 200
    with app.test_request_context():
        user = find_user_by_email(email)
        attempt = exam.start_attempt(user.id, ready)
        while attempt.state in ("theory", "practical"):
            item = db.session.get(Item, attempt.current_item_id)
            exam.submit_answer(attempt, attempt.sequence,
                               get_scorer(item.type_id).gold_answer(item.spec, item.gold))
        shown = set(db.session.scalars(select(ItemAdministration.item_id).where(
            ItemAdministration.attempt_id == attempt.id)))
        practice_ids = set(db.session.scalars(select(Item.id).where(Item.use == PRACTICE)))
    assert harvested == practice_ids  # the attacker saw every practice item …
    assert shown and not shown & harvested  # … and none of them came up in the exam


def test_exam_items_are_not_reachable_through_practice(app, client, auth, make_user, ready):
    auth.login(make_user(Role.TRAINEE))
    with app.app_context():
        secure = db.session.scalars(select(Item).where(Item.use == EXAM)).first()
        public_id = secure.public_id
    assert client.get(f"/practice/items/{public_id}").status_code == 404
    reply = answer_json(client, f"/practice/items/{public_id}/answer", {"text": "x"})
    assert reply.status_code == 404


def test_practice_is_closed_while_an_exam_is_in_progress(app, client, auth, make_user, ready):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    page = client.get("/exams/").get_data(as_text=True)
    client.post(f"/exams/sessions/{ready}/start", data={"csrf_token": csrf_from(page)})
    with app.app_context():
        attempt = db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.state == "theory"))
        practice_item = db.session.scalars(select(Item).where(Item.use == PRACTICE)).first()
        link = f"/exams/attempts/{attempt.public_id}"
        practice_url = f"/practice/items/{practice_item.public_id}"
    for url in ("/practice/", "/practice/tracks/theory", practice_url,
                "/practice/tracks/theory/history"):
        reply = client.get(url)
        assert reply.status_code == 409 and link in reply.get_data(as_text=True), url
    page = client.get(link).get_data(as_text=True)
    reply = client.post(f"{practice_url}/answer", json={"answer": {"choice": "pos"}},
                        headers={"X-CSRFToken": csrf_from(page)})
    assert reply.status_code == 409 and reply.json["attempt_url"] == link
    reply = client.post(f"{practice_url}/skip", data={"csrf_token": csrf_from(page)})
    assert reply.status_code == 409 and reply.mimetype == "text/html"  # a page, not JSON
    assert f'href="{link}"' in reply.get_data(as_text=True)


def test_an_item_shown_in_practice_cannot_become_secure(app, tmp_path, client, auth,
                                                        make_user):
    auth.login(make_user(Role.TRAINEE))
    with app.app_context():
        import_live(make_pack(tmp_path / "v1", "leaky", items=[make_item("single_choice", "q1")]))
        item = db.session.scalar(select(Item).where(Item.key == "q1"))
        public_id = item.public_id
        answer = get_scorer(item.type_id).gold_answer(item.spec, item.gold)
    assert answer_json(client, f"/practice/items/{public_id}/answer", answer).status_code == 200
    with app.app_context():
        with pytest.raises(PackImportError, match="shown in practice"):
            import_live(make_pack(tmp_path / "v2", "leaky", version=2,
                                  items=[make_item("single_choice", "q1", use="exam")]))
        assert db.session.scalar(select(Item.use).where(Item.key == "q1")) == PRACTICE


def test_retakes_get_new_items_and_exposure_stays_under_the_cap(app, make_user, ready):
    """40 candidates, each sitting twice: every theory form avoids the person's earlier items,
    and no item is shown in more than a quarter of the level's theory administrations."""
    emails = [make_user(Role.TRAINEE) for _ in range(40)]
    with app.test_request_context():
        level = pools.scheme().levels[5]
        level_wait = level.retake_wait_days
        now = utcnow()
        for n, email in enumerate(emails):
            user = find_user_by_email(email)
            first = exam.start_attempt(user.id, ready, now=now)
            while first.state == "theory":  # wrong answers to the whole form
                exam.submit_answer(first, first.sequence, {"choice": "pos"}, now=now)
            exam.finish(first, first.sequence, now=now)
            seen = set(exposure.shown_in_attempt(first.id, "theory"))
            later = now + timedelta(days=level_wait, minutes=1)
            session = exam.create_session(5, f"retake {n}", later, later + timedelta(hours=1),
                                          None)
            second = exam.start_attempt(user.id, session.public_id, now=later)
            assert len(seen) == 3 and not seen & set(second.form["theory"])
            while second.state == "theory":
                exam.submit_answer(second, second.sequence, {"choice": "pos"}, now=later)
            exam.finish(second, second.sequence, now=later)
            assert second.part_results["theory"]["reused"] == 0
        shown = exposure.exposure(5, "theory", later)
        assert shown.administrations == 80
        assert max(shown.counts.values()) / shown.administrations <= exposure.EXPOSURE_CAP


def test_a_level_without_a_standard_or_enough_items_cannot_open(app, ready):
    from talentpool.assessment.models import StandardSetting

    with app.test_request_context():
        db.session.execute(StandardSetting.__table__.update().where(
            StandardSetting.level == 4, StandardSetting.part == "practical")
            .values(status="retired"))
        db.session.commit()
        now = utcnow()
        with pytest.raises(exam.ExamError, match="standard|标准"):
            exam.create_session(4, "x", now, now + timedelta(hours=1), None)
        state = pools.readiness(pools.scheme().levels[4], "practical")
        assert not state.ready and any("标准" in p or "standard" in p for p in state.problems)
        for item in db.session.scalars(select(Item).where(Item.use == EXAM,
                                                          Item.track == "theory")).all()[:6]:
            item.status = "retired"
        db.session.commit()
        state = pools.readiness(pools.scheme().levels[5], "theory")
        assert any(re.search(r"T1\.1\D+10\D+12\D", p) for p in state.problems), state.problems
        with pytest.raises(exam.ExamError, match="T1.1"):
            exam.create_session(5, "x", now, now + timedelta(hours=1), None)
