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


DEMO_CUTS = {5: -0.3, 4: 0.4}  # θ at which the simulated panels place each level's standard
FIELD_TEST_PERSONS = 350


DEMO_ORGANISATION = ("demo-centre", "示例职业技能评价中心（演示）",
                     "Demo Skills Evaluation Centre (not a real organisation)")


def seed_organisation() -> str:
    """The demo's evaluation organisation, registered (for the demo only) for every level."""
    from talentpool.organisations import service as organisations

    slug, name, name_en = DEMO_ORGANISATION
    if organisations.organisations():
        return f"Evaluation organisation: {organisations.default_organisation().name}"
    organisations.create_organisation(slug, organisations.OrganisationFields(
        name=name, name_en=name_en, code="DEMO", registration_number="DEMO (not registered)",
        registered_levels=(5, 4, 3, 2, 1), contact_email="office@demo.talentpool.test"))
    return f"Evaluation organisation: {name} (demo, registered for levels 5–1 for the demo only)"


def seed_certification() -> list[str]:
    """A certifying item bank from simulated data, open level 5 and 4 sessions, and a level-5
    certificate earned by the demo trainee through a (simulated) sitting."""
    from datetime import timedelta

    import numpy as np

    from talentpool.assessment import exam, field_test, standards
    from talentpool.assessment.calibration import active_run
    from talentpool.certification.public import verify_url
    from talentpool.certification.service import certificates_of
    from talentpool.database import utcnow

    rng = np.random.default_rng(20261201)
    lines = [seed_organisation()]
    if active_run("theory") is None or active_run("practical") is None:
        field_test.simulate_field_test(FIELD_TEST_PERSONS, rng)
        lines.append(f"Item bank calibrated from a SIMULATED field test: {FIELD_TEST_PERSONS} "
                     "simulated candidates answered every item (replace with real answers).")
    for level, cut in DEMO_CUTS.items():
        for part in ("theory", "practical"):
            if standards.active_standard(level, part) is None:
                try:
                    study = field_test.simulate_angoff_panel(level, part, cut, rng)
                except standards.StandardSettingError as error:
                    lines.append(f"No standard for level {level} {part}: {error}")
                    continue
                lines.append(f"Level {level} {part}: standard from a SIMULATED Angoff panel, "
                             f"cut θ {study.cut_theta:.2f} (SE {study.cut_se:.2f})")
    now = utcnow()
    if not exam.open_sessions(now):
        for level in DEMO_CUTS:
            try:
                exam.create_session(level, f"Demo · level {level}", now,
                                    now + timedelta(days=30), None)
                lines.append(f"Exam session for level {level} open for 30 days")
            except exam.ExamError as error:
                lines.append(f"No level {level} session: {error}")
    trainee = accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])
    if not certificates_of(trainee.id):
        level_five = next((s for s in exam.open_sessions(now) if s.level == 5), None)
        for _ in range(5 if level_five else 0):  # a strong candidate; a rare fail retakes
            attempt = field_test.simulate_sitting(trainee.id, level_five.public_id, 1.5, rng)
            results = attempt.part_results
            lines.append(f"Demo trainee sat level 5 with simulated answers: theory "
                         f"{results['theory']['score']}, practical "
                         f"{results['practical']['score']} — {attempt.state}")
            if attempt.passed:
                break
            _clear_retake_wait(attempt)
    certificates = certificates_of(trainee.id)
    if certificates:
        lines.append(f"Demo certificate {certificates[0].serial}: "
                     f"{verify_url(certificates[0].serial)}")
    return lines


def _clear_retake_wait(attempt) -> None:
    """Demo only: let the demo trainee sit again at once after an unlucky simulated fail."""
    from datetime import timedelta

    attempt.finished_at = attempt.finished_at - timedelta(days=400)
    db.session.commit()


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
