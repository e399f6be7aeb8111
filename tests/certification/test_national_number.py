"""The national certificate number: validated, unique, recorded by form, shell and CSV list."""

import io

import pytest
from sqlalchemy.exc import IntegrityError

from talentpool.auth import Role
from talentpool.certification.identity import resident_check_character
from talentpool.certification.levels import parse_level
from tests.certification.conftest import use_english
from tests.conftest import csrf_from, post_form

# Y, organisation 0000, province 11, site 000001, year 26, level digit, serial.
N1, N2, N3, N4, N5, N6 = (f"Y00001100000126{level}{serial:06d}" for level, serial in (
    (4, 1), (5, 2), (4, 3), (3, 4), (4, 5), (4, 6)))


def resident(first17: str) -> str:
    return first17 + resident_check_character(first17)


ID_A, ID_B, ID_C = resident("11010519491231002"), resident("11010119900307447"), resident(
    "44030819990101234")
ID_TWIN, ID_D, ID_E, ID_F = (resident(f"3101041988070{n}123") for n in (1, 2, 3, 4))


@pytest.fixture
def holder(app, make_certificate):
    """Issue a certificate to a person whose identity document is ``id_number``."""
    from talentpool.accounts.models import User
    from talentpool.certification.holders import set_identity
    from talentpool.extensions import db

    def _make(id_number: str, level: int = 4, email: str | None = None):
        issued = make_certificate(level=level, email=email,
                                  panel=70 if level in (1, 2) else None)
        with app.app_context():
            set_identity(db.session.get(User, issued.user_id), "resident_id", id_number)
        return issued

    return _make


def national_number_of(client, serial: str):
    return client.get(f"/api/v1/certificates/{serial}").get_json()["national_number"]


def record(app, serial: str, number: str):
    from talentpool.certification.national import record_national_number

    with app.app_context():
        return record_national_number(serial, number).national_number


@pytest.mark.parametrize(("typed", "problem"), [
    (N1, False), (N1.lower(), False), (f" {N1[:11]} {N1[11:]} ", False),
    (N1[1:], True), ("1" + N1[1:], True), (N1 + "0", True), ("YY" + N1[2:], True), ("", True)])
def test_national_numbers_are_one_letter_and_21_digits(app, typed, problem):
    from talentpool.certification.national import (
        national_number_problem, normalise_national_number,
    )

    with app.test_request_context():
        assert (national_number_problem(normalise_national_number(typed)) is not None) is problem


@pytest.mark.parametrize(("text", "level"), [
    ("4", 4), ("四级/中级工", 4), ("中级工", 4), ("Level 3", 3), ("二级/技师", 2), ("高级技师", 1),
    ("五级", 5), ("６", None), ("45", None), ("三级/中级工", None), ("", None)])
def test_levels_are_read_as_spreadsheets_write_them(text, level):
    assert parse_level(text) == level


def test_admin_records_the_number_and_the_public_sees_it(client, auth, make_user, holder):
    issued = holder(ID_A)
    auth.login(make_user(Role.ADMIN))
    use_english(client)
    url = f"/admin/certificates/{issued.serial}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/national-number",
                           data={"national_number": "Y0000", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert "is not a national certificate number" in client.get(url).get_data(as_text=True)
    assert national_number_of(client, issued.serial) is None
    response = client.post(f"{url}/national-number",
                           data={"national_number": N1.lower(), "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    auth.logout()
    assert national_number_of(client, issued.serial) == N1
    html = client.get(f"/verify/{issued.serial}").get_data(as_text=True)
    assert N1 in html


def test_only_admins_record_numbers(client, auth, make_user, holder):
    issued = holder(ID_A)
    auth.login(issued.email)
    page = client.get("/home").get_data(as_text=True)
    response = client.post(f"/admin/certificates/{issued.serial}/national-number",
                           data={"national_number": N1, "csrf_token": csrf_from(page)})
    assert response.status_code == 403
    assert client.get("/admin/national-numbers").status_code == 403
    assert national_number_of(client, issued.serial) is None


def test_a_number_belongs_to_one_certificate_only(app, client, holder):
    from talentpool.certification.models import Certificate
    from talentpool.certification.service import CertificationError, find_certificate
    from talentpool.extensions import db

    first, second = holder(ID_A), holder(ID_B)
    assert record(app, first.serial, N1) == N1
    with pytest.raises(CertificationError, match=first.serial):
        record(app, second.serial, N1)
    assert national_number_of(client, second.serial) is None
    with app.app_context():  # the database refuses it too, without the service's check
        find_certificate(second.serial).national_number = N1
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.query(Certificate).filter_by(national_number=N1).count() == 1


def test_shell_records_a_number_and_refuses_bad_ones(app, runner, client, holder):
    first, second = holder(ID_A), holder(ID_B)
    result = runner.invoke(args=["certificates", "national-number", first.serial, N1])
    assert result.exit_code == 0 and N1 in result.output
    assert national_number_of(client, first.serial) == N1
    for serial, number in ((second.serial, N1), (second.serial, "X123"),
                           ("TP-0000-0000-0000-0000-0000-0000-0000", N2)):
        result = runner.invoke(args=["certificates", "national-number", serial, number])
        assert result.exit_code == 1 and "Traceback" not in result.output
    assert national_number_of(client, second.serial) is None


def authority_list(app, holder):
    """Certificates and a GBK list whose rows 2-3 are good, 11 restates a stored number and
    every other row has one problem."""
    a, b = holder(ID_A, 4), holder(ID_B, 5)
    c = holder(ID_C, 5)  # has level 5 only, so a level 4 row finds nothing
    twins = [holder(ID_TWIN, 3), holder(ID_TWIN, 3)]  # two accounts with one ID number
    d, e, f = holder(ID_D, 4), holder(ID_E, 4), holder(ID_F, 4)
    record(app, e.serial, N5)
    record(app, f.serial, N6)
    rows = [
        "证件号码,职业技能等级,证书编号,备注",
        f"{ID_A},四级/中级工,{N1},",  # 2 good
        f"{ID_B.lower()},5,{N2},",  # 3 good
        f"{ID_C},4,{N3},",  # 4 no certificate
        f"{ID_A},4,{N1[:-1]},",  # 5 malformed number
        f"{ID_B},六级,{N3},",  # 6 no such level
        f"{ID_B},5,{N1},",  # 7 number of line 2 again
        f"{ID_TWIN},3,{N4},",  # 8 several certificates
        f"{ID_D},4,{N5},",  # 9 number of another certificate
        f",4,{N3},",  # 10 no ID number
        f"{ID_E},4,{N5},",  # 11 already recorded: unchanged
        f"{ID_F},4,{N3},",  # 12 the certificate has another number
        f"{ID_A},4,{N3},",  # 13 the certificate of line 2 again
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("gbk")
    return {"a": a, "b": b, "c": c, "twins": twins, "d": d, "e": e, "f": f}, data


EXPECTED_PROBLEMS = {4: "No valid level 4 certificate", 5: "is not a national certificate number",
                     6: "is not a level", 7: "Duplicate of line 2", 8: "Several valid level 3",
                     9: "already belongs to certificate", 10: "The ID number is missing",
                     12: "already has national number", 13: "Duplicate of line 2"}


def test_admin_import_stores_good_rows_and_reports_every_bad_one(app, client, auth, make_user,
                                                                 holder):
    people, data = authority_list(app, holder)
    auth.login(make_user(Role.ADMIN))
    use_english(client)
    page = client.get("/admin/national-numbers").get_data(as_text=True)
    response = client.post("/admin/national-numbers", data={
        "numbers": (io.BytesIO(data), "numbers.csv"), "csrf_token": csrf_from(page)},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "gb18030" in html
    assert 'data-count="stored">2<' in html and 'data-count="unchanged">1<' in html
    assert f'data-count="problems">{len(EXPECTED_PROBLEMS)}<' in html
    for line, reason in EXPECTED_PROBLEMS.items():
        row = html.split(f'<tr data-line="{line}">', 1)[1].split("</tr>", 1)[0]
        assert reason in row, (line, row)
    assert national_number_of(client, people["a"].serial) == N1
    assert national_number_of(client, people["b"].serial) == N2
    for name, number in (("c", None), ("d", None), ("e", N5), ("f", N6)):
        assert national_number_of(client, people[name].serial) == number
    assert [national_number_of(client, t.serial) for t in people["twins"]] == [None, None]


def test_shell_import_reads_english_headers_and_reports_rows(app, runner, client, holder,
                                                             tmp_path):
    people, data = authority_list(app, holder)
    english = data.decode("gbk").replace("证件号码,职业技能等级,证书编号,备注",
                                         "ID number,Level,National certificate number,Note")
    path = tmp_path / "numbers.csv"
    path.write_bytes("\ufeff".encode() + english.replace("四级/中级工", "Level 4").encode())
    result = runner.invoke(args=["certificates", "import-national-numbers", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line in EXPECTED_PROBLEMS:
        assert f"line {line}: " in result.output
    assert "2 recorded, 1 already recorded, 9 refused" in result.output
    assert national_number_of(client, people["a"].serial) == N1
    assert national_number_of(client, people["d"].serial) is None


def test_a_file_without_the_columns_is_refused_whole(app, runner, holder, tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text(f"姓名,证书编号\n王小明,{N1}\n", encoding="utf-8")
    result = runner.invoke(args=["certificates", "import-national-numbers", str(path)])
    assert result.exit_code == 1 and (
        "first line must name the columns" in result.output or "第一行须为列名" in result.output)


def test_the_document_is_fixed_once_a_national_number_exists(app, client, auth, holder):
    issued = holder(ID_A)
    auth.login(issued.email)
    use_english(client)
    change = {"id_type": "resident_id", "id_number": ID_B}
    assert post_form(client, "/certificates/identity", change).status_code == 302
    record(app, issued.serial, N1)
    refused = post_form(client, "/certificates/identity", {"id_type": "resident_id",
                                                            "id_number": ID_A})
    assert refused.status_code == 200 and "can no longer be changed" in refused.get_data(
        as_text=True)
    assert ID_B in client.get("/certificates/identity").get_data(as_text=True)


def test_the_pdf_prints_the_national_number_once_recorded(app, client, auth, holder):
    from tests.certification.test_pdf_and_downloads import pdf_text

    issued = holder(ID_A)
    auth.login(issued.email)
    before = pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    assert "National certificate no." not in before and "证书编号" in before
    record(app, issued.serial, N1)
    after = pdf_text(client.get(f"/certificates/{issued.serial}.pdf").data)
    assert N1 in after and "National certificate no." in after and "证书编号" in after
    assert issued.serial in after
