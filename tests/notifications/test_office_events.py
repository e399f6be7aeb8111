"""Results published, an appeal assigned (on filing and by the office) and an appeal decided:
exactly one notification each to the right person; the office's own mails stay the only mails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.extensions import db
from talentpool.notifications.models import Notification
from talentpool.office import appeals
from talentpool.organisations.models import OfficeRole
from talentpool.organisations.service import by_slug
from tests.conftest import make_organisation
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, publish_now
from tests.office.test_appeals import appoint, sit


@pytest.fixture
def bank(app, tmp_path):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        db.session.commit()


def told(email: str) -> list[tuple[str, dict, str]]:
    user_id = find_user_by_email(email).id
    return [(row.kind, row.params, row.link) for row in db.session.scalars(
        select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))]


def mailed(app, email: str) -> list[str]:
    return [subject for to, subject, _body in app.extensions.get("mail_outbox", [])
            if to == email]


def test_publication_and_appeals_each_notify_once(app, bank, make_user):
    first, second, rater, other_rater, office_admin = (make_user() for _ in range(5))
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north", title="五级 · 第一场")
        attempts = {email: sit(email, sitting, {"theory": True, "practical": False})
                    for email in (first, second)}
        assert [told(email) for email in (first, second)] == [[], []]
        published = publish_now(sitting, appeal_window_days=7)
        for email in (first, second):
            assert told(email) == [(
                "results_published",
                {"title": "五级 · 第一场",
                 "appeal_closes_at": published.appeal_closes_at.isoformat()},
                f"/exams/attempts/{attempts[email].public_id}")]
            assert len(mailed(app, email)) == 1  # the office's mail, no copy

        # Filing assigns the appeal to the rater at once: one notice, one mail.
        appeal = appeals.file_appeal(find_user_by_email(first), attempts[first].public_id,
                                     "practical", "My transcriptions were right.")
        link = f"/admin/organisations/north/appeals/{appeal.public_id}"
        assert told(rater) == [("appeal_assigned", {"title": "五级 · 第一场"}, link)]
        assert len(mailed(app, rater)) == 1

        # The office reassigns it: the new rater is told once.
        appoint("north", other_rater, OfficeRole.RATER)
        appoint("north", office_admin, OfficeRole.OFFICE_ADMIN)
        appeals.assign(by_slug("north"), appeal.public_id,
                       find_user_by_email(other_rater).public_id,
                       find_user_by_email(office_admin))
        assert told(other_rater) == [("appeal_assigned", {"title": "五级 · 第一场"}, link)]
        assert len(told(rater)) == 1 and len(mailed(app, other_rater)) == 1

        # Deciding tells the candidate once; the other candidate hears nothing more.
        same = {r.id: r.score for r in appeals.scored_responses(attempts[first], "practical")}
        appeals.decide(by_slug("north"), appeal.public_id, find_user_by_email(other_rater),
                       "Every answer was scored right.", same)
        decided = told(first)[-1]
        assert decided[0] == "appeal_decided" and len(told(first)) == 2
        assert decided[1]["part"] == "practical" and decided[1]["outcome"] == "upheld"
        assert decided[2] == f"/exams/attempts/{attempts[first].public_id}"
        assert len(mailed(app, first)) == 2 and len(told(second)) == 1


def test_a_refused_appeal_notifies_nobody(app, bank, make_user):
    candidate, rater = make_user(), make_user()
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": False})
        publish_now(sitting, appeal_window_days=7)
        appeals.file_appeal(find_user_by_email(candidate), attempt.public_id, "practical", "x")
        with pytest.raises(appeals.AppealError):  # the same part twice
            appeals.file_appeal(find_user_by_email(candidate), attempt.public_id,
                                "practical", "again")
        assert [kind for kind, _p, _l in told(rater)] == ["appeal_assigned"]
