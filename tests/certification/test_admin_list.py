"""The administrator's certificate list: every certificate reachable page by page with the
list's total, the filters kept across pages and after a revocation, and the filtered list as a
spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest

from talentpool.auth import Role
from tests.conftest import csrf_from


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def next_href(html: str) -> str | None:
    match = re.search(r'rel="next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def serials_on(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/certificates/([^"]+)"><code>', html)


def test_no_silent_cut_off_every_certificate_is_on_some_page(client, auth, make_user,
                                                           make_certificate):
    issued = {make_certificate(name=f"Holder {n:03d}").serial for n in range(205)}
    auth.login(make_user(Role.ADMIN))
    seen, url, pages = [], "/admin/certificates", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        assert 'data-total="205"' in html and "of 205" in html
        seen += serials_on(html)
        url, pages = next_href(html), pages + 1
    assert pages == 5 and len(seen) == 205 and set(seen) == issued
    last = client.get("/admin/certificates?page=5").get_data(as_text=True)
    assert "Showing 201–205 of 205" in last and "Page 5 of 5" in last


def test_filters_are_kept_across_pages(client, auth, make_user, make_certificate):
    for n in range(55):
        make_certificate(level=4, name=f"Zhang {n:02d}")
    for n in range(3):
        make_certificate(level=5, name=f"Zhang five {n}")
    make_certificate(level=4, name="Li Na")
    auth.login(make_user(Role.ADMIN))
    first = client.get("/admin/certificates?q=zhang&level=4").get_data(as_text=True)
    assert "Showing 1–50 of 55" in first and 'value="zhang"' in first
    assert re.search(r'<option value="4" selected>', first)
    href = next_href(first)
    assert "q=zhang" in href and "level=4" in href and "page=2" in href
    second = client.get(href).get_data(as_text=True)
    assert "Showing 51–55 of 55" in second and next_href(second) is None
    assert "Li Na" not in first + second and "Zhang five" not in first + second
    odd = client.get("/admin/certificates?level=9&page=-3").get_data(as_text=True)
    assert 'data-total="59"' in odd  # an unknown level is no filter, a bad page is page 1


def test_revoking_keeps_the_list_where_it_was(client, auth, make_user, make_certificate):
    for n in range(52):
        make_certificate(level=3, name=f"Wang {n:02d}")
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/certificates?q=wang&level=3&page=2").get_data(as_text=True)
    serial = serials_on(page)[0]
    form = re.search(rf'<form method="post" action="/admin/certificates/{serial}/revoke"'
                     r'\s+data-confirm="([^"]+)"', page)
    assert form and "cannot be undone" in form.group(1) and serial in form.group(1)
    response = client.post(f"/admin/certificates/{serial}/revoke", data={
        "reason": "Duplicate", "q": "wang", "level": "3", "page": "2",
        "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert response.location == "/admin/certificates?q=wang&level=3&page=2"
    assert client.get(f"/api/v1/certificates/{serial}").get_json()["status"] == "revoked"


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_holds_the_whole_filtered_list_safely(client, auth, make_user,
                                                       make_certificate):
    risky = make_certificate(level=5, name="=HYPERLINK(\"http://evil\",\"x\")")
    plain = make_certificate(level=5, name="Chen Jing")
    for n in range(60):
        make_certificate(level=5, name=f"Many {n}")
    other = make_certificate(level=4, name="Level Four")
    auth.login(make_user(Role.ADMIN))
    page = client.get("/admin/certificates?level=5").get_data(as_text=True)
    assert 'href="/admin/certificates.csv?level=5"' in page
    client.post(f"/admin/certificates/{plain.serial}/revoke",
                data={"reason": "-1+1 wrong", "csrf_token": csrf_from(page)})
    response = client.get("/admin/certificates.csv?level=5")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="certificates.csv"' in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == ["serial", "holder_name", "level", "issued_at", "valid_until", "status",
                       "revocation_reason", "issuer", "national_number"]
    by_serial = {row[0]: row for row in rows[1:]}
    assert len(by_serial) == 62 and other.serial not in by_serial  # all pages, one level
    assert by_serial[risky.serial][1] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert by_serial[plain.serial][5:7] == ["revoked", "'-1+1 wrong"]
    assert by_serial[risky.serial][5] == "valid"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", by_serial[risky.serial][3])
    searched = read_csv(client.get("/admin/certificates.csv?q=chen"))
    assert [row[0] for row in searched[1:]] == [plain.serial]


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_the_export_is_for_administrators_only(client, auth, make_user, make_certificate, role):
    make_certificate()
    auth.login(make_user(role))
    assert client.get("/admin/certificates.csv").status_code == 403


def test_anonymous_export_goes_to_login(client):
    response = client.get("/admin/certificates.csv")
    assert response.status_code == 302 and "/accounts/login" in response.location
