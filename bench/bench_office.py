"""The assessment office at the scale of a large batch: a plan with N candidates (default 5,000).

Usage::

    python bench/bench_office.py                       # print the table
    python bench/bench_office.py --out docs/benchmarks-office.md
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/<scratch db> python bench/...

The database given by DATABASE_URL (default: a temporary SQLite file) is emptied.

Accounts, identity documents and photos are written directly (setup, not measured); every
measured step goes through the office's own services, as the pages call them:
registration with one evidence file, review, the approved roster (CSV and PDF), seat
assignment, admission ticket PDFs (one per candidate, and one combined PDF per sitting),
check-in of every candidate, and the plan's results report (CSV and XLSX) after graded
attempts are written directly.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from talentpool.app import create_app  # noqa: E402
from talentpool.extensions import db  # noqa: E402

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (295, 413), (200, 210, 230)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def resident_id(n: int) -> str:
    from talentpool.certification.identity import resident_check_character

    first17 = f"110105199001{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + resident_check_character(first17)


def setup(n: int):
    """Organisation, plan, N trainees with identity and approved photo (direct rows)."""
    from talentpool.accounts.models import User
    from talentpool.accounts.passwords import hash_password
    from talentpool.auth import Role
    from talentpool.certification.models import HolderIdentity, HolderPhoto, PhotoState
    from talentpool.database import utcnow
    from talentpool.office import plans
    from talentpool.organisations import service

    organisation = service.create_organisation("bench", service.OrganisationFields(
        name="基准测试评价中心", code="91110000BENCH00000", registered_levels=(5, 4, 3, 2, 1)))
    admin = User(email="admin@bench.test", display_name="Admin", role=Role.ADMIN,
                 password_hash=hash_password("bench bench bench"))
    db.session.add(admin)
    db.session.commit()
    now = utcnow()
    plan = plans.create_plan(organisation, 5, "2027 年第一批五级认定", "2027-01", now - timedelta(
        days=1), now + timedelta(days=30), admin)
    jpeg, secret = photo_jpeg(), hash_password("unused password")
    people = []
    for start in range(0, n, 1000):
        batch = [User(email=f"c{i}@bench.test", display_name=f"考生{i:05d}", role=Role.TRAINEE,
                      password_hash=secret) for i in range(start, min(n, start + 1000))]
        db.session.add_all(batch)
        db.session.flush()
        for user in batch:
            document = HolderIdentity(user_id=user.id, id_type="resident_id")
            document.id_number = resident_id(user.id)
            db.session.add(document)
            db.session.add(HolderPhoto(user_id=user.id, state=PhotoState.APPROVED, jpeg=jpeg,
                                       decided_at=now))
        db.session.commit()
        people.extend(batch)
    return organisation, plan, admin, people


def timed(label: str, count: int, unit: str, work) -> dict:
    began = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - began
    return {"step": label, "count": count, "seconds": seconds,
            "rate": count / seconds if seconds else float("inf"), "unit": unit,
            "result": result}


def each(calls):
    """Run the calls one by one, each in a fresh database session as a request would have."""
    done = 0
    for call in calls:
        call()
        db.session.remove()
        done += 1
    return done


def run(n: int, room_size: int) -> list[dict]:
    from talentpool.assessment.models import ExamAttempt, ExamSession
    from talentpool.database import utcnow
    from talentpool.office import checkin, plans, registration, registration_review, reporting
    from talentpool.office import roster, tickets
    from talentpool.office.models import Registration

    from talentpool.accounts.models import User
    from talentpool.organisations.models import Organisation

    organisation, plan, admin, people = setup(n)
    slug, plan_id, admin_id = organisation.slug, plan.public_id, admin.id
    people = [(person.id, person.display_name) for person in people]
    db.session.remove()

    def office():
        return db.session.scalar(db.select(Organisation).where(Organisation.slug == slug))

    def staff():
        return db.session.get(User, admin_id)

    rows = []
    uploads = [registration.Upload("证明.pdf", PDF)]
    rows.append(timed("register (one evidence PDF each)", n, "registrations/s", lambda: each(
        lambda uid=uid, name=name: registration.register(
            db.session.get(User, uid), plan_id, "work-1y", name, "2019 年起从事数据标注工作",
            uploads) for uid, name in people)))
    ids = [r.public_id for r in db.session.query(Registration).order_by(Registration.id)]
    rows.append(timed("review: approve", n, "reviews/s", lambda: each(
        lambda public_id=public_id: registration_review.review(office(), public_id, "approve",
                                                               "", staff())
        for public_id in ids)))
    organisation, admin = office(), staff()
    rows.append(timed("approved roster, CSV", n, "rows/s", lambda: len(
        roster.export(organisation, plan.public_id, "csv", admin))))
    rows.append(timed("approved roster, PDF", n, "rows/s", lambda: len(
        roster.export(organisation, plan.public_id, "pdf", admin))))
    now = utcnow()
    rooms = -(-n // room_size)
    for number in range(rooms):  # sittings as scheduled (setup: pools are not built here)
        db.session.add(ExamSession(level=5, title=f"第 {number + 1} 考场", opens_at=now,
                                   closes_at=now + timedelta(hours=3), organisation=organisation,
                                   plan_id=plan.id, room=f"Room {number + 1:03d}",
                                   capacity=room_size))
    db.session.commit()
    rows.append(timed(f"assign seats ({rooms} sittings of {room_size})", n, "seats/s",
                      lambda: plans.assign_seats(organisation, plan.public_id, admin)))
    seated = list(db.session.query(Registration).order_by(Registration.id))
    sample = seated[:min(300, n)]
    rows.append(timed("admission ticket PDF, one candidate", len(sample), "tickets/s",
                      lambda: sum(len(tickets.candidate_ticket(r.user_id, r.public_id))
                                  for r in sample)))
    sittings = list(db.session.query(ExamSession).filter(ExamSession.plan_id == plan.id))
    rows.append(timed("admission tickets, one PDF per sitting", n, "tickets/s", lambda: sum(
        len(tickets.sitting_tickets(organisation, s.public_id, admin)) for s in sittings)))
    by_sitting = {s.id: s.public_id for s in sittings}
    marks = [(by_sitting[r.sitting_id], r.ticket_number) for r in seated]
    db.session.remove()
    rows.append(timed("check-in (ticket scanned, photo confirmed)", n, "check-ins/s", lambda: each(
        lambda sitting=sitting, ticket=ticket: checkin.check_in(
            office(), sitting, ticket, "present", staff(), photo_matches=True)
        for sitting, ticket in marks)))
    organisation, admin = office(), staff()
    rng = random.Random(5)
    for r in seated:  # graded attempts (setup)
        theory, practical = rng.gauss(68, 12), rng.gauss(66, 12)
        passed = theory >= 60 and practical >= 60
        db.session.add(ExamAttempt(session_id=r.sitting_id, user_id=r.user_id, level=5,
                                   state="passed" if passed else "failed", passed=passed,
                                   part_deadline=now, finished_at=now,
                                   theory_score=theory, practical_score=practical))
    db.session.commit()
    for kind in ("csv", "xlsx"):
        rows.append(timed(f"results report of the plan, {kind.upper()}", n, "rows/s", lambda k=kind:
                          len(reporting.export(organisation, plan.public_id, k, admin,
                                               whole_plan=True))))
    return rows


def table(rows: list[dict], n: int, database: str) -> str:
    lines = [f"# Assessment office benchmark: a plan with {n:,} candidates", "",
             f"Measured by `bench/bench_office.py` on {platform.machine()} "
             f"({os.cpu_count()} cores), Python {platform.python_version()}, {database}. "
             "Each step runs once over the whole plan through the office's services (one "
             "commit per registration, review and check-in, as on the pages).", "",
             "| step | items | seconds | rate |", "|---|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['step']} | {row['count']:,} | {row['seconds']:.2f} | "
                     f"{row['rate']:,.0f} {row['unit']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=5000)
    parser.add_argument("--room-size", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="talentpool-bench-office-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": folder, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "PUBLIC_BASE_URL": "https://talentpool.example.org"})
    app.logger.setLevel("ERROR")  # no mail server: the mails would be logged
    with app.test_request_context():
        db.drop_all()
        db.create_all()
        rows = run(args.candidates, args.room_size)
    text = table(rows, args.candidates, "PostgreSQL" if url.startswith("postgresql") else
                 "SQLite (file)")
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
