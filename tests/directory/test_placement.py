"""Tier recomputation on certificate events and by the daily job."""

from __future__ import annotations

from datetime import timedelta

from talentpool.database import utcnow


def test_certificate_events_and_expiry_update_tier_evidence_and_search_copy(app, pool):
    from talentpool.certification.service import certificates_of
    from talentpool.certification.status_changes import revoke
    from talentpool.directory.placement import on_certificate_event, recompute_all_tiers, tier_of
    from talentpool.directory.profiles import profile_of

    person = pool.trainee(level=4, skills={"theory": 65})
    with app.app_context():
        assert tier_of(person.user_id).evidence["best_level"] == 4
        assert profile_of(person.user_id).best_level == 4
        revoke(certificates_of(person.user_id)[0].serial, "exam irregularity")
        on_certificate_event(person.user_id)
        assert tier_of(person.user_id).evidence["best_level"] is None
        assert profile_of(person.user_id).best_level == 6
    never_expires, expires = pool.trainee(level=3), pool.trainee(level=3, valid_years=3)
    with app.app_context():
        message = recompute_all_tiers(now=utcnow() + timedelta(days=365 * 10))
        assert "3 trainees" in message
        assert tier_of(never_expires.user_id).evidence["best_level"] == 3
        assert profile_of(never_expires.user_id).best_level == 3
        assert tier_of(expires.user_id).evidence["best_level"] is None
        assert profile_of(expires.user_id).best_level == 6


def test_recent_practice_counts_as_activity(app, pool):
    from talentpool.directory.placement import last_activity

    person = pool.trainee()
    with app.app_context():
        assert last_activity(person.user_id) is None


def test_home_panels_summarise_tier_listing_and_requests(app, pool):
    from talentpool.directory.panels import employer_panel, trainee_panel

    person = pool.trainee(level=5)
    employer, unverified = pool.employer(), pool.employer(verified=False)
    with app.app_context():
        panel = trainee_panel(person.user_id, "en")
        assert panel == {"tier_name": "Reserve", "listed": True, "pending_requests": 0}
        assert employer_panel(employer.user_id)["verified"] is True
        assert employer_panel(unverified.user_id) == {
            "registered": True, "verified": False, "shortlists": 0, "pending": 0, "accepted": 0}


def test_home_partials_render(app):
    from flask import render_template

    with app.test_request_context("/"):
        card = render_template("directory/_trainee_card.html", talent_card={
            "tier_name": "储备", "listed": False, "pending_requests": 2})
        panel = render_template("directory/_employer_panel.html", employer_card={
            "registered": True, "verified": True, "shortlists": 1, "pending": 0, "accepted": 1})
    assert "/talent/tier" in card and "/talent/search" in panel
