"""Isolation of the assessment office: every office page, export and action of one organisation
is closed to another organisation's office, to people whose role does not cover it, to
candidates and to visitors; and a candidate reaches only their own ticket and attempt.

The routes are walked from the application's URL map, so a page added later is covered too;
the owner's own walk first shows that the ids used really open the pages (else a 404 elsewhere
would prove nothing).
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.models import ExamAttempt, ExamSession, SessionAppointment
from talentpool.auth import Role
from talentpool.certification.models import HolderPhoto, PhotoState
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import (
    APPROVED, PRESENT, Appeal, ArchiveBundle, Evidence, Registration,
)
from talentpool.organisations import office
from talentpool.organisations.models import (
    AuditEntry, Complaint, Organisation, OrganisationMember,
)
from tests.conftest import csrf_from, make_organisation
from tests.office.helpers import make_plan

PREFIX = "/admin/organisations/<slug>"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 200, 220)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def office_world(app, make_user):
    """Organisation ``north`` with one of every office record, ``south`` beside it, and people
    in each role."""
    people = {name: make_user(role) for name, role in (
        ("north_admin", Role.TRAINEE), ("south_admin", Role.TRAINEE),
        ("proctor", Role.TRAINEE), ("rater", Role.TRAINEE), ("candidate", Role.TRAINEE),
        ("other_candidate", Role.TRAINEE), ("site_admin", Role.ADMIN))}
    with app.app_context():
        north = make_organisation("north", "北方技能评价中心")
        south = make_organisation("south", "南方技能评价中心")
        site_admin = find_user_by_email(people["site_admin"])
        for who, organisation, role in (("north_admin", north, "office_admin"),
                                        ("south_admin", south, "office_admin"),
                                        ("proctor", north, "proctor"),
                                        ("rater", north, "rater")):
            office.appoint(organisation, people[who], role, site_admin)
        plan = make_plan(5, "north")
        now = utcnow()
        sitting = ExamSession(level=5, title="第一考场", opens_at=now - timedelta(hours=2),
                              closes_at=now - timedelta(hours=1), organisation_id=north.id,
                              plan_id=plan.id, room="101", capacity=30)
        db.session.add(sitting)
        db.session.flush()
        candidate = find_user_by_email(people["candidate"])
        registration = Registration(plan_id=plan.id, user_id=candidate.id,
                                    candidate_name="张三", route="work-1y", state=APPROVED,
                                    sitting_id=sitting.id, seat="001",
                                    ticket_number="B1-01-001-ABCD", attendance=PRESENT)
        db.session.add(registration)
        db.session.flush()
        evidence = Evidence(registration_id=registration.id, filename="a.pdf",
                            content_type="application/pdf", sha256="0" * 64,
                            data=b"%PDF-1.4\n%%EOF\n")
        db.session.add_all([evidence, HolderPhoto(user_id=candidate.id, state=PhotoState.APPROVED,
                                                  jpeg=_jpeg(), decided_at=now)])
        attempt = ExamAttempt(session_id=sitting.id, user_id=candidate.id, level=5,
                              state="failed", passed=False, part_deadline=now,
                              finished_at=now, theory_score=70, practical_score=50,
                              part_results={})
        db.session.add(attempt)
        db.session.flush()
        appeal = Appeal(attempt_id=attempt.id, part="practical", reason="请复核",
                        rater_id=find_user_by_email(people["rater"]).id)
        bundle = ArchiveBundle(organisation_id=north.id, session_id=sitting.id,
                               retain_until=now + timedelta(days=1), sha256="0" * 64,
                               data=b"PK")
        complaint = Complaint(reference="C-ISOLATE1", organisation_id=north.id,
                              complainant_id=candidate.id, about="process", text="考场太吵")
        staff = SessionAppointment(session_id=sitting.id,
                                   user_id=find_user_by_email(people["north_admin"]).id,
                                   duty="supervisor")
        db.session.add_all([appeal, bundle, complaint, staff])
        db.session.commit()
        member = db.session.scalar(select(OrganisationMember.id).where(
            OrganisationMember.organisation_id == north.id,
            OrganisationMember.role == "rater"))
        ids = {"plan_public_id": plan.public_id, "sitting_public_id": sitting.public_id,
               "session_id": sitting.public_id, "registration_public_id": registration.public_id,
               "evidence_id": evidence.id, "bundle_id": bundle.id, "reference": "C-ISOLATE1",
               "appointment_id": staff.id, "member_id": member, "kind": "csv",
               "attempt_public_id": attempt.public_id}
        return people, ids, {"registration": registration.public_id,
                             "appeal": appeal.public_id}


def office_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX)]


def url_for_rule(rule, slug: str, ids: dict, public_ids: dict) -> str:
    values = {"slug": slug}
    for arg in rule.arguments - {"slug"}:
        if arg == "public_id":
            values[arg] = public_ids["appeal" if "/appeals/" in rule.rule else "registration"]
        else:
            values[arg] = ids[arg]
    return rule.build(values)[1]


NORTH_MARKS = ("张三", "B1-01-001-ABCD", "C-ISOLATE1", "考场太吵", "第一考场")


def walk(client, app, slug, ids, public_ids, method="GET", lists=True, bodies=None):
    """Status of each office route (GET, or POST with a valid CSRF token and no fields);
    ``lists=False`` leaves out the pages that name no record (an organisation's own lists),
    whose bodies go to ``bodies``."""
    token = csrf_from(client.get("/home").get_data(as_text=True)) if method == "POST" else None
    seen = {}
    for rule in office_rules(app):
        if method not in rule.methods:
            continue
        url = url_for_rule(rule, slug, ids, public_ids)
        reply = client.get(url) if method == "GET" else client.post(
            url, data={"csrf_token": token})
        if not lists and not rule.arguments - {"slug", "kind"}:
            if bodies is not None:
                bodies[url] = reply.get_data(as_text=True)
            continue
        seen[rule.endpoint] = reply.status_code
    return seen


def test_every_office_route_is_closed_across_organisations_and_roles(app, client, auth,
                                                                     office_world):
    people, ids, public_ids = office_world
    # The owner's office administrator opens the pages with these ids.
    auth.login(people["north_admin"])
    own = walk(client, app, "north", ids, public_ids)
    opened = {endpoint for endpoint, status in own.items() if status == 200}
    assert not {e for e, status in own.items() if status >= 500}, own
    assert len(opened) >= 20, own
    auth.logout()
    with app.app_context():
        north_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == "north"))
        before = db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.organisation_id == north_id))
    outsiders = {
        # Another organisation's office administrator, at north's address, and with north's
        # record ids at their own address (their own lists show nothing of north).
        "south_admin": [("north", {403}), ("south", {403, 404})],
        "candidate": [("north", {403}), ("south", {403})],
    }
    bodies: dict[str, str] = {}
    for who, attempts in outsiders.items():
        auth.login(people[who])
        for slug, allowed in attempts:
            for method in ("GET", "POST"):
                for endpoint, status in walk(client, app, slug, ids, public_ids, method,
                                             lists=slug == "north", bodies=bodies).items():
                    if method == "GET" and endpoint not in opened:
                        continue
                    # A refused action at one's own address may answer with its page again
                    # (a redirect with a message); that nothing happened is checked below.
                    refused = allowed | ({302} if method == "POST" and slug == "south" else set())
                    assert status in refused, (who, slug, method, endpoint, status)
        auth.logout()
    assert bodies and not [(url, mark) for url, body in bodies.items() for mark in NORTH_MARKS
                           if mark in body]
    # People holding one role in north reach only that role's pages.
    role_pages = {"proctor": {"office.checkin", "office.proctor_log", "office.checkin_photo"},
                  "rater": {"office.appeals", "office.appeal"}}
    for who, allowed_pages in role_pages.items():
        auth.login(people[who])
        for endpoint, status in walk(client, app, "north", ids, public_ids).items():
            if endpoint not in opened:
                continue
            if endpoint in allowed_pages and who == "rater":
                assert status == 200, (who, endpoint, status)
            elif endpoint not in allowed_pages:
                assert status == 403, (who, endpoint, status)
            else:  # the proctor is not appointed to this sitting
                assert status == 403, (who, endpoint, status)
        auth.logout()
    # Visitors are sent to sign in.
    for endpoint, status in walk(client, app, "north", ids, public_ids).items():
        assert status == 302, (endpoint, status)
    with app.app_context():
        done = [(e.actor, e.action, e.subject) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.organisation_id == north_id)
            .order_by(AuditEntry.id).offset(before))]
        assert done == []  # nothing was done to north
        assert db.session.scalar(select(func.count(OrganisationMember.id))) == 4
        assert db.session.scalar(select(Appeal.state)) == "open"


def test_a_candidate_reaches_only_their_own_ticket_and_attempt(app, client, auth, office_world):
    people, ids, public_ids = office_world
    auth.login(people["other_candidate"])
    assert client.get(f"/office/registrations/{ids['registration_public_id']}/ticket.pdf"
                      ).status_code == 404
    page = client.get("/office/registrations").get_data(as_text=True)
    reply = client.post(f"/exams/attempts/{ids['attempt_public_id']}/appeal",
                        data={"csrf_token": csrf_from(page), "part": "theory",
                              "reason": "not mine"})
    assert reply.status_code in (302, 404)
    with app.app_context():
        assert db.session.scalar(select(func.count(Appeal.id))) == 1
    for url in (f"/office/registrations/{ids['registration_public_id']}/withdraw",
                f"/office/registrations/{ids['registration_public_id']}/evidence"):
        reply = client.post(url, data={"csrf_token": csrf_from(page)})
        assert reply.status_code in (302, 404)
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.state == APPROVED and len(registration.evidence) == 1
    auth.logout()
    auth.login(people["candidate"])
    reply = client.get(f"/office/registrations/{ids['registration_public_id']}/ticket.pdf")
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF")
