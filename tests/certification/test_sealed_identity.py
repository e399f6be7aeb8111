"""Identity numbers are encrypted at rest (AES-256-GCM, keys outside the database) with a blind
index for matching; keys rotate; an administrator's unmasked view is written to the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from talentpool import field_crypto
from talentpool.auth import Role
from talentpool.extensions import db
from tests.conftest import post_form

NUMBER = "11010519491231002X"
COLUMN = "holder_identity.id_number"


def enter_identity(client, number=NUMBER):
    return post_form(client, "/certificates/identity", {"id_type": "resident_id",
                                                       "id_number": number})


def stored(app) -> tuple[str, str]:
    with app.app_context():
        return db.session.execute(text(
            "SELECT id_number_sealed, id_number_index FROM holder_identity")).one()


def test_the_database_holds_no_plain_number(app, client, auth, make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    assert enter_identity(client).status_code == 302
    sealed, index = stored(app)
    assert NUMBER not in sealed and NUMBER not in index and "002X" not in sealed
    assert sealed.startswith("v1.")
    with app.app_context():
        assert field_crypto.open_sealed(sealed, COLUMN) == NUMBER
        # Bound to its column: the same value cannot be opened as another field.
        with pytest.raises(field_crypto.FieldKeyError):
            field_crypto.open_sealed(sealed, "other_table.other_column")
        tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
        with pytest.raises(field_crypto.FieldKeyError):
            field_crypto.open_sealed(tampered, COLUMN)
    # The key lives in the instance folder, private to its owner, when no setting names one.
    import os
    from pathlib import Path

    key_file = Path(app.instance_path) / "field_keys"
    assert key_file.exists() and os.stat(key_file).st_mode & 0o077 == 0


def test_keys_rotate_and_lookups_work_throughout(app, client, auth, make_certificate, runner):
    from talentpool.certification.national import record_national_number  # noqa: F401
    from talentpool.certification.service import find_certificate

    old = field_crypto.new_key_setting()
    app.config["FIELD_ENCRYPTION_KEYS"] = old
    issued = make_certificate(level=5)
    auth.login(issued.email)
    enter_identity(client)
    before, index_before = stored(app)
    with app.app_context():  # a registration's real name is sealed the same way
        from talentpool.office.models import Registration
        from tests.office.helpers import make_plan

        plan = make_plan(5)
        db.session.add(Registration(plan_id=plan.id, user_id=None, candidate_name="王小明",
                                    route="work"))
        db.session.commit()
        raw = db.session.execute(text("SELECT candidate_name_sealed FROM registration")).scalar()
        assert "王小明" not in raw and raw.split(".")[1] == old.split(":")[0]
    new = field_crypto.new_key_setting()
    app.config["FIELD_ENCRYPTION_KEYS"] = f"{new},{old}"

    def matches() -> list[str]:
        with app.app_context():
            from talentpool.certification.national import _valid_certificates

            return [c.serial for c in _valid_certificates(NUMBER, 5)]

    assert matches() == [issued.serial]  # old rows are found while not yet re-encrypted
    result = runner.invoke(args=["certificates", "reseal-identities"])
    assert "1 identity numbers and 1 registered names encrypted with the current key" \
        in result.output
    after, index_after = stored(app)
    assert after.split(".")[1] == new.split(":")[0] != before.split(".")[1]
    assert index_after != index_before
    app.config["FIELD_ENCRYPTION_KEYS"] = new  # the old key can go now
    assert matches() == [issued.serial]
    assert "0 identity numbers" in runner.invoke(args=["certificates",
                                                        "reseal-identities"]).output
    with app.app_context():
        from talentpool.certification.holders import identity_of

        assert identity_of(find_certificate(issued.serial).user_id).id_number == NUMBER
        from talentpool.office.models import Registration

        assert db.session.scalar(select(Registration)).candidate_name == "王小明"
    app.config["FIELD_ENCRYPTION_KEYS"] = field_crypto.new_key_setting()  # a wrong key
    with app.app_context(), pytest.raises(field_crypto.FieldKeyError):
        identity_of(find_certificate(issued.serial).user_id).id_number  # noqa: B018


def test_a_malformed_key_setting_is_refused():
    for setting in ("", "nokey", "k1:short", "bad id:" + "A" * 43):
        with pytest.raises(field_crypto.FieldKeyError):
            field_crypto.parse_keys(setting)


def test_an_administrators_unmasked_view_is_audited(app, client, auth, make_user,
                                                    make_certificate):
    from talentpool.organisations import office
    from talentpool.organisations.service import default_organisation

    issued = make_certificate()
    auth.login(issued.email)
    enter_identity(client)
    auth.logout()
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    assert NUMBER in client.get(f"/admin/certificates/{issued.serial}").get_data(as_text=True)
    with app.app_context():
        [entry] = [e for e in office.audit_log(default_organisation())
                   if e.action == "identity.view"]
        assert entry.subject == issued.serial and admin in entry.actor
