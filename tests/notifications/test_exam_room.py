"""The exam room overrides the navigation block: no bell there, and no query for one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from talentpool.assessment import exam
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.assessment.test_exam import attempt_row, start
from tests.exam_bank import make_ready_bank
from tests.notifications.test_pages import notify_many


@pytest.fixture
def mock_exam(app, tmp_path):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        now = utcnow()
        return exam.create_session(5, "Level 5 · test", now - timedelta(hours=1),
                                   now + timedelta(hours=5), None).public_id


def test_the_exam_room_has_no_bell_and_costs_no_notification_query(app, client, auth,
                                                                    make_user, mock_exam):
    email = make_user()
    notify_many(app, email, 2)
    auth.login(email)
    start(client, mock_exam)
    attempt = attempt_row(app)
    statements = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_rest):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        room = client.get(f"/exams/attempts/{attempt.public_id}")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert room.status_code == 200 and 'id="task"' in room.get_data(as_text=True)
    assert 'id="bell"' not in room.get_data(as_text=True)
    assert statements and not [s for s in statements if "notification" in s]
    assert 'data-unread="2"' in client.get("/exams/").get_data(as_text=True)
