"""Plans and sittings: creating them within the organisation's registration, staffing against
the scheme's proctoring rule, all-or-nothing seat assignment with unguessable ticket numbers,
and who may reach the office pages."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from talentpool.accounts.models import User
from talentpool.assessment import pools
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office import plans
from talentpool.office.models import APPROVED, SUBMITTED, Registration
from talentpool.organisations import office
from talentpool.organisations.models import AuditEntry
from talentpool.organisations.service import by_slug
from tests.conftest import csrf_from, make_organisation, post_form

@pytest.fixture(autouse=True)
def english_outside_requests(monkeypatch):
    """These tests read the services' English messages; outside a request the interface
    language is the default, Chinese."""
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")



@pytest.fixture
def pools_ready(monkeypatch):
    """Sittings may be scheduled without an item bank (the pools' readiness is the exam's
    business, tested there); tests that start attempts build a real bank instead."""
    monkeypatch.setattr(pools, "readiness", lambda rule, part: pools.Readiness(
        rule.level, part, (), 0, 0, None, None))


def make_admin(email: str = "office@example.org", slug: str = "north", role=Role.TRAINEE):
    """An office administrator of the organisation (call inside an app context)."""
    from talentpool.accounts.service import create_user
    from tests.conftest import PASSWORD

    person = db.session.scalar(select(User).where(User.email == email)) or create_user(
        email, email.split("@")[0].title(), PASSWORD, role)
    office.appoint(by_slug(slug), email, "office_admin", None)
    return person


def make_staff(email: str, role: str, slug: str = "north", sitting=None, duty=None):
    """A person holding an office role, optionally appointed to a sitting."""
    from talentpool.accounts.service import create_user
    from tests.conftest import PASSWORD

    person = db.session.scalar(select(User).where(User.email == email)) or create_user(
        email, email.split("@")[0].title(), PASSWORD, Role.TRAINEE)
    if role not in office.roles_in(person.id, by_slug(slug).id):
        office.appoint(by_slug(slug), email, role, None)
    if sitting is not None:
        plans.appoint_staff(by_slug(slug), sitting.public_id, email, duty or role, None)
    return person


def make_north_plan(level: int = 5, batch: str = "2026-04", slug: str = "north"):
    make_organisation(slug, "北方技能评价中心", levels=(5, 4))
    now = utcnow()
    return plans.create_plan(by_slug(slug), level, "2026 第四批", batch, now - timedelta(days=9),
                             now + timedelta(days=9), None)


def make_room(plan, capacity: int = 30, room: str = "A-101", online: bool = False,
              hours: int = 1, slug: str = "north", title: str | None = None):
    """A sitting of the plan, open from an hour ago (``hours``) for a day."""
    now = utcnow()
    return plans.add_sitting(by_slug(slug), plan.public_id, title or f"{room or 'online'}",
                             now - timedelta(hours=hours), now + timedelta(days=1), room, online,
                             capacity, None)


def make_candidates(plan, n: int, state: str = APPROVED, prefix: str = "cand"):
    """``n`` registrations of new trainee accounts for the plan, in ``state``."""
    from talentpool.accounts.service import create_user
    from tests.conftest import PASSWORD

    rows = []
    for k in range(n):
        person = create_user(f"{prefix}{k}@example.org", f"考生{prefix}{k}", PASSWORD,
                             Role.TRAINEE)
        rows.append(Registration(plan_id=plan.id, user_id=person.id,
                                 candidate_name=f"考生{prefix}{k}", route="test", state=state))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


def test_a_plan_stays_within_the_registration_and_is_unique_per_batch(app):
    with app.app_context():
        plan = make_north_plan()
        north, now = by_slug("north"), utcnow()
        with pytest.raises(plans.PlanError, match="outside this organisation's registration"):
            plans.create_plan(north, 3, "三级", "2026-04", now, now + timedelta(days=1), None)
        with pytest.raises(plans.PlanError, match="already has a level 5 plan for batch 2026-04"):
            plans.create_plan(north, 5, "again", "2026-04", now, now + timedelta(days=1), None)
        with pytest.raises(plans.PlanError, match="close after it opens"):
            plans.create_plan(north, 4, "x", "2026-05", now, now, None)
        with pytest.raises(plans.PlanError, match="batch"):
            plans.create_plan(north, 4, "x", "../etc", now, now + timedelta(days=1), None)
        assert plans.plans_of(north) == [plan]
        assert [e.action for e in office.audit_log(north)][:1] == ["plan.create"]


def test_a_sitting_needs_a_room_or_online_and_a_capacity(app, pools_ready):
    with app.app_context():
        plan = make_north_plan()
        now, north = utcnow(), by_slug("north")
        with pytest.raises(plans.PlanError, match="Give the room"):
            plans.add_sitting(north, plan.public_id, "x", now, now + timedelta(hours=2), " ",
                              False, 30, None)
        with pytest.raises(plans.PlanError, match="capacity"):
            plans.add_sitting(north, plan.public_id, "x", now, now + timedelta(hours=2), "A",
                              False, 0, None)
        with pytest.raises(plans.PlanError, match="close after it opens|截止时间必须晚于"):
            plans.add_sitting(north, plan.public_id, "x", now, now, "A", False, 30, None)
        online = make_room(plan, online=True, room="ignored")
        assert online.certifying and online.online and online.room == "" and online.level == 5
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "sitting.create")) == 1  # the refused ones left nothing


def test_staffing_follows_the_scheme_ratio(app, pools_ready):
    with app.app_context():
        plan = make_north_plan()
        room = make_room(plan, capacity=40)
        make_candidates(plan, 31)
        assert plans.assign_seats(by_slug("north"), plan.public_id, None) == 31
        for k in range(2):
            make_staff(f"proctor{k}@example.org", "proctor", sitting=room)
        problems = plans.staffing_problems(room)
        assert any("31 candidates need 3 proctors" in p and "2 appointed" in p for p in problems)
        assert any("no supervisor" in p for p in problems)
        make_staff("proctor2@example.org", "proctor", sitting=room)
        make_staff("super@example.org", "supervisor", sitting=room)
        assert plans.staffing_problems(room) == [] and plans.plan_problems(plan) == []
        # A small room still needs two proctors; an online sitting only the ratio.
        small, online = make_room(plan, capacity=5, room="B-2"), make_room(
            plan, capacity=10, online=True)
        make_staff("proctor0@example.org", "proctor", sitting=small)
        assert any("need 2 proctors" in p for p in plans.staffing_problems(small))
        make_staff("proctor0@example.org", "proctor", sitting=online)
        make_staff("super@example.org", "supervisor", sitting=online)
        assert plans.staffing_problems(online) == []


def test_only_holders_of_the_role_are_appointed_to_a_sitting(app, pools_ready, make_user):
    with app.app_context():
        plan = make_north_plan()
        room = make_room(plan)
        outsider = make_user(Role.TRAINEE)
        with pytest.raises(plans.PlanError, match="does not hold the proctor role"):
            plans.appoint_staff(by_slug("north"), room.public_id, outsider, "proctor", None)
        make_staff("rater@example.org", "rater")
        with pytest.raises(plans.PlanError, match="does not hold the supervisor role"):
            plans.appoint_staff(by_slug("north"), room.public_id, "rater@example.org",
                                "supervisor", None)
        make_staff("p@example.org", "proctor", sitting=room)
        with pytest.raises(plans.PlanError, match="already appointed"):
            plans.appoint_staff(by_slug("north"), room.public_id, "p@example.org", "proctor",
                                None)
        [(row, _person)] = plans.staff_of(room)
        plans.dismiss_staff(by_slug("north"), room.public_id, row.id, None)
        assert plans.staff_of(room) == []


def test_seats_fill_the_sittings_in_order_with_unguessable_tickets(app, pools_ready):
    with app.app_context():
        plan = make_north_plan()
        later = make_room(plan, capacity=3, room="B-2", hours=0)
        first = make_room(plan, capacity=2, room="A-1", hours=2)
        waiting = make_candidates(plan, 4)
        make_candidates(plan, 1, state=SUBMITTED, prefix="pending")
        assert plans.assign_seats(by_slug("north"), plan.public_id, None) == 4
        rows = {r.candidate_name: r for r in db.session.scalars(select(Registration))}
        placed = [(rows[r.candidate_name].sitting_id, rows[r.candidate_name].seat)
                  for r in waiting]
        assert placed == [(first.id, "001"), (first.id, "002"), (later.id, "001"),
                          (later.id, "002")]
        tickets = [rows[r.candidate_name].ticket_number for r in waiting]
        assert len(set(tickets)) == 4
        assert all(re.fullmatch(r"202604-5\d\d-00\d-[0-9A-HJKMNP-TV-Z]{4}", t) for t in tickets)
        assert rows["考生pending0"].sitting_id is None  # only approved candidates are seated
        # Nobody waits now; a later approval takes the next free seat.
        assert plans.assign_seats(by_slug("north"), plan.public_id, None) == 0
        [late] = make_candidates(plan, 1, prefix="late")
        plans.assign_seats(by_slug("north"), plan.public_id, None)
        assert (late.sitting_id, late.seat) == (later.id, "003")
        entries = [e for e in office.audit_log(by_slug("north")) if e.action == "seats.assign"]
        assert [e.after["seated"] for e in entries] == [1, 4]


def test_short_capacity_seats_nobody(app, pools_ready):
    with app.app_context():
        plan = make_north_plan()
        make_room(plan, capacity=2)
        make_room(plan, capacity=1, room="B")
        make_candidates(plan, 5)
        with pytest.raises(plans.PlanError, match="2 seats are missing: 5 approved candidates "
                                                  "wait for a seat and the sittings have 3"):
            plans.assign_seats(by_slug("north"), plan.public_id, None)
        assert db.session.scalar(select(func.count(Registration.id)).where(
            Registration.sitting_id.is_not(None))) == 0
        assert not [e for e in office.audit_log(by_slug("north")) if e.action == "seats.assign"]
        assert any("5 approved candidates have no seat" in p
                   for p in plans.plan_problems(plan))


def test_the_office_pages_create_a_plan_a_sitting_and_seats(app, client, auth, pools_ready):
    with app.app_context():
        make_organisation("north", "北方技能评价中心", levels=(5, 4))
        make_admin()
    auth.login("office@example.org")
    english(client)
    page = client.get("/admin/organisations/north/plans")
    assert page.status_code == 200 and "New plan" in page.get_data(as_text=True)
    reply = post_form(client, "/admin/organisations/north/plans", {
        "title": "2026 第四批", "level": "3", "batch": "2026-04",
        "registration_opens_at": "2026-03-01T09:00", "registration_closes_at": "2026-03-20T17:00"})
    assert reply.status_code == 200 and "outside this organisation" in reply.get_data(as_text=True)
    reply = post_form(client, "/admin/organisations/north/plans", {
        "title": "2026 第四批", "level": "5", "batch": "2026-04",
        "registration_opens_at": "2026-03-01T09:00", "registration_closes_at": "2026-03-20T17:00"})
    assert reply.status_code == 302
    plan_url = reply.headers["Location"]
    with app.app_context():
        [plan] = plans.plans_of(by_slug("north"))
        assert plan.registration_opens_at == datetime(2026, 3, 1, 1, 0)  # Beijing → UTC
    page = client.get(plan_url).get_data(as_text=True)
    assert "The plan has no sitting yet." in page
    reply = client.post(f"{plan_url}/sittings", data={
        "csrf_token": csrf_from(page), "title": "上午场", "opens_at": "2026-04-18T09:00",
        "closes_at": "2026-04-18T12:00", "room": "", "capacity": "30"})
    assert reply.status_code == 400 and "Give the room" in reply.get_data(as_text=True)
    reply = client.post(f"{plan_url}/sittings", data={
        "csrf_token": csrf_from(page), "title": "上午场", "opens_at": "2026-04-18T09:00",
        "closes_at": "2026-04-18T12:00", "room": "A-101", "capacity": "30"})
    assert reply.status_code == 302
    with app.app_context():
        make_candidates(plans.own_plan(by_slug("north"), plan_url.rsplit("/", 1)[1]), 2)
    page = client.get(plan_url).get_data(as_text=True)
    assert "2026-04-18 09:00" in page and "0 / 30" in page
    assert "30 candidates need 2 proctors" in page
    client.post(f"{plan_url}/seats", data={"csrf_token": csrf_from(page)})
    page = client.get(plan_url).get_data(as_text=True)
    assert "2 candidates seated." in page and "2 / 30" in page


def test_office_pages_are_closed_to_other_organisations(app, client, auth, pools_ready):
    with app.app_context():
        plan = make_north_plan()
        room = make_room(plan)
        make_organisation("south", "南方技能评价中心")
        make_admin("south-admin@example.org", "south")
        make_staff("south-proctor@example.org", "proctor", slug="south")
        make_staff("north-proctor@example.org", "proctor")
        plan_id, room_id = plan.public_id, room.public_id
    base = "/admin/organisations/north"
    pages = [f"{base}/plans", f"{base}/plans/{plan_id}",
             f"{base}/sittings/{room_id}/staff",
             f"{base}/sittings/{room_id}/tickets.pdf",
             f"{base}/sittings/{room_id}/checkin", f"{base}/sittings/{room_id}/log"]
    posts = [f"{base}/plans/{plan_id}/sittings", f"{base}/plans/{plan_id}/seats"]
    for email in ("south-admin@example.org", "south-proctor@example.org"):
        auth.login(email)
        assert {client.get(url).status_code for url in pages} == {403}
        token = csrf_from(client.get("/home").get_data(as_text=True))
        assert {client.post(url, data={"csrf_token": token}).status_code
                for url in posts} == {403}
        auth.logout()
    # Under its own address the other organisation does not reach this plan or sitting.
    auth.login("south-admin@example.org")
    south = "/admin/organisations/south"
    assert client.get(f"{south}/plans/{plan_id}").status_code == 404
    assert client.get(f"{south}/sittings/{room_id}/checkin").status_code == 404
    assert client.get(f"{south}/sittings/{room_id}/tickets.pdf").status_code == 404
    auth.logout()
    # A proctor of this organisation not appointed to the sitting, and not an administrator.
    auth.login("north-proctor@example.org")
    assert client.get(f"{base}/sittings/{room_id}/checkin").status_code == 403
    assert client.get(f"{base}/sittings/{room_id}/log").status_code == 403
    assert client.get(f"{base}/plans").status_code == 403
