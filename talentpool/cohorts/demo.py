"""Demo data for institutions: one institution, its demo admin and a cohort with a trainee.

Idempotent: a second call finds what the first one made and changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.cohorts import enrolment, service
from talentpool.cohorts.models import Cohort, Institution
from talentpool.database import utcnow
from talentpool.extensions import db

DEMO_INSTITUTION = "示范数据标注培训基地 (demo)"
DEMO_COHORT = "2026 春季五级班 (demo)"
DEMO_QUOTAS = {"text_classification": 30, "named_entities": 20, "theory": 40}


def seed_institution(staff_email: str, admin_email: str, trainee_emails: list[str]) -> str:
    """Create the demo institution (``staff_email`` as its admin) and a cohort with the trainees."""
    staff, admin = find_user_by_email(staff_email), find_user_by_email(admin_email)
    institution = db.session.scalar(select(Institution).where(Institution.name == DEMO_INSTITUTION))
    if institution is None:
        institution, _link = service.create_institution(DEMO_INSTITUTION, staff.email, admin)
    cohort = db.session.scalar(select(Cohort).where(Cohort.institution_id == institution.id,
                                                    Cohort.name == DEMO_COHORT))
    if cohort is None:
        available = service.practice_items_available()
        quotas = {track: min(quota, available.get(track, 0))
                  for track, quota in DEMO_QUOTAS.items() if available.get(track)}
        if not quotas:
            return f"institution {DEMO_INSTITUTION}; no demo cohort: no practice items yet"
        today = utcnow().date()
        cohort = service.create_cohort(institution.id, DEMO_COHORT, 5, quotas,
                                       today - timedelta(days=14), today + timedelta(days=46),
                                       staff)
    for email in trainee_emails:
        user = find_user_by_email(email)
        if user is not None:
            enrolment.join(cohort.join_code, user)
    return f"institution {DEMO_INSTITUTION}, cohort {DEMO_COHORT}"
