"""Certificate links in the talent pool reveal no real name the trainee did not share."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.api_conformance import ConformingClient
from tests.certification.conftest import use_english


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_profile_page_links_to_a_verify_page_with_a_masked_name_only(pool):
    person = pool.trainee(level=5, name="李华强")
    client = pool.client(pool.employer().email)
    use_english(client)
    page = client.get(f"/talent/p/{person.profile_id}").get_data(as_text=True)
    assert "李华强" not in page and "cert-privacy-note" in page
    assert "The verification page shows a masked name, the level and the status." in page
    assert "It does not show the trainee’s real name." in page
    assert "no expiry date" in page
    [verify_path] = [path for path in (path_of(part.split('"')[0])
                                       for part in page.split('href="')[1:])
                     if path.startswith("/verify/")]
    verify_page = client.get(verify_path).get_data(as_text=True)
    assert "李*强" in verify_page and "李华强" not in verify_page
    assert 'data-status="valid"' in verify_page


def test_a_trainee_who_shares_the_real_name_shows_it_on_the_profile(pool):
    person = pool.trainee(level=5, name="李华强", share=("real_name",))
    client = pool.client(pool.employer().email)
    use_english(client)
    page = client.get(f"/talent/p/{person.profile_id}").get_data(as_text=True)
    assert "李华强" in page
    assert "The verification page shows a masked name, the level and the status." in page
    assert "It does not show the trainee’s real name." not in page


def test_api_profile_and_the_status_it_links_to_carry_no_unshared_name(app, pool):
    app.test_client_class = ConformingClient
    person = pool.trainee(level=4, name="John Smith")
    token = pool.token(pool.employer(), ["search:read"])
    client = app.test_client()
    response = client.get(f"/api/v1/talent/profiles/{person.profile_id}",
                          headers={"Authorization": f"Bearer {token}"})
    card = response.get_json()
    assert "John Smith" not in response.get_data(as_text=True) and "real_name" not in card
    [certificate] = card["certificates"]
    assert (certificate["level"], certificate["valid_until"]) == (4, None)
    serial = path_of(certificate["verify_url"]).rsplit("/", 1)[1]
    status = client.get(f"/api/v1/certificates/{serial}")
    assert status.get_json()["masked_name"] == "J*** S****"
    assert "John Smith" not in status.get_data(as_text=True)
