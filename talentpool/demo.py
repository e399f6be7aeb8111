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
    (Role.TRAINEE, "rater@demo.talentpool.test", "赵考评员 (demo rater)"),
    (Role.ADMIN, "reviewer@demo.talentpool.test", "Demo content reviewer"),
)
DEMO_IMPORTER, DEMO_REVIEWER = DEMO_ACCOUNTS[3][1], DEMO_ACCOUNTS[5][1]


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


def approve_demo_drafts() -> str:
    """The demo content reviewer approves the drafts the demo administrator imported, so the
    shipped packs are live; one commit."""
    from talentpool.assessment import drafts

    reviewer = accounts.find_user_by_email(DEMO_REVIEWER)
    waiting = [(row.item.public_id, row.item.content_hash)
               for _pack, rows in drafts.queue() for row in rows
               if row.item.imported_by_id != reviewer.id]
    if not waiting:
        return "Exam packs: no drafts waiting for review"
    reviewed = drafts.approve_many(waiting, reviewer)
    return (f"Exam packs: {len(reviewed)} drafts imported by {DEMO_IMPORTER} approved by the "
            f"demo content reviewer {DEMO_REVIEWER}")


DEMO_CUTS = {5: -0.3, 4: 0.4, 3: 0.9}  # θ of each level's standard (simulated panels)
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
    """A certifying item bank from simulated data, level 5 and 4 mock exams, and a level-5
    certificate earned by the demo trainee through the office (a simulated sitting)."""
    from datetime import timedelta

    import numpy as np

    from talentpool.assessment import exam, field_test, standards
    from talentpool.assessment.calibration import active_run
    from talentpool.certification.public import verify_url
    from talentpool.certification.service import certificates_of, valid_certificates_of
    from talentpool.database import utcnow

    rng = np.random.default_rng(20261201)
    lines = [seed_organisation()]
    if active_run("theory") is None or active_run("practical") is None:
        field_test.simulate_field_test(FIELD_TEST_PERSONS, rng)
        lines.append(f"Item bank calibrated from a SIMULATED field test: {FIELD_TEST_PERSONS} "
                     "simulated candidates answered every item (replace with real answers).")
    from talentpool.assessment import pools

    for level, cut in DEMO_CUTS.items():
        for part in ("theory", "practical"):
            if pools.scheme().levels[level].part(part).rated:
                continue  # written work is scored by raters: no standard study
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
                exam.create_session(level, f"模拟考试 · Mock exam · level {level}", now,
                                    now + timedelta(days=30), None)
                lines.append(f"Mock exam for level {level} open for 30 days (no certificate)")
            except exam.ExamError as error:
                lines.append(f"No level {level} mock exam: {error}")
    trainee = accounts.find_user_by_email(DEMO_ACCOUNTS[0][1])
    if not certificates_of(trainee.id) and active_run("practical") is not None:
        from flask import current_app

        from talentpool.urls import public_base_url

        from talentpool.office.plans import PlanError

        with current_app.test_request_context(base_url=public_base_url()):  # mails name links
            try:
                lines.extend(seed_certifying_path(trainee, rng, now))
            except PlanError as error:  # an earlier, interrupted seeding left its plans
                db.session.rollback()
                lines.append(f"Demo plans not seeded again: {error}")
    from talentpool.demo_rating import seed_written_work

    lines.extend(seed_written_work(now))
    valid = valid_certificates_of(trainee.id)  # a re-run may have revoked or replaced one
    if valid:
        lines.append(f"Demo certificate {valid[0].serial}: {verify_url(valid[0].serial)}")
    elif certificates_of(trainee.id):
        lines.append("The demo trainee holds no valid certificate now (revoked or replaced).")
    return lines


DEMO_ID_NUMBER = "11010519491231002X"  # the GB 11643 example number, not a real person's


def demo_photo() -> bytes:
    """A plain drawn portrait for the demo trainee's certificate photo."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (390, 567), (214, 228, 242))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 90, 270, 260), fill=(238, 205, 180))
    draw.rectangle((80, 300, 310, 567), fill=(48, 72, 110))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def seed_certifying_path(trainee, rng, now) -> list[str]:
    """The demo trainee's way to a certificate through the office, with SIMULATED answers:
    identity and photo, registration for a past level-5 plan of the demo organisation, review,
    seat and ticket, check-in, the sitting, sign-off, publication and — the appeal window
    over — the certificate. An open level-4 plan is left to try registration on."""
    from datetime import timedelta

    from talentpool.assessment import field_test
    from talentpool.certification import holders, photos
    from talentpool.office import (
        checkin, plans, proctor_log, publication, registration, registration_review,
    )
    from talentpool.organisations import service as organisations

    admin = accounts.find_user_by_email(DEMO_ACCOUNTS[3][1])
    organisation = organisations.default_organisation()
    holders.set_identity(trainee, "resident_id", DEMO_ID_NUMBER)
    if photos.approved_photo(trainee.id) is None:
        waiting = photos.upload_photo(trainee, demo_photo())
        photos.approve_photo(waiting.public_id, admin)
    start = (now - timedelta(days=40)).replace(second=0, microsecond=0)
    plan = plans.create_plan(organisation, 5, "2026 年第四批五级认定（演示）", "2026-04", start,
                             start + timedelta(days=14), admin)
    entry = registration.register(
        trainee, plan.public_id, "training", "王小明",
        "在示例培训基地完成五级培训 60 学时（演示）",
        [registration.Upload("结业证书.pdf", DEMO_EVIDENCE)], now=start + timedelta(days=1))
    registration_review.review(organisation, entry.public_id, "approve", "", admin,
                               now=start + timedelta(days=2))
    opens = start + timedelta(days=20)
    sitting = plans.add_sitting(organisation, plan.public_id, "第一考场", opens,
                                opens + timedelta(hours=4), "A 座 301", False, 30, admin)
    plans.assign_seats(organisation, plan.public_id, admin)
    seated = registration.own_registration(trainee, entry.public_id)
    checkin.check_in(organisation, sitting.public_id, seated.ticket_number, "present", admin,
                     photo_matches=True)
    attempt = field_test.simulate_sitting(trainee.id, sitting.public_id, 2.5, rng,
                                          now=opens + timedelta(minutes=5))
    results = attempt.part_results
    lines = [f"Demo trainee registered for {plan.title}, was approved, seated "
             f"({seated.ticket_number}), checked in and sat it with SIMULATED answers: theory "
             f"{results['theory']['score']}, practical {results['practical']['score']} — "
             f"{attempt.state}"]
    proctor_log.sign_off(organisation, sitting.public_id, admin, "演示考场，秩序良好",
                         now=opens + timedelta(hours=4))
    publication.publish(organisation, sitting.public_id, admin, now=opens + timedelta(days=1))
    issued = publication.release_sitting(sitting, now)
    lines.append(f"Results published; appeal window closed; {issued} certificate issued")
    later = (now + timedelta(days=40)).replace(second=0, microsecond=0)
    open_plan = plans.create_plan(organisation, 4, "2027 年第一批四级认定（演示）", "2027-01",
                                  now.replace(second=0, microsecond=0), now + timedelta(days=30),
                                  admin)
    plans.add_sitting(organisation, open_plan.public_id, "第一考场", later,
                      later + timedelta(hours=4), "A 座 301", False, 30, admin)
    lines.append(f"Registration open for {open_plan.title} until "
                 f"{(now + timedelta(days=30)):%Y-%m-%d}")
    return lines


DEMO_EVIDENCE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                 b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


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
