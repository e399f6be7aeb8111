"""Data rights of a trainee (PIPL arts. 45 and 47): a copy of all their data, and deletion."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.accounts.passwords import verify_password
from talentpool.accounts.service import AccountError
from talentpool.assessment.models import ExamAttempt
from talentpool.certification.holders import identity_of, identity_record
from talentpool.certification.photos import photo_record
from talentpool.certification.public import holder_record
from talentpool.certification.service import certificates_of
from talentpool.certification.status_changes import withdraw_certificates_of
from talentpool.recognition.service import holder_records as recognition_records
from talentpool.database import rfc3339, utcnow
from talentpool.directory import employers
from talentpool.directory.placement import tier_of
from talentpool.directory.profiles import consent_history, profile_of
from talentpool.directory.search_alerts import forget_profile, searches_holding
from talentpool.extensions import db
from talentpool.input_guard import scrubbed
from talentpool.notifications.service import export_mail_choice, export_records
from talentpool.office.results import hidden as results_withheld
from talentpool.office.retention import kept_records
from talentpool.practice.models import Response, SkillEstimate


def export_data(user: User) -> dict:
    """Everything stored about the person, as one JSON document (rows stored before text was
    checked on input are made encodable, so an old answer can never break the export)."""
    profile, tier = profile_of(user.id), tier_of(user.id)
    responses = db.session.scalars(select(Response).where(Response.user_id == user.id)
                                   .order_by(Response.id))
    estimates = db.session.scalars(select(SkillEstimate).where(SkillEstimate.user_id == user.id)
                                   .order_by(SkillEstimate.id))
    attempts = db.session.scalars(select(ExamAttempt).where(ExamAttempt.user_id == user.id)
                                  .order_by(ExamAttempt.id))
    return scrubbed({
        "exported_at": rfc3339(utcnow()),
        "account": {"email": user.email, "display_name": user.display_name,
                    "role": user.role.value, "locale": user.locale,
                    "created_at": rfc3339(user.created_at)},
        "identity_document": identity_record(identity_of(user.id), masked=False),
        "certificate_photo": photo_record(user.id),
        "practice_responses": [{"id": r.public_id, "track": r.track, "mode": r.mode,
                                "answer": r.answer, "score": r.score,
                                "created_at": rfc3339(r.created_at)}
                               for r in responses],
        "skill_estimates": [{"track": e.track, "score": e.score, "score_se": e.score_se,
                             "n_items": e.n_items, "provisional": e.provisional,
                             "computed_at": rfc3339(e.computed_at)} for e in estimates],
        "exam_attempts": [_attempt_record(a) for a in attempts],
        "certificates": [holder_record(c) for c in certificates_of(user.id)],
        "recognitions": recognition_records(user.id),
        "kept_after_deletion": [{"what": str(k.what), "why": str(k.why),
                                 "until": rfc3339(k.until)}
                                for k in kept_records(user.id)],
        "tier": None if tier is None else {"tier": tier.tier, "reasons": tier.reasons,
                                           "next_steps": tier.next_steps,
                                           "computed_at": rfc3339(tier.computed_at)},
        "profile": None if profile is None else {
            "id": profile.public_id, "listed": profile.listed, "pool_name": profile.pool_name,
            "headline": profile.headline, "region": profile.region,
            "languages": [c for c in profile.languages.split(",") if c],
            "availability": profile.availability, "phone": profile.phone,
            "share_region": profile.share_region, "share_languages": profile.share_languages,
            "share_real_name": profile.share_real_name},
        "consents": [{"action": c.action, "fields": c.fields, "notice_version": c.notice_version,
                      "at": rfc3339(c.at)} for c in consent_history(user.id)],
        "contact_requests": [{"organisation": r.organisation_name, "message": r.message,
                              "status": r.status, "created_at": rfc3339(r.created_at),
                              "answered_at": rfc3339(r.answered_at)}
                             for r in employers.received_requests(profile)],
        "profile_views": [{"organisation": v.organisation_name, "channel": v.channel,
                           "at": rfc3339(v.at)}
                          for v in employers.views_of(profile, limit=100_000)],
        "notifications": export_records(user.id),
        "notification_mail": export_mail_choice(user.id),
        "saved_search_alerts": {"searches_holding_profile":
                                0 if profile is None else searches_holding(profile.id)},
    })


# Rows an organisation must keep (``office.retention``): they stay with a pseudonymised account.
KEPT_TABLES = frozenset({"exam_attempt", "holder_identity", "holder_photo"})


def _attempt_record(attempt: ExamAttempt) -> dict:
    """An attempt as exported; a certifying sitting's scores and verdict only once published."""
    record = {"id": attempt.public_id, "level": attempt.level, "state": attempt.state,
              "started_at": rfc3339(attempt.started_at),
              "finished_at": rfc3339(attempt.finished_at), "theory_score": attempt.theory_score,
              "practical_score": attempt.practical_score, "panel_score": attempt.panel_score}
    if attempt.finished_at is not None and results_withheld(attempt):
        record.update(state="graded_unpublished", theory_score=None, practical_score=None,
                      panel_score=None)
    return record


def delete_account(user: User, password: str, revoke_certificates: bool = False) -> bool:
    """Delete the account after the password is re-entered; commits. Whether it was deleted
    entirely (True) or pseudonymised (False).

    With nothing an organisation must keep (``office.retention.kept_records``, counted after a
    requested revocation) the account and everything of it goes. Otherwise the account is
    pseudonymised — no e-mail, name, password or sign-in left — and every other row of the
    person is deleted, while the certification records and the certificates stay; the
    certificates stay valid unless ``revoke_certificates``, which withdraws them (their verify
    page then says so). Either way the profile leaves employers' saved-search alerts.
    """
    if not verify_password(user.password_hash, password or ""):
        raise AccountError(_("The password is not correct."))
    if revoke_certificates:
        withdraw_certificates_of(user.id)
    if (profile := profile_of(user.id)) is not None:
        forget_profile(profile.id)  # employers' alert rows; the profile itself cascades
    if not kept_records(user.id):
        db.session.delete(user)
        db.session.commit()
        return True
    for table in db.metadata.sorted_tables:
        if table.name in KEPT_TABLES:
            continue
        for key in table.foreign_keys:
            if key.column.table.name == "user" and key.ondelete == "CASCADE":
                db.session.execute(table.delete().where(key.parent == user.id))
    user.email = f"deleted-{user.public_id}@deleted.invalid"
    user.display_name = _("Deleted account")[:80]
    user.password_hash, user.active, user.locale = "!", False, None
    db.session.commit()
    return False
