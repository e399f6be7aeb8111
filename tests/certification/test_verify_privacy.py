"""The public verification shows a masked name and confirms a typed full name, nothing more."""

import json

import pytest

from tests.bursts import burst
from tests.certification.conftest import use_english
from tests.conftest import PASSWORD, csrf_from

HOLDERS = [("王小明", "王*明"), ("欧阳娜娜", "欧**娜"), ("李雷", "李*"),
           ("John Smith", "J*** S****"), ("Zoë Ångström-Berg", "Z** Å*******-B***")]


def check_name(client, serial: str, typed: str):
    """Open the verify page for its CSRF token, then post a typed name to it."""
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    return client.post(f"/verify/{serial}", data={"holder_name": typed,
                                                  "csrf_token": csrf_from(page)})


@pytest.mark.parametrize(("name", "masked"), HOLDERS)
def test_page_and_status_json_show_the_masked_name_never_the_full_name(
        client, make_certificate, name, masked):
    issued = make_certificate(name=name, level=4)
    html = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert masked in html and name not in html
    response = client.get(f"/api/v1/certificates/{issued.serial}")
    record = response.get_json()
    assert record["masked_name"] == masked and "holder_name" not in record
    assert name not in response.get_data(as_text=True)
    assert name not in json.dumps(record, ensure_ascii=False)
    assert (record["level"], record["status"]) == (4, "valid") and record["issuer"]


def test_credential_verification_answer_carries_no_full_name(client, make_certificate):
    issued = make_certificate(name="王小明")
    credential = client.get(f"/api/v1/certificates/{issued.serial}/credential").get_json()
    answer = client.post("/api/v1/credentials/verify", json=credential)
    assert answer.get_json()["certificate"]["masked_name"] == "王*明"
    assert "王小明" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(("holder", "typed"), [
    ("王小明", "王小明"), ("王小明", " 王小明 "), ("John Smith", "john   SMITH"),
    ("John Smith", "ＪＯＨＮ ＳＭＩＴＨ")])
def test_the_right_full_name_matches(client, make_certificate, holder, typed):
    issued = make_certificate(name=holder)
    use_english(client)
    response = check_name(client, issued.serial, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'data-name-check="match"' in html and 'data-name-check="no-match"' not in html
    assert "The name matches the holder" in html


@pytest.mark.parametrize(("holder", "typed"), [
    ("王小明", "王晓明"), ("王小明", "王*明"), ("John Smith", "John Smyth"),
    ("John Smith", "J*** S****")])
def test_a_wrong_name_does_not_match_and_reveals_nothing(client, make_certificate, holder,
                                                         typed):
    issued = make_certificate(name=holder)
    response = check_name(client, issued.serial, typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-name-check="no-match"' in html
    assert 'data-name-check="match"' not in html and holder not in html


def test_an_empty_name_is_refused_with_a_message(client, make_certificate):
    issued = make_certificate(name="王小明")
    use_english(client)
    response = check_name(client, issued.serial, "   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Type the holder" in html
    assert "data-name-check=" not in html


def test_name_check_of_an_unknown_serial_is_404(client, make_certificate):
    issued = make_certificate(name="王小明")
    token = csrf_from(client.get(f"/verify/{issued.serial}").get_data(as_text=True))
    response = client.post("/verify/TP-0000-0000-0000-0000-0000-0000-0000",
                           data={"holder_name": "王小明", "csrf_token": token})
    assert response.status_code == 404 and "data-name-check" not in response.get_data(
        as_text=True)


def test_name_check_needs_the_csrf_token(client, make_certificate):
    issued = make_certificate(name="王小明")
    response = client.post(f"/verify/{issued.serial}", data={"holder_name": "王小明"})
    assert response.status_code == 400
    assert 'data-name-check="match"' not in response.get_data(as_text=True)


def test_name_checks_are_rate_limited_per_address(app, client, make_certificate):
    issued = make_certificate(name="王小明")
    app.config["VERIFY_RATE_LIMIT"] = 4
    token = csrf_from(client.get(f"/verify/{issued.serial}").get_data(as_text=True))
    guesses = ["王大明", "王二明", "王三明"]
    answers = [client.post(f"/verify/{issued.serial}",
                           data={"holder_name": guess, "csrf_token": token})
               for guess in guesses]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    limited = client.post(f"/verify/{issued.serial}",
                          data={"holder_name": "王小明", "csrf_token": token})
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert 'data-name-check="match"' not in html
    other = app.test_client()
    other_address = {"REMOTE_ADDR": "198.51.100.7"}
    page = other.get(f"/verify/{issued.serial}", environ_base=other_address)
    allowed = other.post(f"/verify/{issued.serial}", environ_base=other_address, data={
        "holder_name": "王小明", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert 'data-name-check="match"' in allowed.get_data(as_text=True)


def test_the_holder_keeps_the_full_name_in_the_pdf_and_the_data_export(
        client, auth, make_certificate):
    from tests.certification.test_pdf_and_downloads import pdf_text

    issued = make_certificate(name="王小明")
    auth.login(issued.email, PASSWORD)
    assert "王小明" in pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    exported = client.get("/talent/data/export.json").get_json()
    [certificate] = exported["certificates"]
    assert (certificate["holder_name"], certificate["masked_name"]) == ("王小明", "王*明")


def test_name_checks_are_capped_per_certificate_across_addresses(app, make_certificate):
    issued = make_certificate(name="王小明")
    app.config["VERIFY_NAME_CHECKS_PER_HOUR"] = 3
    answers = []
    for n in range(5):  # every guess from a different address
        client, address = app.test_client(), {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        page = client.get(f"/verify/{issued.serial}", environ_base=address)
        answers.append(client.post(f"/verify/{issued.serial}", environ_base=address, data={
            "holder_name": "王小明", "csrf_token": csrf_from(page.get_data(as_text=True))}))
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert 'data-name-check="match"' not in answers[-1].get_data(as_text=True)
    other = make_certificate(name="李四")  # another certificate is not affected
    client = app.test_client()
    page = client.get(f"/verify/{other.serial}")
    assert client.post(f"/verify/{other.serial}", data={
        "holder_name": "李四", "csrf_token": csrf_from(page.get_data(as_text=True))}
    ).status_code == 200


def test_simultaneous_verification_requests_do_not_pass_the_limit(app, make_certificate):
    from talentpool.certification import throttle

    app.config["VERIFY_RATE_LIMIT"] = 5
    allowed = burst(app, 20, lambda: throttle.allow_request("192.0.2.1"))
    assert len(allowed) == 20 and sum(allowed) <= 5
