"""Roster uploads: messy files, row-by-row report, idempotent re-upload, enrolment links."""

from __future__ import annotations

import codecs
import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from talentpool.accounts.service import find_user_by_email
from talentpool.auth import Role
from talentpool.cohorts import roster
from talentpool.cohorts.models import Enrolment
from talentpool.extensions import db
from tests.conftest import PASSWORD, confirm_signup, csrf_from

MESSY = ("姓名,邮箱,手机,地区,备注\n"
         "王小明,wang@example.org,13800138000,北京,第一排\n"
         "李华,LI@Example.org ,,上海,\n"
         "王小明,wang@example.org,13800138000,北京,again\n"   # duplicate e-mail
         "赵六,not-an-email,,,\n"                             # bad e-mail
         ",nobody@example.org,,,\n"                           # no name
         "钱七,qian@example.org,call me,,\n"                  # bad phone
         ",,,,\n"                                             # blank line: skipped
         "{existing},{existing_email},,广州,\n"               # existing trainee: invited
         "Staff,{staff_email},,,\n")                          # any account: invited too


def upload(client, cohort_id: str, data: bytes, filename: str = "roster.csv"):
    url = f"/cohorts/{cohort_id}/enrol"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "roster": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def enrolments(app, cohort_id: str) -> list[tuple[str, bool]]:
    with app.app_context():
        from talentpool.cohorts.models import Cohort

        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == cohort_id))
        return sorted((e.email, e.user_id is not None) for e in cohort.enrolments)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_messy_roster_in_each_encoding(app, client, auth, make_user, two_institutions, encoding):
    mine, _other = two_institutions
    existing = make_user(Role.TRAINEE, name="陈老学员")
    staff = make_user(Role.INSTITUTION_STAFF)
    text = MESSY.format(existing="陈老学员", existing_email=existing, staff_email=staff)
    auth.login(mine.staff_email)
    page = upload(client, mine.cohort_id, text.encode(encoding))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for line, reason in ((4, "Duplicate of line 2"), (5, "not-an-email is not a valid"),
                         (6, "The name is missing"), (7, "call me is not a phone number")):
        assert re.search(rf"<td>{line}</td>.*?{reason}", html, re.S), (line, reason)
    assert "备注" in html  # the extra column is named as ignored
    # Existing accounts are invited like everyone else (nobody joins without consent, and the
    # report does not tell staff who has an account).
    invited = sorted([(mine.trainee_email, True), ("wang@example.org", False),
                      ("li@example.org", False), (existing, False), (staff, False)])
    assert enrolments(app, mine.cohort_id) == invited
    assert "王小明" in html and html.count("/enrol/") == 4  # a personal link per new row
    assert "not a trainee" not in html

    again = upload(client, mine.cohort_id, text.encode(encoding)).get_data(as_text=True)
    assert enrolments(app, mine.cohort_id) == invited
    assert "/enrol/" not in again  # nothing new, no new links


def test_encodings_are_detected():
    assert roster.decode("姓名".encode("gbk")) == ("姓名", "gb18030")
    assert roster.decode(codecs.BOM_UTF8 + "姓名".encode()) == ("姓名", "utf-8-sig")
    assert roster.decode("姓名".encode()) == ("姓名", "utf-8")
    assert roster.decode("姓名".encode("utf-16")) == ("姓名", "utf-16")
    with pytest.raises(roster.RosterError):
        roster.decode(b"\x80\xff\x00\x81binary")


def test_english_headers_semicolons_and_bom():
    data = codecs.BOM_UTF8 + "E-mail ;Full Name;Region\nann@example.org;Ann;Nord\n".encode()
    parsed = roster.parse(data)
    assert [(r.name, r.email, r.region) for r in parsed.rows] == [
        ("Ann", "ann@example.org", "Nord")]
    assert parsed.problems == []


def test_unreadable_file_and_missing_columns_are_reported(client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    assert "not readable text" in upload(client, mine.cohort_id,
                                         b"\x80\xff\x00\x81").get_data(as_text=True)
    assert "e-mail column" in upload(client, mine.cohort_id,
                                     "姓名,电话\n张三,1\n".encode()).get_data(as_text=True)


def test_personal_link_creates_the_trainee_and_enrols_it(app, client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    html = upload(client, mine.cohort_id, "name,email\n周八,zhou@example.org\n".encode()) \
        .get_data(as_text=True)
    link = re.search(r"(/enrol/[A-Za-z0-9_\-]+)", html).group(1)
    auth.logout()
    page = client.get(link)
    assert "zhou@example.org" in page.get_data(as_text=True)
    reply = client.post(link, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                    "display_name": "周八", "password": PASSWORD,
                                    "confirm": PASSWORD})
    assert reply.status_code == 302
    with app.app_context():
        user = find_user_by_email("zhou@example.org")
        assert user.role is Role.TRAINEE
    assert ("zhou@example.org", True) in enrolments(app, mine.cohort_id)
    assert client.get(link).status_code == 404  # single use


def test_join_link_for_signed_in_trainee_and_for_new_sign_up(app, client, auth, make_user,
                                                             two_institutions):
    mine, _other = two_institutions
    with app.app_context():
        from talentpool.cohorts.models import Cohort

        code = db.session.scalar(select(Cohort.join_code).where(Cohort.public_id == mine.cohort_id))
    trainee = make_user(Role.TRAINEE)
    auth.login(trainee)
    page = client.get(f"/join/{code}")
    client.post(f"/join/{code}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    client.post(f"/join/{code}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    auth.logout()
    page = client.get(f"/join/{code}")
    sent = client.post(f"/join/{code}", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "display_name": "新学员",
        "email": "new@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert "new@example.org" in sent.get_data(as_text=True)
    assert ("new@example.org", True) not in enrolments(app, mine.cohort_id)
    # The mailed link creates the account and brings the trainee back to join, by choice.
    created = confirm_signup(app, client, "new@example.org")
    assert created.headers["Location"] == f"/join/{code}"
    page = client.get(f"/join/{code}")
    client.post(f"/join/{code}", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    joined = enrolments(app, mine.cohort_id)
    assert (trainee, True) in joined and ("new@example.org", True) in joined
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrolment.id))
                                 .where(Enrolment.email == trainee)) == 1
    assert client.get("/join/not-a-code").status_code == 404


def test_oversized_roster_is_refused(client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    url = f"/cohorts/{mine.cohort_id}/enrol"
    big = b"name,email\n" + b"a,b@example.org\n" * 40_000
    builder = EnvironBuilder(url, method="POST", data={
        "csrf_token": csrf_from(client.get(url).get_data(as_text=True)),
        "roster": (io.BytesIO(big), "roster.csv")})
    environ = builder.get_environ()
    try:  # a body this large is spooled to a temporary file that the test must close
        page = client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
    assert "larger than 512 KB" in page.get_data(as_text=True)
