"""Issuing, renewal, expiry and revocation through the service."""

from datetime import datetime, timedelta

import pytest

from talentpool.certification import service, status_changes
from talentpool.certification.models import Certificate, StoredStatus
from talentpool.extensions import db
from tests.bursts import burst

T0 = datetime(2026, 3, 1, 9, 30)


def test_issued_certificate_is_valid_with_a_random_serial(app, make_certificate):
    first, second = make_certificate(), make_certificate()
    assert first.serial != second.serial and first.serial.startswith("TP-")
    with app.app_context():
        certificate = service.find_certificate(first.serial.lower())
        assert service.certificate_status(certificate) == service.VALID
        assert certificate.holder_name.startswith("Holder")
        assert (certificate.theory_score, certificate.practical_score) == (82, 74)
        assert certificate.valid_until is None
        assert service.certificates_of(first.user_id) == [certificate]


def test_a_certificate_without_validity_years_is_still_valid_ten_years_later(
        app, client, make_certificate):
    issued = make_certificate(now=T0)
    ten_years_later = T0 + timedelta(days=3653)
    with app.app_context():
        certificate = service.find_certificate(issued.serial)
        assert service.certificate_status(certificate, ten_years_later) == service.VALID
        assert "validUntil" not in service.credential_document(certificate)
        assert "validFrom" in service.credential_document(certificate)
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert (record["status"], record["valid_until"]) == ("valid", None)


def test_a_level_with_validity_years_expires_by_the_clock(app, make_user):
    from talentpool.accounts.service import find_user_by_email

    with app.app_context():
        user = find_user_by_email(make_user())
        certificate = service.issue_certificate(user, 4, 70, 70, now=T0, valid_years=5)
        assert certificate.valid_until == datetime(2031, 3, 1, 9, 30)
        assert service.credential_document(certificate)["validUntil"] == "2031-03-01T09:30:00Z"
        assert service.certificate_status(certificate, datetime(2031, 3, 1, 9, 29)) == "valid"
        assert service.certificate_status(certificate, datetime(2031, 3, 1, 9, 30)) == "expired"
        for years in (0, 51, True, 2.5):
            with pytest.raises(service.CertificationError):
                service.issue_certificate(user, 3, 70, 70, valid_years=years)


def test_leap_day_plus_years_lands_on_28_february():
    assert service.add_years(datetime(2028, 2, 29, 12), 3) == datetime(2031, 2, 28, 12)


def test_renewal_supersedes_the_older_certificate_of_the_same_level(app, make_certificate):
    old = make_certificate(level=5, now=T0)
    other_level = make_certificate(level=4, email=old.email, now=T0)
    new = make_certificate(level=5, email=old.email, now=T0 + timedelta(days=900))
    with app.app_context():
        old_row = service.find_certificate(old.serial)
        new_row = service.find_certificate(new.serial)
        assert service.certificate_status(old_row) == service.SUPERSEDED
        assert old_row.superseded_by_id == new_row.id
        assert service.certificate_status(new_row, T0 + timedelta(days=901)) == "valid"
        level_4 = service.find_certificate(other_level.serial)
        assert service.certificate_status(level_4, T0 + timedelta(days=1)) == "valid"
        assert [c.serial for c in service.certificates_of(old.user_id)] == [
            new.serial, other_level.serial, old.serial]
        assert [c.serial for c in service.valid_certificates_of(old.user_id)] == [
            new.serial, other_level.serial]


def test_a_higher_level_neither_supersedes_nor_revokes_the_lower_one(app, client,
                                                                    make_certificate):
    level_5 = make_certificate(level=5, now=T0)
    level_4 = make_certificate(level=4, email=level_5.email, now=T0 + timedelta(days=30))
    with app.app_context():
        lower = service.find_certificate(level_5.serial)
        assert (lower.status, lower.superseded_by_id, lower.revoked_at) == (
            StoredStatus.VALID, None, None)
        assert {c.level for c in service.valid_certificates_of(level_5.user_id)} == {4, 5}
    for serial in (level_5.serial, level_4.serial):
        assert client.get(f"/api/v1/certificates/{serial}").get_json()["status"] == "valid"


def test_revocation_records_reason_date_and_actor(app, make_certificate, make_user):
    issued = make_certificate()
    with app.app_context():
        from talentpool.accounts.service import find_user_by_email
        from talentpool.auth import Role

        admin = find_user_by_email(make_user(Role.ADMIN))
        status_changes.revoke(issued.serial, "  Exam misconduct  ", admin, now=T0)
        certificate = service.find_certificate(issued.serial)
        assert service.certificate_status(certificate) == service.REVOKED
        assert (certificate.revocation_reason, certificate.revoked_at) == ("Exam misconduct", T0)
        assert certificate.revoked_by_id == admin.id
        with pytest.raises(service.CertificationError):
            status_changes.revoke(issued.serial, "again", admin)


@pytest.mark.parametrize(("serial", "reason"), [
    ("TP-0000-0000-0000-0000-0000-0000-0000", "fraud"), ("nonsense", "fraud"), (None, "fraud")])
def test_revoking_an_unknown_serial_is_refused(app, serial, reason):
    with app.app_context(), pytest.raises(service.CertificationError):
        status_changes.revoke(serial, reason)


def test_revocation_needs_a_reason(app, make_certificate):
    issued = make_certificate()
    with app.app_context():
        for reason in ("", "   ", "x" * 501):
            with pytest.raises(service.CertificationError):
                status_changes.revoke(issued.serial, reason)
        assert service.certificate_status(service.find_certificate(issued.serial)) == "valid"


@pytest.mark.parametrize(("level", "theory", "practical", "panel"), [
    (0, 80, 80, None), (6, 80, 80, None), (True, 80, 80, None), (5, 101, 80, None),
    (5, 80, -1, None), (5, "90", 80, None), (2, 80, 80, None), (1, 80, 80, 120)])
def test_invalid_issue_requests_are_refused_and_store_nothing(app, make_certificate, level,
                                                               theory, practical, panel):
    with pytest.raises(service.CertificationError):
        make_certificate(level=level, theory=theory, practical=practical, panel=panel)
    with app.app_context():
        assert db.session.query(Certificate).count() == 0


def test_panel_levels_keep_the_panel_score(app, make_certificate):
    issued = make_certificate(level=2, theory=91.6, practical=60.5, panel=79)
    with app.app_context():
        certificate = service.find_certificate(issued.serial)
        assert (certificate.theory_score, certificate.practical_score,
                certificate.panel_score) == (92, 61, 79)


def test_deleted_account_leaves_a_withdrawn_record(app, make_certificate):
    issued = make_certificate()
    with app.app_context():
        from talentpool.accounts.models import User

        status_changes.withdraw_certificates_of(issued.user_id, now=T0)
        db.session.delete(db.session.get(User, issued.user_id))
        db.session.commit()
        certificate = service.find_certificate(issued.serial)
        assert certificate.user_id is None and certificate.holder_name == ""
        assert service.certificate_status(certificate) == service.REVOKED
        assert certificate.revocation_reason == "holder account deleted"


def test_database_allows_one_valid_certificate_per_person_and_level(app, make_certificate):
    from sqlalchemy.exc import IntegrityError

    issued = make_certificate()
    with app.app_context():
        original = service.find_certificate(issued.serial)
        twin = Certificate(**{column.key: getattr(original, column.key)
                              for column in Certificate.__table__.columns
                              if column.key not in ("id", "serial")}, serial="TP-TWIN")
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_two_concurrent_issues_leave_exactly_one_valid_certificate(app, make_user):
    from sqlalchemy import func, select

    from talentpool.accounts.service import find_user_by_email
    from talentpool.certification.models import StoredStatus

    email = make_user()

    def issue(user) -> str:
        try:
            return service.issue_certificate(user, 5, 80, 80).serial
        except service.CertificationError:
            return "refused"

    outcomes = burst(app, 2, issue, prepare=lambda: find_user_by_email(email))
    assert len(outcomes) == 2
    with app.app_context():
        valid = db.session.scalar(select(func.count()).select_from(Certificate).where(
            Certificate.status == StoredStatus.VALID))
        assert valid == 1
