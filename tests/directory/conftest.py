"""Helpers for talent-pool tests: listed trainees, verified employers, logged-in clients."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from talentpool.auth import Role
from tests.conftest import PASSWORD, AuthActions, post_form


@dataclass(frozen=True)
class Person:
    email: str
    user_id: int
    profile_id: str | None = None


class Pool:
    """Builds talent-pool data through the services, as the pages would."""

    def __init__(self, app):
        self.app = app
        self.counter = iter(range(1, 10_000))

    def client(self, email: str):
        """A test client logged in as ``email``."""
        client = self.app.test_client()
        assert AuthActions(client).login(email).status_code == 302
        return client

    def trainee(self, listed: bool = True, share: tuple[str, ...] = (), region: str = "",
                languages: tuple[str, ...] = (), skills: dict | None = None,
                level: int | None = None, phone: str = "", name: str | None = None,
                valid_years: int | None = None, headline: str = "",
                pool_name: str | None = None) -> Person:
        from talentpool.accounts.service import create_user
        from talentpool.certification.service import issue_certificate
        from talentpool.directory import profiles
        from talentpool.directory.placement import recompute_tier
        from talentpool.extensions import db
        from talentpool.practice.models import SkillEstimate

        n = next(self.counter)
        with self.app.app_context():
            user = create_user(f"trainee{n}@example.org", name or f"Real Name {n}", PASSWORD,
                               Role.TRAINEE)
            for track, score in (skills or {}).items():
                db.session.add(SkillEstimate(user_id=user.id, track=track, theta=0, se=0.3,
                                             score=score, score_se=3.75, n_items=20,
                                             provisional=False))
            db.session.commit()
            if level is not None:
                issue_certificate(user, level, 80, 75, valid_years=valid_years)
            profile = profiles.update_profile(user, {
                "pool_name": pool_name or f"Annotator {n}", "headline": headline,
                "region": region, "languages": list(languages), "availability": "open",
                "phone": phone})
            if listed:
                profiles.give_consent(user, list(share))
            recompute_tier(user.id)
            return Person(user.email, user.id, profile.public_id)

    def employer(self, verified: bool = True, organisation: str | None = None) -> Person:
        from talentpool.accounts.service import create_user
        from talentpool.directory import employers

        n = next(self.counter)
        with self.app.app_context():
            user = create_user(f"employer{n}@example.com", f"Recruiter {n}", PASSWORD,
                               Role.EMPLOYER)
            org = employers.register_organisation(user, organisation or f"Data Lab {n}")
            if verified:
                admin = create_user(f"admin{n}@example.net", "Admin", PASSWORD, Role.ADMIN)
                employers.set_verified(org.public_id, True, admin)
            return Person(user.email, user.id)

    def token(self, employer: Person, scopes: list[str]) -> str:
        from talentpool.accounts.models import User
        from talentpool.directory.api_tokens import create_token
        from talentpool.extensions import db

        with self.app.app_context():
            return create_token(db.session.get(User, employer.user_id), "test", scopes)[1]


@pytest.fixture
def pool(app):
    return Pool(app)


def form_post(client, page_url: str, action_url: str, data: dict, **kwargs):
    """POST ``data`` to ``action_url`` with the CSRF token of ``page_url``."""
    from tests.conftest import csrf_from

    token = csrf_from(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token}, **kwargs)


__all__ = ["Pool", "Person", "form_post", "post_form"]
