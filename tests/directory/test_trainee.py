"""Trainee side: tier page, profile and consent, protected fields, requests, data rights."""

from __future__ import annotations

import json

from talentpool.auth import Role
from tests.conftest import PASSWORD, post_form
from tests.directory.conftest import form_post


def test_tier_page_explains_the_placement_and_the_next_step(pool):
    person = pool.trainee(listed=False, level=5)
    page = pool.client(person.email).get("/talent/tier").get_data(as_text=True)
    assert "储备" in page and "初级" in page
    assert "check-open" in page  # what would move the person up


def test_consent_lists_and_withdrawal_unlists_at_once(app, pool):
    person = pool.trainee(listed=False, skills={"theory": 70})
    employer = pool.employer()
    trainee_client, employer_client = pool.client(person.email), pool.client(employer.email)
    assert person.profile_id not in employer_client.get("/talent/search").get_data(as_text=True)
    page = trainee_client.get("/talent/profile").get_data(as_text=True)
    assert "Purpose" in page or "目的" in page or "purpose" in page.lower()
    form_post(trainee_client, "/talent/profile", "/talent/consent",
              {"agree": "y", "share_region": "y"})
    assert person.profile_id in employer_client.get("/talent/search").get_data(as_text=True)
    assert employer_client.get(f"/talent/p/{person.profile_id}").status_code == 200
    form_post(trainee_client, "/talent/profile", "/talent/consent/withdraw", {})
    assert person.profile_id not in employer_client.get("/talent/search").get_data(as_text=True)
    assert employer_client.get(f"/talent/p/{person.profile_id}").status_code == 404
    with app.app_context():
        from talentpool.directory.profiles import consent_history

        actions = [c.action for c in consent_history(person.user_id)]
    assert actions == ["withdrawn", "given"]


def test_consent_needs_the_agreement_box(pool):
    person = pool.trainee(listed=False)
    client = pool.client(person.email)
    form_post(client, "/talent/profile", "/talent/consent", {"share_region": "y"})
    employer_client = pool.client(pool.employer().email)
    assert employer_client.get(f"/talent/p/{person.profile_id}").status_code == 404


def test_profile_update_cannot_set_tier_level_skill_or_role(app, pool):
    person = pool.trainee(skills={"theory": 40})
    client = pool.client(person.email)
    response = post_form(client, "/talent/profile", {
        "pool_name": "Quiet Annotator", "availability": "open", "tier": "expert",
        "tier_rank": "4", "best_level": "1", "best_skill": "100", "relevance": "999",
        "role": "admin", "listed": "y", "user_id": "1", "share_real_name": "y"})
    assert response.status_code == 302
    with app.app_context():
        from talentpool.accounts.models import User
        from talentpool.directory.profiles import profile_of
        from talentpool.extensions import db

        profile = profile_of(person.user_id)
        assert profile.pool_name == "Quiet Annotator"
        assert (profile.tier, profile.tier_rank, profile.best_level) == ("reserve", 0, 6)
        assert profile.best_skill == 40 and not profile.share_real_name
        assert db.session.get(User, person.user_id).role is Role.TRAINEE


def test_contact_request_accept_reveals_contact_to_that_employer_only(pool):
    person = pool.trainee(phone="+86 138 0000 0000")
    first, second = pool.employer(), pool.employer()
    first_client, second_client = pool.client(first.email), pool.client(second.email)
    url = f"/talent/p/{person.profile_id}"
    form_post(first_client, url, f"{url}/contact",
              {"message": "We label medical images, 3 months."})
    assert person.email not in first_client.get(url).get_data(as_text=True)
    trainee_client = pool.client(person.email)
    page = trainee_client.get("/talent/requests").get_data(as_text=True)
    assert "We label medical images" in page
    import re
    request_id = re.search(r'/talent/requests/([\w-]+)"', page).group(1)
    form_post(trainee_client, "/talent/requests", f"/talent/requests/{request_id}",
              {"answer": "accept"})
    shown = first_client.get(url).get_data(as_text=True)
    assert person.email in shown and "+86 138 0000 0000" in shown
    other = second_client.get(url).get_data(as_text=True)
    assert person.email not in other and "138 0000" not in other
    views = trainee_client.get("/talent/requests").get_data(as_text=True)
    assert "Data Lab" in views


def test_declined_request_reveals_nothing(pool):
    person = pool.trainee()
    employer = pool.employer()
    client = pool.client(employer.email)
    url = f"/talent/p/{person.profile_id}"
    form_post(client, url, f"{url}/contact", {"message": "Hello, we have work for you."})
    trainee_client = pool.client(person.email)
    import re
    request_id = re.search(r'/talent/requests/([\w-]+)"',
                           trainee_client.get("/talent/requests").get_data(as_text=True)).group(1)
    form_post(trainee_client, "/talent/requests", f"/talent/requests/{request_id}",
              {"answer": "decline"})
    assert person.email not in client.get(url).get_data(as_text=True)
    form_post(client, url, f"{url}/contact", {"message": "Please reconsider, good pay."})
    assert trainee_client.get("/talent/requests").get_data(as_text=True).count(
        "request-message") == 1  # no new request right after a decline


def test_export_holds_all_personal_data(pool):
    person = pool.trainee(skills={"theory": 66}, level=5)
    employer = pool.employer()
    pool.client(employer.email).get(f"/talent/p/{person.profile_id}")
    response = pool.client(person.email).get("/talent/data/export.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == person.email
    assert data["skill_estimates"][0]["score"] == 66
    assert data["certificates"][0]["status"] == "valid"
    assert [c["action"] for c in data["consents"]] == ["given"]
    assert len(data["profile_views"]) == 1
    for key in ("practice_responses", "exam_attempts", "contact_requests", "tier", "profile"):
        assert key in data


def test_an_account_without_records_to_keep_is_deleted_entirely(app, pool):
    person = pool.trainee(skills={"text-classification": 70})
    client = pool.client(person.email)
    wrong = form_post(client, "/talent/data", "/talent/data/delete", {"password": "nope nope"})
    assert wrong.status_code == 400
    done = form_post(client, "/talent/data", "/talent/data/delete", {"password": PASSWORD})
    assert done.status_code == 302
    with app.app_context():
        from talentpool.accounts.models import User
        from talentpool.directory.models import TalentProfile
        from talentpool.extensions import db

        assert db.session.get(User, person.user_id) is None
        assert db.session.query(TalentProfile).count() == 0


def test_deleting_a_certified_account_keeps_what_the_register_must_and_nothing_else(app, pool):
    from talentpool.accounts.models import LoginSession, User
    from talentpool.certification.holders import identity_of, set_identity
    from talentpool.directory.models import TalentProfile
    from talentpool.extensions import db
    from talentpool.practice.models import SkillEstimate

    person = pool.trainee(level=4, skills={"text-classification": 70})
    kept_holder, revoking = person, pool.trainee(level=5)
    with app.app_context():
        from talentpool.certification.service import certificates_of

        set_identity(db.session.get(User, person.user_id), "resident_id", "11010519491231002X")
        serial = certificates_of(person.user_id)[0].serial
        other_serial = certificates_of(revoking.user_id)[0].serial
    client = pool.client(person.email)
    page = client.get("/talent/data").get_data(as_text=True)
    assert "PIPL" in page or "个人信息保护法" in page
    exported = client.get("/talent/data/export.json").get_json()
    assert [k["until"] for k in exported["kept_after_deletion"]] == [None]
    done = form_post(client, "/talent/data", "/talent/data/delete", {"password": PASSWORD})
    assert done.status_code == 302
    with app.app_context():
        row = db.session.get(User, kept_holder.user_id)
        assert row is not None and not row.active and row.email.endswith("@deleted.invalid")
        assert row.display_name != "Real Name 1" and row.password_hash == "!"
        assert identity_of(row.id).id_number == "11010519491231002X"  # the certificate's ID
        for model in (TalentProfile, SkillEstimate, LoginSession):
            assert db.session.query(model).filter_by(user_id=row.id).count() == 0, model
    record = client.get(f"/api/v1/certificates/{serial}").get_json()
    assert record["status"] == "valid"  # stays valid unless the holder asks
    assert pool.client(pool.employer().email).get(
        f"/talent/p/{person.profile_id}").status_code == 404
    assert client.get("/talent/data").status_code in (302, 401)  # signed out for good
    # A holder who asks for revocation gets it.
    other = pool.client(revoking.email)
    form_post(other, "/talent/data", "/talent/data/delete",
              {"password": PASSWORD, "revoke_certificates": "y"})
    record = other.get(f"/api/v1/certificates/{other_serial}").get_json()
    assert record["status"] == "revoked" and record["masked_name"] is None


def test_other_roles_cannot_open_trainee_pages(pool):
    client = pool.client(pool.employer().email)
    for url in ("/talent/tier", "/talent/profile", "/talent/requests", "/talent/data"):
        assert client.get(url).status_code == 403
