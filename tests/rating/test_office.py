"""The office's side of rating: recusal, declared conflicts, drawing missing raters, and the
page with agreement and severity."""

from __future__ import annotations

from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.accounts.service import create_user
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.organisations import service as organisations
from talentpool.organisations.models import OfficeRole, OrganisationMember
from talentpool.rating import office, service as rating
from talentpool.rating.models import RaterConflict, RatingAssignment
from tests.conftest import PASSWORD, csrf_from
from tests.rating.test_rating import assignments, level3, score, sit  # noqa: F401  (fixture)


def active_raters(task) -> set[int]:
    db.session.refresh(task)
    return {a.rater_id for a in task.assignments if a.withdrawn_at is None and a.role == "rater"}


def test_a_recusing_rater_is_replaced_and_never_drawn_again(app, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"])
        task = rating.tasks_of_attempt(attempt.id)[0]
        leaving = assignments(task)[0]
        rater_id, public_id = leaving.rater_id, leaving.public_id
        before = active_raters(task)
        office.recuse(rater_id, public_id)
        after = active_raters(task)
        assert rater_id not in after and len(after) == 2 and after - before
        assert db.session.scalar(select(RaterConflict).where(
            RaterConflict.rater_id == rater_id)).reason == "recused"
        assert public_id not in {a.public_id for a in rating.queue_of(rater_id)}
        with pytest_raises(rating.RatingError, "taken off your queue"):
            rating.submit_rating(rater_id, public_id, {"scope": 4, "examples": 3}, {})


def pytest_raises(error, text):
    import pytest

    return pytest.raises(error, match=text)


def test_the_office_declares_a_conflict_and_the_answer_moves(app, client, auth, level3):
    with app.test_request_context():
        attempt_id = sit(level3["candidate"], level3["session"]).id
        task = rating.tasks_of_attempt(attempt_id)[0]
        conflicted = assignments(task)[0].rater_id
        email = db.session.get(User, conflicted).email
        create_user("boss@example.org", "Boss", PASSWORD, Role.ADMIN)
    auth.login("boss@example.org")
    page = client.get("/admin/organisations/talentpool/rating")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    reply = client.post("/admin/organisations/talentpool/rating", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "action": "conflict",
        "rater": email, "candidate": "cand@example.org", "reason": "同事"},
        follow_redirects=True)
    assert "Conflict recorded" in reply.get_data(as_text=True)
    with app.app_context():
        for task in rating.tasks_of_attempt(attempt_id):
            assert conflicted not in active_raters(task) and len(active_raters(task)) == 2
    refused = client.post("/admin/organisations/talentpool/rating", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "action": "conflict",
        "rater": "cand@example.org", "candidate": "cand@example.org"}, follow_redirects=True)
    assert "is neither a rater nor a panel member of this organisation" in refused.get_data(
        as_text=True)


def test_a_task_short_of_raters_is_filled_when_raters_are_appointed(app, level3):
    with app.test_request_context():
        organisation = organisations.default_organisation()
        # Only one rater is left appointed: every answer gets one rater, and waits for another.
        db.session.execute(db.delete(OrganisationMember).where(
            OrganisationMember.user_id.in_(level3["raters"][1:])))
        db.session.commit()
        attempt = sit(level3["candidate"], level3["session"])
        task = rating.tasks_of_attempt(attempt.id)[0]
        assert len(active_raters(task)) == 1
        assert {row.task.id: row.missing for row in office.overview(organisation)}[task.id] == 1
        with pytest_raises(rating.RatingError, "No eligible rater is left"):
            office.fill(organisation, task.public_id, None)
        db.session.rollback()
        db.session.add(OrganisationMember(organisation_id=organisation.id,
                                          user_id=level3["raters"][1], role=OfficeRole.RATER))
        db.session.commit()
        assert office.fill(organisation, task.public_id, None) == 1
        assert len(active_raters(task)) == 2


def test_the_page_shows_agreement_per_task_after_scoring(app, client, auth, level3):
    from talentpool.certification.service import issue_certificate
    from tests.office.helpers import seat

    with app.test_request_context():
        attempts = [sit(level3["candidate"], level3["session"])]
        for n in range(2):
            other = create_user(f"other{n}@example.org", f"Other {n}", PASSWORD, Role.TRAINEE)
            for level in (5, 4):
                issue_certificate(other, level, 80, 80)
            seat(level3["session"], other.id)
            attempts.append(sit(other.id, level3["session"]))
        for attempt in attempts:
            for task in rating.tasks_of_attempt(attempt.id):
                for assignment in assignments(task):
                    score(assignment, 4, 3)
        create_user("boss@example.org", "Boss", PASSWORD, Role.ADMIN)
    auth.login("boss@example.org")
    page = client.get("/admin/organisations/talentpool/rating").get_data(as_text=True)
    assert page.count("3 answers · exact agreement 100%") == 2  # both tasks of the paper
    # Every answer got full marks: no candidate has a finite measure, and the page says so.
    assert "The rater model cannot be fitted yet: every score so far is at the top" in page


def test_an_overdue_answer_is_reminded_and_can_be_reassigned(app, level3):
    from datetime import timedelta

    from talentpool.database import utcnow

    with app.test_request_context():
        organisation = organisations.default_organisation()
        attempt = sit(level3["candidate"], level3["session"])
        task = rating.tasks_of_attempt(attempt.id)[0]
        late = assignments(task)[0]
        late_rater, late_id = late.rater_id, late.public_id
        with pytest_raises(rating.RatingError, "not overdue yet"):
            office.reassign(organisation, late_id, None)
        after_due = utcnow() + timedelta(days=6)
        app.extensions["mail_outbox"] = []
        raters = {a.rater_id for t in rating.tasks_of_attempt(attempt.id) for a in assignments(t)}
        assert office.remind_overdue(after_due) == f"reminded {len(raters)} raters"
        reminded = {to for to, subject, _body in app.extensions["mail_outbox"]
                    if "overdue" in subject}
        assert reminded == {db.session.get(User, r).email for r in raters}
        replacement = office.reassign(organisation, late_id, None, after_due)
        assert replacement is not None and replacement.rater_id not in (late_rater,)
        assert late_rater not in active_raters(task) and len(active_raters(task)) == 2
        with pytest_raises(rating.RatingError, "no longer waits"):
            office.reassign(organisation, late_id, None, after_due)
