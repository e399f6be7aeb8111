"""Archive bundles (档案) of a sitting: every record of it in one ZIP with a manifest of SHA-256
hashes signed by the organisation's key, kept for ``ARCHIVE_RETENTION_YEARS`` (default 5, the
electronic retention local rules ask for).

The bundle holds ``registrations.csv`` (every registration of the plan — the batch — with its
eligibility route and decision, sitting, seat, ticket, check-in, the evidence files' names and
SHA-256), ``proctor_log.csv`` (incidents,
extensions, terminations, sign-off), ``appeals.csv``, ``results.csv`` (the report to the
authority), ``attempts.csv`` (each attempt's
times, states, scores with their SE and θ̂, the runs and standards that decided them, kept
parts of resits), ``responses.csv`` (each answer's item, part, position, score and time — item
ids only, never item content or gold), ``panel.csv``, ``certificates.csv`` (serials, national
numbers, status) and ``audit.csv`` (the office's entries about the sitting and its
certificates), plus ``manifest.json`` and ``manifest.sig``. The signature is Ed25519 over the
exact bytes of ``manifest.json`` by the key named there (``<organisation DID>#<key id>``), which
anyone can check against the organisation's DID document; ``verify_bundle`` does it here.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from sqlalchemy import or_, select

from talentpool.accounts.models import User
from talentpool.assessment.models import ExamAttempt, ExamResponse, ExamSession, Item
from talentpool.certification import keys
from talentpool.certification.models import Certificate
from talentpool.certification.service import add_years, certificate_status
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office.models import Appeal, ArchiveBundle, ProctorLogEntry, Registration
from talentpool.office.retention import retention_years
from talentpool.office.reporting import COLUMNS, ReportError, session_report
from talentpool.organisations.audit import record
from talentpool.organisations.models import AuditEntry, Organisation
from talentpool.organisations.service import organisation_did
from talentpool.spreadsheets import to_csv

def _time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _human_scoring(attempt_ids: list[int]) -> tuple[bytes, bytes, bytes]:
    """The panel hearings (rule, defence record, decision), each member's scores, and each
    rater's scores of written answers: who scored what, and when."""
    from talentpool.rating.models import RatingAssignment, RatingTask
    from talentpool.rating.panel_models import PanelHearing, PanelSeat

    def as_json(value) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    hearings = db.session.execute(select(PanelHearing, ExamAttempt.public_id).join(
        ExamAttempt, ExamAttempt.id == PanelHearing.attempt_id).where(
        PanelHearing.attempt_id.in_(attempt_ids)).order_by(PanelHearing.id)).all()
    panel_csv = to_csv(
        ["attempt", "hearing", "state", "members", "pass_mark", "rule", "defence_held_at",
         "defence_questions", "defence_notes", "panel_score", "passed", "decided_at"],
        ([attempt, h.public_id, h.state, h.rule["members"], h.rule["pass_mark"],
          h.rule["rule"], _time(h.defence_held_at), as_json(h.defence_questions),
          h.defence_notes or "", h.panel_score, h.passed, _time(h.decided_at)]
         for h, attempt in hearings))
    seats = db.session.execute(select(PanelSeat, PanelHearing.public_id, User.email).join(
        PanelHearing, PanelHearing.id == PanelSeat.hearing_id).outerjoin(
        User, User.id == PanelSeat.member_id).where(
        PanelHearing.attempt_id.in_(attempt_ids)).order_by(PanelSeat.id)).all()
    panel_scores_csv = to_csv(
        ["hearing", "member", "seated_at", "withdrawn_at", "withdrawn_reason", "points",
         "comments", "total", "submitted_at"],
        ([hearing, email or "", _time(s.seated_at), _time(s.withdrawn_at),
          s.withdrawn_reason or "", as_json(s.points), as_json(s.comments), s.total,
          _time(s.submitted_at)] for s, hearing, email in seats))
    ratings = db.session.execute(
        select(RatingAssignment, RatingTask, ExamAttempt.public_id, Item.public_id, User.email)
        .join(RatingTask, RatingTask.id == RatingAssignment.task_id)
        .join(ExamAttempt, ExamAttempt.id == RatingTask.attempt_id)
        .join(Item, Item.id == RatingTask.item_id)
        .outerjoin(User, User.id == RatingAssignment.rater_id)
        .where(RatingTask.attempt_id.in_(attempt_ids)).order_by(RatingAssignment.id)).all()
    ratings_csv = to_csv(
        ["attempt", "item", "task", "rater", "role", "assigned_at", "withdrawn_at", "points",
         "comments", "submitted_at", "task_final_points", "task_decided_by"],
        ([attempt, item, t.public_id, email or "", a.role, _time(a.assigned_at),
          _time(a.withdrawn_at), as_json(a.points), as_json(a.comments),
          _time(a.submitted_at), as_json(t.final_points), t.decided_by or ""]
         for a, t, attempt, item, email in ratings))
    return panel_csv, panel_scores_csv, ratings_csv


def _files(organisation: Organisation, session: ExamSession) -> dict[str, bytes]:
    report = session_report(organisation, session.public_id)
    attempts = db.session.execute(select(ExamAttempt, User).join(
        User, User.id == ExamAttempt.user_id).where(ExamAttempt.session_id == session.id)
        .order_by(ExamAttempt.id)).all()
    attempt_ids = [attempt.id for attempt, _person in attempts]
    parts = ("theory", "practical")

    def part_cells(attempt: ExamAttempt) -> list:
        results = attempt.part_results or {}
        return [results.get(part, {}).get(key) for part in parts
                for key in ("score", "score_se", "theta", "se", "run", "standard", "status",
                            "carried_from")]

    attempts_csv = to_csv(
        ["attempt", "candidate", "state", "started_at", "finished_at", "passed",
         "certificate_serial", "panel_score"]
        + [f"{part}_{key}" for part in parts for key in ("score", "score_se", "theta", "se",
                                                           "run", "standard", "status",
                                                           "carried_from")],
        ([attempt.public_id, person.display_name, attempt.state, _time(attempt.started_at),
          _time(attempt.finished_at), attempt.passed, attempt.certificate_serial,
          attempt.panel_score, *part_cells(attempt)] for attempt, person in attempts))
    responses = db.session.execute(select(ExamResponse, ExamAttempt.public_id, Item.public_id)
                                   .join(ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id)
                                   .join(Item, Item.id == ExamResponse.item_id)
                                   .where(ExamResponse.attempt_id.in_(attempt_ids))
                                   .order_by(ExamResponse.attempt_id, ExamResponse.part,
                                             ExamResponse.position)).all()
    responses_csv = to_csv(
        ["attempt", "part", "position", "item", "pretest", "score", "category", "duration_ms",
         "answered_at"],
        ([attempt, r.part, r.position, item, r.pretest, r.score, r.category, r.duration_ms,
          _time(r.answered_at)] for r, attempt, item in responses))
    panel_csv, panel_scores_csv, ratings_csv = _human_scoring(attempt_ids)
    serials = [attempt.certificate_serial for attempt, _p in attempts
               if attempt.certificate_serial]
    certificates = list(db.session.scalars(select(Certificate).where(
        Certificate.serial.in_(serials)).order_by(Certificate.id)))
    certificates_csv = to_csv(
        ["serial", "national_number", "holder", "level", "status", "issued_at", "title"],
        ([c.serial, c.national_number, c.holder_name, c.level, certificate_status(c),
          _time(c.issued_at), c.title_zh] for c in certificates))
    office_files, subjects = _office_files(session, attempt_ids)
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.organisation_id == organisation.id,
        or_(AuditEntry.subject == session.public_id,
            AuditEntry.subject.in_([*serials, *subjects])))
        .order_by(AuditEntry.at, AuditEntry.id))
    audit_csv = to_csv(["at", "actor", "action", "subject", "before", "after"], (
        [_time(e.at), e.actor, e.action, e.subject,
         json.dumps(e.before, ensure_ascii=False, sort_keys=True),
         json.dumps(e.after, ensure_ascii=False, sort_keys=True)] for e in entries))
    return {"results.csv": to_csv(COLUMNS, report.rows), "attempts.csv": attempts_csv,
            "responses.csv": responses_csv, "ratings.csv": ratings_csv,
            "panel.csv": panel_csv, "panel_scores.csv": panel_scores_csv,
            "certificates.csv": certificates_csv, "audit.csv": audit_csv, **office_files}


def _office_files(session: ExamSession, attempt_ids: list[int]
                  ) -> tuple[dict[str, bytes], list[str]]:
    """Every registration of the sitting's plan (the batch's eligibility decisions, rejected and
    withdrawn ones too; seats, tickets, check-in, evidence hashes), the sitting's proctor log
    with sign-off, and its appeals; and their ids for the audit."""
    registrations = list(db.session.scalars(select(Registration).where(
        Registration.plan_id == session.plan_id).order_by(Registration.id)))
    sittings = dict(db.session.execute(select(ExamSession.id, ExamSession.public_id).where(
        ExamSession.plan_id == session.plan_id)).all())
    registrations_csv = to_csv(
        ["registration", "candidate", "route", "state", "submitted_at", "reviewed_at",
         "review_reason", "sitting", "seat", "ticket_number", "attendance", "checked_in_at",
         "evidence"],
        ([r.public_id, r.candidate_name, r.route, r.state, _time(r.submitted_at),
          _time(r.reviewed_at), r.review_reason or "", sittings.get(r.sitting_id, ""), r.seat,
          r.ticket_number, r.attendance or "", _time(r.checked_in_at),
          " ".join(f"{e.filename}:{e.sha256}" for e in r.evidence)] for r in registrations))
    tickets = {r.id: r.ticket_number for r in registrations}
    log = db.session.scalars(select(ProctorLogEntry).where(
        ProctorLogEntry.session_id == session.id).order_by(ProctorLogEntry.at,
                                                           ProctorLogEntry.id))
    log_csv = to_csv(["at", "kind", "ticket_number", "minutes", "note", "by"], (
        [_time(e.at), e.kind, tickets.get(e.registration_id, ""), e.minutes, e.note, e.actor]
        for e in log))
    appeals = list(db.session.execute(select(Appeal, ExamAttempt.public_id).join(
        ExamAttempt, ExamAttempt.id == Appeal.attempt_id).where(
        Appeal.attempt_id.in_(attempt_ids)).order_by(Appeal.filed_at, Appeal.id)).all())
    appeals_csv = to_csv(
        ["appeal", "attempt", "part", "reason", "filed_at", "state", "score_before",
         "score_after", "decision_reason", "decided_at"],
        ([a.public_id, attempt, a.part, a.reason, _time(a.filed_at), a.state, a.score_before,
          a.score_after, a.decision_reason or "", _time(a.decided_at)]
         for a, attempt in appeals))
    subjects = [r.public_id for r in registrations] + [a.public_id for a, _at in appeals]
    return ({"registrations.csv": registrations_csv, "proctor_log.csv": log_csv,
             "appeals.csv": appeals_csv}, subjects)


def make_bundle(organisation: Organisation, session_public_id: str, actor,
                now: datetime | None = None) -> ArchiveBundle:
    """Archive the sitting now: build, sign and store the bundle. Commits."""
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.public_id == session_public_id))
    if session is None or session.organisation_id != organisation.id:
        raise ReportError("no such sitting of this organisation")
    now = (now or utcnow()).replace(microsecond=0)
    years = retention_years()
    files = _files(organisation, session)
    kid, private_key = keys.signing_key(now, organisation.id)
    did = organisation_did(organisation)
    manifest = json.dumps({
        "organisation": {"name": organisation.name, "code": organisation.code, "did": did},
        "sitting": {"id": session.public_id, "title": session.title, "level": session.level,
                    "opens_at": _time(session.opens_at), "closes_at": _time(session.closes_at)},
        "created_at": _time(now), "retain_until": _time(add_years(now, years)),
        "verification_method": f"{did}#{kid}",
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                  for name, data in sorted(files.items())},
    }, ensure_ascii=False, indent=2, sort_keys=True).encode()
    signature = base64.urlsafe_b64encode(private_key.sign(manifest)).rstrip(b"=")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(files.items()):
            bundle.writestr(zipfile.ZipInfo(name, now.timetuple()[:6]), data)
        bundle.writestr(zipfile.ZipInfo("manifest.json", now.timetuple()[:6]), manifest)
        bundle.writestr(zipfile.ZipInfo("manifest.sig", now.timetuple()[:6]), signature)
    data = buffer.getvalue()
    row = ArchiveBundle(organisation_id=organisation.id, session_id=session.id, created_at=now,
                        created_by_id=getattr(actor, "id", None),
                        retain_until=add_years(now, years),
                        sha256=hashlib.sha256(data).hexdigest(), data=data)
    db.session.add(row)
    db.session.flush()
    record(organisation.id, actor, "archive.create", session.public_id,
           after={"bundle": row.id, "sha256": row.sha256, "retain_until": _time(row.retain_until)})
    db.session.commit()
    return row


def bundles_of(organisation: Organisation, session: ExamSession) -> list[ArchiveBundle]:
    """The sitting's archive bundles, newest first."""
    return list(db.session.scalars(select(ArchiveBundle).where(
        ArchiveBundle.organisation_id == organisation.id,
        ArchiveBundle.session_id == session.id).order_by(ArchiveBundle.created_at.desc(),
                                                         ArchiveBundle.id.desc())))


def verify_bundle(data: bytes, organisation: Organisation) -> list[str]:
    """What is wrong with a bundle (empty: every file matches the manifest and the manifest's
    signature holds under the organisation's published key)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = set(bundle.namelist())
            manifest_bytes, signature = bundle.read("manifest.json"), bundle.read("manifest.sig")
            manifest = json.loads(manifest_bytes)
            contents = {name: bundle.read(name) for name in names
                        - {"manifest.json", "manifest.sig"}}
    except (zipfile.BadZipFile, KeyError, ValueError):
        return ["not an archive bundle"]
    problems = []
    method = manifest.get("verification_method", "")
    did, _hash, kid = method.partition("#")
    found = keys.public_key(kid, organisation.id) if did == organisation_did(organisation) \
        else None
    try:
        if found is None:
            raise InvalidSignature
        found[0].verify(base64.urlsafe_b64decode(signature + b"=" * (-len(signature) % 4)),
                        manifest_bytes)
    except (InvalidSignature, ValueError):
        problems.append("the manifest's signature does not hold")
    listed = manifest.get("files", {})
    for name in sorted(set(listed) | set(contents)):
        if name not in contents:
            problems.append(f"{name} is missing")
        elif name not in listed:
            problems.append(f"{name} is not in the manifest")
        elif hashlib.sha256(contents[name]).hexdigest() != listed[name].get("sha256"):
            problems.append(f"{name} was changed")
    return problems


def purge_expired(now: datetime | None = None) -> str:
    """The scheduled job: delete the bundles whose retention period has ended (each deletion is
    written to its organisation's audit log). Commits."""
    now = now or utcnow()
    expired = list(db.session.scalars(select(ArchiveBundle).where(
        ArchiveBundle.retain_until <= now)))
    for bundle in expired:
        session = db.session.get(ExamSession, bundle.session_id)
        record(bundle.organisation_id, None, "archive.purge", session.public_id,
               before={"bundle": bundle.id, "sha256": bundle.sha256,
                       "retain_until": _time(bundle.retain_until)})
        db.session.delete(bundle)
    db.session.commit()
    return f"purged {len(expired)} archive bundles past retention"
