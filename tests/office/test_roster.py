"""The approved roster (审核名册) of a plan: exactly the approved registrations, with full identity
numbers, as formula-safe CSV and as a PDF whose text poppler reads back; every export audited;
another organisation's address reaches nothing."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.office.models import Registration
from tests.conftest import PASSWORD, make_organisation
from tests.office.helpers import make_plan
from tests.office.test_registration import PDF, photo_bytes, sign_in

NUMBERS = ("11010519491231002X", "110101199003070011", "110101199003075111",
           "11010119900307299X")
PEOPLE = (("王五", "approve"), ("=HYPERLINK(\"http://evil\")", "approve"),
          ("赵六", "reject"), ("孙七", None))


@pytest.fixture
def plan_id(app):
    """A plan of 北方技能评价中心 with four registrations: two approved, one rejected, one
    waiting; and another organisation."""
    from talentpool.accounts.service import create_user
    from talentpool.certification import holders, photos
    from talentpool.office import registration, registration_review
    from talentpool.organisations.service import by_slug

    with app.app_context():
        make_organisation()
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
        plan = make_plan(5, "north", batch="2026-04", title="2026年第二批认定")
        reviewer = create_user("reviewer@example.org", "审核员甲", PASSWORD, Role.ADMIN)
        for n, ((name, decision), number) in enumerate(zip(PEOPLE, NUMBERS)):
            person = create_user(f"c{n}@example.org", f"Candidate {n}", PASSWORD, Role.TRAINEE)
            holders.set_identity(person, "resident_id", number)
            photos.upload_photo(person, photo_bytes())
            row = registration.register(person, plan.public_id, "work-1y", name, "",
                                        [registration.Upload("work.pdf", PDF)])
            if decision:
                registration_review.review(by_slug("north"), row.public_id, decision,
                                           "" if decision == "approve" else "不符合条件",
                                           reviewer)
        return plan.public_id


def roster_actions(app) -> list[dict]:
    from talentpool.organisations import office
    from talentpool.organisations.service import by_slug

    with app.app_context():
        return [entry.after for entry in reversed(office.audit_log(by_slug("north")))
                if entry.action == "roster.export"]


def test_the_roster_csv_holds_exactly_the_approved(app, client, auth, make_user, plan_id):
    sign_in(client, auth, "reviewer@example.org")
    reply = client.get(f"/admin/organisations/north/plans/{plan_id}/roster.csv")
    assert reply.status_code == 200 and "no-store" in reply.headers["Cache-Control"]
    assert reply.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0][:8] == ["序号", "姓名", "证件类型", "证件号码", "申报条件", "审核结论", "审核人",
                           "审核日期"]
    assert [row[1] for row in rows[1:]] == ["王五", "'=HYPERLINK(\"http://evil\")"]
    first = rows[1]
    assert first[0] == "1" and first[2:4] == ["居民身份证", NUMBERS[0]]
    assert first[4].startswith("累计从事本职业") and first[5] == "审核通过" and first[6] == "审核员甲"
    assert first[8:] == ["北方技能评价中心", "2026年第二批认定", "2026-04", "五级/初级工"]
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert roster_actions(app) == [{"format": "csv", "rows": 2}]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_roster_pdf_names_the_approved(app, client, auth, make_user, plan_id, tmp_path):
    sign_in(client, auth, "reviewer@example.org")
    reply = client.get(f"/admin/organisations/north/plans/{plan_id}/roster.pdf")
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF-")
    path = tmp_path / "roster.pdf"
    path.write_bytes(reply.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "王五" in text and "=HYPERLINK" in text and NUMBERS[0] in text
    assert "赵六" not in text and "孙七" not in text
    assert "北方技能评价中心" in text and "2026-04" in text and "五级" in text
    assert "审核名册" in text and "Page 1" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "landscape" in info or "841.89 x 595.276" in info
    assert roster_actions(app) == [{"format": "pdf", "rows": 2}]


def test_another_organisation_reaches_no_roster(app, client, auth, make_user, plan_id):
    from talentpool.organisations import office
    from talentpool.organisations.service import by_slug

    email = make_user(Role.TRAINEE)
    with app.app_context():
        office.appoint(by_slug("south"), email, "office_admin", None)
        [waiting] = [r.public_id for r in db.session.scalars(select(Registration))
                     if r.candidate_name == "孙七"]
    sign_in(client, auth, email)
    for kind in ("csv", "pdf"):
        assert client.get(f"/admin/organisations/south/plans/{plan_id}/roster.{kind}"
                          ).status_code == 404
        assert client.get(f"/admin/organisations/north/plans/{plan_id}/roster.{kind}"
                          ).status_code == 403
    assert client.get(f"/admin/organisations/south/registrations/{waiting}").status_code == 404
    sign_in(client, auth, "reviewer@example.org")
    assert client.get(f"/admin/organisations/north/plans/{plan_id}/roster.xlsx"
                      ).status_code == 404
    queue = client.get(f"/admin/organisations/north/plans/{plan_id}/registrations?state=approved"
                       ).get_data(as_text=True)
    assert "王五" in queue and "孙七" not in queue and "赵六" not in queue
    assert roster_actions(app) == []
