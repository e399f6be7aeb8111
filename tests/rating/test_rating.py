"""Blind multi-rater scoring of written work, through the exam and rating services.

A level-3 candidate (holding levels 5 and 4) sits a certifying sitting whose practical part is
two written tasks; the organisation has raters. Their scores decide the part as the module
docstrings of ``rating.service`` and ``assessment.grading`` say.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.accounts.service import create_user
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt, Item
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.cohorts.models import Cohort, Enrolment, Institution, InstitutionMember
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.publication import PublicationError, publish
from talentpool.organisations import service as organisations
from talentpool.organisations.models import OfficeRole, OrganisationMember
from talentpool.rating import service as rating
from talentpool.rating.models import ADJUDICATION, ADJUDICATOR, FINAL, RaterConflict, RatingTask
from talentpool.scoring import get_scorer
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, seat

WRITTEN = {"text": "## 标注规范\n\n- 标签定义……\n- 正反例……", "files": []}
BLANK = {"text": "  ", "files": []}


@pytest.fixture
def level3(app, tmp_path, monkeypatch):
    """A ready bank with a rated level-3 practical part, a candidate who may sit level 3, a
    level-3 sitting with the candidate seated, and four raters of the organisation."""
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    make_ready_bank(app, tmp_path, rated_levels=(3,))
    with app.app_context():
        candidate = create_user("cand@example.org", "Candidate Chen", PASSWORD, Role.TRAINEE)
        for level in (5, 4):
            issue_certificate(candidate, level, 80, 80)
        session = make_sitting(3, "Level 3 · sitting")
        seat(session, candidate.id)
        organisation = organisations.default_organisation()
        raters = []
        for n in range(4):
            person = create_user(f"rater{n}@example.org", f"Rater {n}", PASSWORD, Role.TRAINEE)
            db.session.add(OrganisationMember(organisation_id=organisation.id,
                                              user_id=person.id, role=OfficeRole.RATER))
            raters.append(person.id)
        db.session.commit()
        return {"candidate": candidate.id, "session": session.public_id, "raters": raters,
                "organisation": organisation.id}


def sit(candidate_id: int, session_public_id: str, written=(WRITTEN, WRITTEN)) -> ExamAttempt:
    """Answer every theory item with its gold, then the written tasks with ``written``."""
    attempt = exam.start_attempt(candidate_id, session_public_id)
    while attempt.state == "theory":
        item = db.session.get(Item, attempt.current_item_id)
        gold = get_scorer(item.type_id).gold_answer(item.spec, item.gold)
        attempt = exam.submit_answer(attempt, attempt.sequence, gold)
    for answer in written:
        assert attempt.state == "practical"
        assert db.session.get(Item, attempt.current_item_id).type_id == "rubric"
        attempt = exam.submit_answer(attempt, attempt.sequence, answer)
    return attempt


def training_base() -> tuple[Institution, Cohort]:
    institution = Institution(name="Training base")
    db.session.add(institution)
    db.session.flush()
    cohort = Cohort(institution_id=institution.id, name="Spring", starts_on=utcnow().date(),
                    deadline=utcnow().date())
    db.session.add(cohort)
    db.session.flush()
    return institution, cohort


def enrolment(cohort: Cohort, user_id: int) -> Enrolment:
    return Enrolment(cohort_id=cohort.id, user_id=user_id, email=f"{user_id}@example.org",
                     name=str(user_id), source="roster", joined_at=utcnow())


def assignments(task: RatingTask, role: str = "rater"):
    return [a for a in task.assignments if a.role == role]


def score(assignment, scope: int, examples: int):
    return rating.submit_rating(assignment.rater_id, assignment.public_id,
                                {"scope": scope, "examples": examples}, {"scope": "清楚"})


def test_written_answers_go_to_two_blind_raters_and_the_final_points_decide(app, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"])
        assert attempt.state == "awaiting_rating"
        assert attempt.part_results["theory"]["score"] >= 60
        assert attempt.part_results["practical"]["status"] == "awaiting_rating"
        with pytest.raises(PublicationError, match="waiting for their raters"):
            publish(organisations.default_organisation(), level3["session"], None,
                    now=utcnow() + timedelta(days=2))  # after the sitting closed
        first, second = rating.tasks_of_attempt(attempt.id)
        for task in (first, second):
            people = {a.rater_id for a in assignments(task)}
            assert len(people) == 2 and people <= set(level3["raters"])
        # First answer: 7 and 5 of 7 points differ by more than 20 % of 7 → adjudicated.
        score(assignments(first)[0], 4, 3)
        score(assignments(first)[1], 2, 3)
        db.session.refresh(first)
        assert first.state == ADJUDICATION
        (adjudicator,) = assignments(first, ADJUDICATOR)
        assert adjudicator.rater_id not in {a.rater_id for a in assignments(first)}
        score(adjudicator, 4, 3)
        # Second answer: 5 and 4 points are close enough → the raters' mean per criterion.
        score(assignments(second)[0], 2, 3)
        score(assignments(second)[1], 4, 0)
        db.session.refresh(first)
        db.session.refresh(second)
        assert (first.state, first.decided_by, first.final_points) == (
            FINAL, "adjudicator", {"scope": 4, "examples": 3})
        assert (second.state, second.decided_by, second.final_points) == (
            FINAL, "mean", {"scope": 3.0, "examples": 1.5})
        attempt = db.session.get(ExamAttempt, attempt.id)
        practical = attempt.part_results["practical"]
        # (7 + 4.5) of 14 points = 82.1 → 82, passed; then the office publishes as usual.
        assert (practical["status"], practical["score"], practical["points"]) == (
            "scored", 82, 11.5)
        # One candidate is too few to model rater severity: the raters' means stand, and say so.
        assert practical["severity"]["fair"] is False
        assert "needs at least 30" in practical["severity"]["reason"]
        assert attempt.state == "passed" and attempt.practical_score == 82.0


def test_a_blank_answer_scores_zero_without_raters_and_fails_the_part(app, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"], written=(WRITTEN, BLANK))
        (task,) = rating.tasks_of_attempt(attempt.id)  # only the answer with content
        for assignment in assignments(task):
            score(assignment, 4, 3)
        attempt = db.session.get(ExamAttempt, attempt.id)
        assert attempt.part_results["practical"]["score"] == 50
        assert attempt.state == "failed"


def test_nobody_who_teaches_the_candidate_or_declared_a_conflict_is_drawn(app, level3):
    with app.test_request_context():
        teacher, conflicted = level3["raters"][:2]
        institution, cohort = training_base()
        db.session.add_all([
            InstitutionMember(institution_id=institution.id, user_id=teacher, role="instructor",
                              email="teacher@example.org"),
            enrolment(cohort, level3["candidate"]),
            RaterConflict(organisation_id=level3["organisation"], rater_id=conflicted,
                          candidate_id=level3["candidate"], reason="neighbour")])
        db.session.commit()
        attempt = sit(level3["candidate"], level3["session"])
        for task in rating.tasks_of_attempt(attempt.id):
            assert {a.rater_id for a in assignments(task)} == set(level3["raters"][2:])


def test_only_the_assigned_rater_scores_and_bad_scores_store_nothing(app, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"])
        task = rating.tasks_of_attempt(attempt.id)[0]
        mine = assignments(task)[0]
        outsider = next(r for r in level3["raters"]
                        if r not in {a.rater_id for a in assignments(task)})
        with pytest.raises(rating.RatingError, match="not assigned to you"):
            rating.submit_rating(outsider, mine.public_id, {"scope": 4, "examples": 3}, {})
        with pytest.raises(rating.RatingError, match="rating.points.examples: is missing"):
            rating.submit_rating(mine.rater_id, mine.public_id, {"scope": 4}, {})
        with pytest.raises(rating.RatingError, match="level's points"):
            rating.submit_rating(mine.rater_id, mine.public_id, {"scope": 3, "examples": 3}, {})
        db.session.rollback()
        db.session.refresh(mine)
        assert mine.submitted_at is None and mine.points is None
        score(mine, 4, 3)
        with pytest.raises(rating.RatingError, match="already scored"):
            score(mine, 2, 0)


def test_a_rater_who_starts_teaching_the_candidate_is_refused(app, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"])
        assignment = assignments(rating.tasks_of_attempt(attempt.id)[0])[0]
        institution, cohort = training_base()
        db.session.add_all([
            InstitutionMember(institution_id=institution.id, user_id=assignment.rater_id,
                              role="instructor", email="teacher@example.org"),
            enrolment(cohort, level3["candidate"])])
        db.session.commit()
        with pytest.raises(rating.RatingError, match="You teach this candidate"):
            score(assignment, 4, 3)


def test_the_queue_and_scoring_page_never_show_who_wrote_the_answer(app, client, auth, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"])
        assignment = assignments(rating.tasks_of_attempt(attempt.id)[0])[0]
        rater = db.session.get(User, assignment.rater_id).email
        public_id = assignment.public_id
    auth.login(rater)
    queue = client.get("/rating/").get_data(as_text=True)
    assert public_id in queue
    page = client.get(f"/rating/answers/{public_id}").get_data(as_text=True)
    assert "标注规范" in page and "<h2>标注规范</h2>" in page  # the answer, rendered
    for secret in ("Candidate Chen", "cand@example.org"):
        assert secret not in queue and secret not in page
    from tests.conftest import csrf_from

    refused = client.post(f"/rating/answers/{public_id}", data={
        "csrf_token": csrf_from(page), "points_scope": "4"})
    assert "Choose a level for this criterion." in refused.get_data(as_text=True)
    saved = client.post(f"/rating/answers/{public_id}", data={
        "csrf_token": csrf_from(page), "points_scope": "4", "points_examples": "3",
        "comment_scope": "完整", "overall": "好"})
    assert saved.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(type(assignment)).where(
            type(assignment).public_id == public_id))
        assert stored.points == {"scope": 4, "examples": 3}
        assert stored.comments == {"scope": "完整", "": "好"}
    auth.logout()
    auth.login("rater3@example.org" if rater != "rater3@example.org" else "rater0@example.org")
    assert client.get(f"/rating/answers/{public_id}").status_code == 404


def test_the_candidate_sees_the_task_and_its_materials_but_never_the_marking_notes(
        app, client, auth, level3):
    with app.test_request_context():
        attempt = sit(level3["candidate"], level3["session"], written=())
        public_id = attempt.public_id
    auth.login("cand@example.org")
    page = client.get(f"/exams/attempts/{public_id}").get_data(as_text=True)
    assert 'class="input tp-answer"' in page and "<table>" in page  # the data sample, rendered
    assert "Should cover label definitions" not in page and "应覆盖标签定义" not in page
