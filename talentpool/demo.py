"""Demo data: one account per role, so every part of the product can be tried at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from talentpool.accounts import service as accounts
from talentpool.auth import Role
from talentpool.extensions import db

DEMO_ACCOUNTS = (
    (Role.TRAINEE, "trainee@demo.talentpool.test", "王小明 (demo trainee)"),
    (Role.INSTITUTION_STAFF, "staff@demo.talentpool.test", "李老师 (demo institution)"),
    (Role.EMPLOYER, "employer@demo.talentpool.test", "张经理 (demo employer)"),
    (Role.ADMIN, "admin@demo.talentpool.test", "Demo administrator"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


def seed_accounts(password: str | None = None) -> list[DemoLogin]:
    """Create the demo accounts, or give existing ones a fresh password; one commit."""
    logins = []
    for role, email, name in DEMO_ACCOUNTS:
        chosen = password or f"demo-{secrets.token_urlsafe(9)}"
        user = accounts.find_user_by_email(email)
        if user is None:
            accounts.add_user(email, name, chosen, role)
        else:
            accounts.set_password(user, chosen)
            user.active = True
        logins.append(DemoLogin(role, email, chosen))
    db.session.commit()
    return logins


def seed_certification() -> list[str]:
    """A valid level-5 certificate for the demo trainee, and open level 5 and 4 sessions."""
    from datetime import timedelta

    from talentpool.assessment import exam
    from talentpool.certification.public import verify_url
    from talentpool.certification.service import certificates_of, issue_certificate
    from talentpool.database import utcnow

    lines = []
    trainee = accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])
    if not certificates_of(trainee.id):
        issue_certificate(trainee, 5, 86, 78)
    certificate = certificates_of(trainee.id)[0]
    lines.append(f"Demo certificate {certificate.serial}: {verify_url(certificate.serial)}")
    if not exam.open_sessions(utcnow()):
        now = utcnow()
        for level in (5, 4):
            try:
                exam.create_session(level, f"Demo · level {level}", now,
                                    now + timedelta(days=30), None)
                lines.append(f"Exam session for level {level} open for 30 days")
            except exam.ExamError as error:
                lines.append(f"No level {level} session: {error}")
    return lines


def seed_talent_pool() -> str:
    """A verified organisation for the demo employer and a listed profile for the demo trainee,
    plus a few hundred generated profiles (once) so that the search has something to find."""
    from sqlalchemy import func, select

    from talentpool.directory import employers, profiles
    from talentpool.directory.models import TalentProfile
    from talentpool.directory.placement import recompute_tier
    from talentpool.directory.seed import seed_profiles

    admin = accounts.find_user_by_email(DEMO_ACCOUNTS[3][1])
    employer = accounts.find_user_by_email(DEMO_ACCOUNTS[2][1])
    organisation = employers.organisation_of(employer.id)
    if organisation is None:
        organisation = employers.register_organisation(employer, "示范科技有限公司 (demo)")
    if organisation.verified_at is None:
        employers.set_verified(organisation.public_id, True, admin)
    trainee = accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])
    recompute_tier(trainee.id)
    if profiles.profile_of(trainee.id) is None or not profiles.profile_of(trainee.id).listed:
        profiles.update_profile(trainee, {"pool_name": "小明 (demo)", "region": "上海",
                                          "languages": ["zh", "en"], "availability": "part_time"})
        profiles.give_consent(trainee, ["region", "languages"])
    listed = db.session.scalar(select(func.count()).select_from(TalentProfile)
                               .where(TalentProfile.listed.is_(True))) or 0
    created = seed_profiles(300, 2026) if listed < 50 else 0
    return (f"Talent pool: employer organisation verified, demo trainee listed, "
            f"{created} generated profiles added")
