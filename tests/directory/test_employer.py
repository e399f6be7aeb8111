"""Employer side: verification, search filters and privacy, shortlists, CSV, isolation."""

from __future__ import annotations

import csv
import io
import re

from tests.directory.conftest import form_post


def unregistered(pool) -> str:
    from talentpool.accounts.service import create_user
    from talentpool.auth import Role
    from tests.conftest import PASSWORD

    with pool.app.app_context():
        return create_user("solo@example.com", "Solo", PASSWORD, Role.EMPLOYER).email


def test_unverified_or_unregistered_employers_get_403_everywhere(pool):
    listed = pool.trainee()
    for employer in (pool.employer(verified=False).email, unregistered(pool)):
        client = pool.client(employer)
        for url in ("/talent/search", f"/talent/p/{listed.profile_id}", "/talent/shortlists",
                    "/talent/tokens"):
            response = client.get(url)
            assert response.status_code == 403
            assert "Annotator" not in response.get_data(as_text=True)
    trainee_client = pool.client(pool.trainee().email)
    assert trainee_client.get("/talent/search").status_code == 403


def test_admin_verifies_and_unverifies_an_organisation(app, pool, make_user):
    from talentpool.auth import Role

    employer = pool.employer(verified=False, organisation="Annotate & Co <b>")
    admin = make_user(Role.ADMIN)
    admin_client = pool.client(admin)
    page = admin_client.get("/talent/admin/organisations").get_data(as_text=True)
    assert "Annotate &amp; Co &lt;b&gt;" in page
    organisation_id = re.search(r'/talent/admin/organisations/([\w-]+)"', page).group(1)
    action = f"/talent/admin/organisations/{organisation_id}"
    form_post(admin_client, "/talent/admin/organisations", action, {"verified": "1"})
    employer_client = pool.client(employer.email)
    assert employer_client.get("/talent/search").status_code == 200
    form_post(admin_client, "/talent/admin/organisations", action, {"verified": "0"})
    assert employer_client.get("/talent/search").status_code == 403
    assert pool.client(employer.email).get("/talent/admin/organisations").status_code == 403


def test_filters_match_only_shared_fields(pool):
    shared = pool.trainee(share=("region", "languages"), region="上海", languages=("en",))
    hidden = pool.trainee(region="上海", languages=("en",), name="Secret Person")
    client = pool.client(pool.employer().email)
    for query in ("region=上海", "language=en"):
        page = client.get(f"/talent/search?{query}").get_data(as_text=True)
        assert shared.profile_id in page and hidden.profile_id not in page
    everyone = client.get("/talent/search").get_data(as_text=True)
    assert hidden.profile_id in everyone
    profile = client.get(f"/talent/p/{hidden.profile_id}").get_data(as_text=True)
    for secret in ("上海", "Secret Person", hidden.email):
        assert secret not in profile
    card = re.search(rf'href="/talent/p/{hidden.profile_id}".*?</article>', everyone, re.S)
    assert "上海" not in card.group(0)


def test_search_filters_sorts_and_pages(pool):
    strong = pool.trainee(skills={"object_detection": 91}, level=3)
    weak = pool.trainee(skills={"object_detection": 41})
    other = pool.trainee(skills={"theory": 95})
    client = pool.client(pool.employer().email)
    page = client.get("/talent/search?track=object_detection&min_skill=60").get_data(as_text=True)
    assert strong.profile_id in page
    assert weak.profile_id not in page and other.profile_id not in page
    page = client.get("/talent/search?min_level=3").get_data(as_text=True)
    assert strong.profile_id in page and weak.profile_id not in page
    assert "/verify/" in page  # results link their certificates to the verify page
    page = client.get("/talent/search?track=object_detection&sort=skill").get_data(as_text=True)
    assert page.index(strong.profile_id) < page.index(weak.profile_id)
    for junk in ("min_skill=abc", "min_level=9", "tier=<script>", "page=-3", "sort=drop"):
        assert client.get(f"/talent/search?{junk}").status_code == 200


def test_pagination_and_saved_searches(app, pool):
    from talentpool.directory import search as search_module

    people = [pool.trainee(skills={"theory": 50 + i}) for i in range(3)]
    employer = pool.employer()
    client = pool.client(employer.email)
    with app.app_context():
        found = search_module.search(search_module.SearchQuery(sort="skill"), page_size=2)
        assert found.has_next and len(found.profiles) == 2
        second = search_module.search(search_module.SearchQuery(sort="skill", page=2), page_size=2)
        assert not second.has_next and second.profiles[0].public_id == people[0].profile_id
    form_post(client, "/talent/search", "/talent/searches?track=theory&min_skill=51",
              {"name": "Theory 51+"})
    page = client.get("/talent/search").get_data(as_text=True)
    assert "Theory 51+" in page and "min_skill=51" in page
    other = pool.client(pool.employer().email).get("/talent/search").get_data(as_text=True)
    assert "Theory 51+" not in other


def test_profile_views_are_logged_for_the_trainee(pool):
    person = pool.trainee()
    pool.client(pool.employer(organisation="Vision Labs").email).get(
        f"/talent/p/{person.profile_id}")
    page = pool.client(person.email).get("/talent/requests").get_data(as_text=True)
    assert "Vision Labs" in page


def _make_shortlist(client, profile_id: str, name: str = "Vision team") -> str:
    response = form_post(client, "/talent/shortlists", "/talent/shortlists", {"name": name})
    shortlist_id = response.headers["Location"].rsplit("/", 1)[1]
    form_post(client, f"/talent/p/{profile_id}", f"/talent/p/{profile_id}/shortlist",
              {"shortlist": shortlist_id, "note": "=HYPERLINK(\"http://evil\")"})
    return shortlist_id


def test_shortlist_csv_escapes_formulas_and_hides_unshared_fields(pool):
    person = pool.trainee(region="杭州", name="=cmd|' /C calc'!A0", skills={"theory": 77})
    client = pool.client(pool.employer().email)
    shortlist_id = _make_shortlist(client, person.profile_id)
    response = client.get(f"/talent/shortlists/{shortlist_id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["note"].startswith("'=")
    assert rows[0]["region"] == "" and rows[0]["real_name"] == "" and rows[0]["email"] == ""
    assert "杭州" not in text and "calc" not in text and person.email not in text


def test_employers_cannot_read_each_others_shortlists_requests_or_tokens(pool):
    person = pool.trainee()
    owner, intruder = pool.employer(), pool.employer()
    owner_client, intruder_client = pool.client(owner.email), pool.client(intruder.email)
    shortlist_id = _make_shortlist(owner_client, person.profile_id, name="Owner private list")
    url = f"/talent/p/{person.profile_id}"
    form_post(owner_client, url, f"{url}/contact", {"message": "Owner's private message here."})
    form_post(owner_client, "/talent/tokens", "/talent/tokens",
              {"name": "owner-bot", "scopes": ["search:read"]})
    assert intruder_client.get(f"/talent/shortlists/{shortlist_id}").status_code == 404
    assert intruder_client.get(f"/talent/shortlists/{shortlist_id}/export.csv").status_code == 404
    response = form_post(intruder_client, "/talent/shortlists",
                         f"/talent/shortlists/{shortlist_id}/remove/{person.profile_id}", {})
    assert response.status_code == 404
    overview = intruder_client.get("/talent/shortlists").get_data(as_text=True)
    assert "Owner private list" not in overview and "Owner's private" not in overview
    tokens_page = intruder_client.get("/talent/tokens").get_data(as_text=True)
    assert "owner-bot" not in tokens_page
    token_id = re.search(r'/talent/tokens/([\w-]+)/revoke',
                         owner_client.get("/talent/tokens").get_data(as_text=True)).group(1)
    response = form_post(intruder_client, "/talent/tokens", f"/talent/tokens/{token_id}/revoke", {})
    assert response.status_code == 404
    page = owner_client.get(f"/talent/shortlists/{shortlist_id}").get_data(as_text=True)
    assert person.profile_id in page


def test_withdrawn_people_vanish_from_shortlists(pool):
    person = pool.trainee()
    client = pool.client(pool.employer().email)
    shortlist_id = _make_shortlist(client, person.profile_id)
    trainee_client = pool.client(person.email)
    form_post(trainee_client, "/talent/profile", "/talent/consent/withdraw", {})
    assert person.profile_id not in client.get(f"/talent/shortlists/{shortlist_id}").get_data(
        as_text=True)


def test_stored_text_is_escaped(pool):
    person = pool.trainee()
    from talentpool.directory import profiles  # noqa: F401
    client = pool.client(person.email)
    form_post(client, "/talent/profile", "/talent/profile",
              {"pool_name": "<script>x</script>", "availability": "open",
               "headline": "<img src=x onerror=alert(1)>"})
    page = pool.client(pool.employer().email).get("/talent/search").get_data(as_text=True)
    assert "<script>x" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
