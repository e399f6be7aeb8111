"""The holder's identity document: validated, masked in public, in full for holder and admin."""

import json

import pytest

from talentpool.auth import Role
from talentpool.certification.identity import (
    OTHER_SHAPE, RESIDENT_CHECK, RESIDENT_DATE, RESIDENT_SHAPE, UNKNOWN_TYPE, id_number_problem,
    last_six_match, mask_id_number, normalise_id_number, resident_check_character,
)
from tests.certification.conftest import use_english
from tests.conftest import PASSWORD, csrf_from, post_form

# The worked example of GB 11643-1999 ends in X; the others were computed by hand:
# 11010119900307447: Σ aᵢWᵢ = 1·7+1·9+0·10+1·5+0·8+1·4+1·2+9·1+9·6+0·3+0·7+3·9+0·10+7·5+4·8
# +4·4+7·2 = 214, 214 mod 11 = 5 → check 7.
# 44030819990101234: Σ = 4·7+4·9+0+3·5+0+8·4+1·2+9·1+9·6+9·3+0+1·9+0+1·5+2·8+3·4+4·2 = 253,
# 253 mod 11 = 0 → check 1.
VALID = ["11010519491231002X", "110101199003074477", "440308199901012341"]
RESIDENT = "110101199003074477"


def test_the_check_character_is_iso_7064_mod_11_2():
    assert resident_check_character("11010519491231002") == "X"
    assert resident_check_character("11010119900307447") == "7"
    assert resident_check_character("44030819990101234") == "1"


@pytest.mark.parametrize("number", VALID)
def test_valid_resident_numbers_are_accepted(number):
    assert id_number_problem("resident_id", number) is None


@pytest.mark.parametrize(("number", "problem"), [
    ("110101199003074470", RESIDENT_CHECK),  # wrong check digit
    ("110101199003074X77", RESIDENT_SHAPE),  # X only at the end
    ("11010119900307447X", RESIDENT_CHECK),  # X where 7 belongs
    ("110101199003047477", RESIDENT_CHECK),  # two digits swapped
    ("44030819990101234", RESIDENT_SHAPE),  # 17 characters
    ("110101199002304478", RESIDENT_DATE),  # 30 February
    ("1101011990030744771", RESIDENT_SHAPE),  # 19 characters
])
def test_invalid_resident_numbers_are_rejected(number, problem):
    assert id_number_problem("resident_id", number) == problem


@pytest.mark.parametrize(("kind", "number", "problem"), [
    ("passport", "E12345678", None), ("hk_macao_permit", "H12345678", None),
    ("taiwan_permit", "12345678", None), ("foreign_permanent_residence", "USA110078052801", None),
    ("passport", "E123", OTHER_SHAPE), ("passport", "E1234567890123456789X", OTHER_SHAPE),
    ("passport", "E1234-567", OTHER_SHAPE), ("driving_licence", "E12345678", UNKNOWN_TYPE)])
def test_other_documents_need_5_to_20_letters_or_digits(kind, number, problem):
    assert id_number_problem(kind, number) == problem


def test_numbers_are_normalised_and_masked():
    assert normalise_id_number(" 1101 0519-4912 3100 2x ") == "11010519491231002X"
    assert normalise_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("H1234") == "H***4"
    assert mask_id_number("") is None
    assert last_six_match("31002x", "11010519491231002X")
    assert not last_six_match("31002", "11010519491231002X")
    assert not last_six_match("31003X", "11010519491231002X")
    assert not last_six_match("31002X", None)


def enter_identity(client, id_type: str, number: str):
    return post_form(client, "/certificates/identity", {"id_type": id_type, "id_number": number})


def test_holder_enters_the_number_and_sees_it_in_full(client, auth, make_certificate):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    use_english(client)
    refused = enter_identity(client, "resident_id", "110101199003074470")
    assert refused.status_code == 200 and "check digit" in refused.get_data(as_text=True)
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["id_type"] is None
    assert enter_identity(client, "resident_id", "11010519491231002x").status_code == 302
    page = client.get("/certificates/identity").get_data(as_text=True)
    assert "11010519491231002X" in page
    export = client.get("/talent/data/export.json").get_json()
    assert export["identity_document"]["id_number"] == "11010519491231002X"
    assert export["certificates"][0]["id_number"] == "11010519491231002X"
    assert export["certificates"][0]["masked_id_number"] == "1101**********002X"


def test_an_unknown_id_type_is_refused(client, auth, make_certificate):
    issued = make_certificate()
    auth.login(issued.email)
    response = enter_identity(client, "driving_licence", "E12345678")
    assert response.status_code == 200
    assert client.get(f"/api/v1/certificates/{issued.serial}").get_json()["id_type"] is None


def test_identity_page_needs_a_login(client):
    assert client.get("/certificates/identity").status_code == 302


def test_public_page_and_json_show_the_number_masked_only(client, auth, make_certificate):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    enter_identity(client, "resident_id", "11010519491231002X")
    auth.logout()
    html = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert "1101**********002X" in html and "11010519491231002X" not in html
    assert "居民身份证" in html
    response = client.get(f"/api/v1/certificates/{issued.serial}")
    record = response.get_json()
    assert record["masked_id_number"] == "1101**********002X"
    assert record["id_type"] == {"code": "resident_id", "zh": "居民身份证",
                                 "en": "Resident identity card"}
    assert "11010519491231002X" not in response.get_data(as_text=True)
    credential = client.get(f"/api/v1/certificates/{issued.serial}/credential").get_json()
    answer = client.post("/api/v1/credentials/verify", json=credential)
    assert answer.get_json()["certificate"]["masked_id_number"] == "1101**********002X"
    assert "11010519491231002X" not in answer.get_data(as_text=True)


def test_admin_sees_the_full_number_other_roles_do_not(client, auth, make_user,
                                                       make_certificate):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    enter_identity(client, "passport", "E12345678")
    auth.logout()
    auth.login(make_user(Role.TRAINEE))
    assert client.get(f"/admin/certificates/{issued.serial}").status_code == 403
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    page = client.get(f"/admin/certificates/{issued.serial}").get_data(as_text=True)
    assert "E12345678" in page and "王小明" in page
    assert client.get("/admin/certificates/TP-0000-0000-0000-0000-0000-0000-0000"
                      ).status_code == 404


def check_holder(client, serial: str, name: str, last6: str = ""):
    page = client.get(f"/verify/{serial}").get_data(as_text=True)
    return client.post(f"/verify/{serial}", data={
        "holder_name": name, "id_last6": last6, "csrf_token": csrf_from(page)})


@pytest.mark.parametrize(("name", "last6", "verdict"), [
    ("王小明", "31002X", "match"), ("王小明", "31002x", "match"), ("王小明", "", "match"),
    ("王小明", "31002Y", "no-match"), ("王小明", "000000", "no-match"),
    ("王晓明", "31002X", "no-match")])
def test_name_and_id_ending_must_both_match(client, auth, make_certificate, name, last6,
                                            verdict):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    enter_identity(client, "resident_id", "11010519491231002X")
    auth.logout()
    response = check_holder(client, issued.serial, name, last6)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-name-check="{verdict}"' in html
    assert "11010519491231002X" not in html


def test_an_id_ending_without_a_document_on_file_never_matches(client, make_certificate):
    issued = make_certificate(name="王小明")
    html = check_holder(client, issued.serial, "王小明", "31002X").get_data(as_text=True)
    assert 'data-name-check="no-match"' in html


def test_a_malformed_id_ending_is_a_400(client, auth, make_certificate):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    enter_identity(client, "resident_id", "11010519491231002X")
    auth.logout()
    response = check_holder(client, issued.serial, "王小明", "1002X")
    assert response.status_code == 400
    assert "data-name-check=" not in response.get_data(as_text=True)


def test_deleting_the_account_and_revoking_deletes_the_document(app, client, auth, make_certificate):
    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    enter_identity(client, "resident_id", "11010519491231002X")
    page = client.get("/talent/data").get_data(as_text=True)
    client.post("/talent/data/delete", data={"password": PASSWORD, "revoke_certificates": "y",
                                             "csrf_token": csrf_from(page)})
    record = client.get(f"/api/v1/certificates/{issued.serial}").get_json()
    assert (record["status"], record["masked_id_number"]) == ("revoked", None)
    with app.app_context():
        from talentpool.certification.holders import identity_of

        assert identity_of(issued.user_id) is None
    assert "11010519491231002X" not in json.dumps(record)


def test_the_pdf_prints_the_id_type_and_the_masked_number(client, auth, make_certificate):
    from tests.certification.test_pdf_and_downloads import pdf_text

    issued = make_certificate(name="王小明")
    auth.login(issued.email)
    before = pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    assert "证件类型" not in before and "证件号码" not in before
    enter_identity(client, "resident_id", "11010519491231002X")
    text = pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    assert "证件类型" in text and "居民身份证" in text and "证件号码" in text
    assert "1101**********002X" in text and "11010519491231002X" not in text
