"""Two institutions, each with an administrator, a cohort and a joined trainee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest

from talentpool.accounts.service import find_user_by_email
from talentpool.auth import Role
from talentpool.assessment.models import Item
from talentpool.cohorts import enrolment, service
from talentpool.practice.models import Response, SkillEstimate
from tests.packs import make_practice_bank


def answer(user_id: int, item: Item, score: float, when: datetime) -> Response:
    return Response(user_id=user_id, item_id=item.id, item_revision=1, track=item.track,
                    mode="practice", answer={}, score=score, category=int(score), max_category=1,
                    feedback={}, created_at=when)


def estimate(user_id: int, track: str, theta: float, se: float) -> SkillEstimate:
    return SkillEstimate(user_id=user_id, track=track, theta=theta, se=se, score=50 + 12.5 * theta,
                         score_se=12.5 * se, n_items=5, provisional=True)


@dataclass
class Side:
    staff_email: str
    cohort_id: str
    trainee_email: str
    trainee_id: str


def make_institution(app, make_user, name: str, trainee_name: str) -> Side:
    """An institution whose admin runs one cohort with one joined trainee."""
    staff = make_user(Role.INSTITUTION_STAFF)
    trainee = make_user(Role.TRAINEE, name=trainee_name)
    admin = make_user(Role.ADMIN)
    with app.app_context():
        institution, link = service.create_institution(name, staff, find_user_by_email(admin))
        assert link is None
        cohort = service.create_cohort(institution.id, f"{name} 2026 春季班", 5,
                                       {"text_classification": 10, "theory": 10},
                                       date(2026, 3, 1), date(2026, 3, 31),
                                       find_user_by_email(staff))
        user = find_user_by_email(trainee)
        enrolment.join(cohort.join_code, user)
        return Side(staff, cohort.public_id, trainee, user.public_id)


@pytest.fixture
def practice_bank(app, tmp_path):
    """Enough practice items for the plans these tests set."""
    with app.app_context():
        make_practice_bank(tmp_path, {"text_classification": 12, "theory": 12,
                                      "object_detection": 4})


@pytest.fixture
def two_institutions(app, make_user, practice_bank):
    return (make_institution(app, make_user, "甲培训基地", "张三"),
            make_institution(app, make_user, "Beta Academy", "Li Si"))


@pytest.fixture(autouse=True)
def english_interface(request):
    """These tests read the English wording; the default interface language is Chinese."""
    if "client" not in request.fixturenames:
        return
    from tests.conftest import csrf_from

    client = request.getfixturevalue("client")
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": csrf_from(page)})
