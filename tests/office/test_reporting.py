"""A sitting's results report for the authority: one row per graded candidate, with the full
identity number, as CSV and XLSX (read back with openpyxl); only for the organisation's
administrators; every export audited."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from talentpool.auth import Role
from tests.assessment.test_resits import latest, sit
from tests.assessment.test_exam import start
from tests.conftest import PASSWORD, make_organisation, post_form
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, plan_of


def test_the_results_report_of_a_sitting(app, client, auth, make_user, tmp_path):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心", code="91110000MA00000000")
        make_organisation("south", "南方技能评价中心")
        sitting = make_sitting(5, "2026 第四批", organisation="north")
        session_id, batch = sitting.public_id, plan_of(sitting).batch
    people = [("pass@example.org", "李四", {"theory": True, "practical": True}),
              ("fail@example.org", "=cmd|' /C calc'!A0", {"theory": True, "practical": False})]
    from talentpool.accounts.service import create_user

    for email, name, right in people:
        with app.app_context():
            create_user(email, name, PASSWORD, Role.TRAINEE)
        auth.login(email)
        if email.startswith("pass"):
            post_form(client, "/certificates/identity", {"id_type": "resident_id",
                                                         "id_number": "11010519491231002X"})
        start(client, session_id)
        assert sit(app, client, right).state in ("passed", "failed")
        auth.logout()

    auth.login(make_user(Role.TRAINEE))
    assert client.get(f"/admin/organisations/north/sittings/{session_id}/report.csv"
                      ).status_code == 403
    auth.logout()
    auth.login(make_user(Role.ADMIN))
    assert session_id in client.get("/admin/organisations/north/sittings").get_data(as_text=True)
    # Another organisation's address does not reach this sitting.
    assert client.get(f"/admin/organisations/south/sittings/{session_id}/report.csv"
                      ).status_code == 404
    assert client.get(f"/admin/organisations/north/sittings/{session_id}/report.pdf"
                      ).status_code == 404
    reply = client.get(f"/admin/organisations/north/sittings/{session_id}/report.csv")
    assert reply.status_code == 200 and "no-store" in reply.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["姓名", "证件类型", "证件号码"]
    by_name = {row[0]: row for row in rows[1:]}
    passed = by_name["李四"]
    assert passed[1:6] == ["居民身份证", "11010519491231002X", "4-04-05-05", "数据标注员", "五级"]
    assert passed[9:] == ["合格", "91110000MA00000000", "认定计划", batch]
    assert by_name["'=cmd|' /C calc'!A0"][9] == "不合格"  # a formula never runs
    workbook = load_workbook(io.BytesIO(client.get(
        f"/admin/organisations/north/sittings/{session_id}/report.xlsx").data))
    sheet = workbook["认定结果"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][2] == "证件号码" and len(values) == 3
    xlsx_passed = next(row for row in values if row[0] == "李四")
    assert xlsx_passed[2] == "11010519491231002X" and isinstance(xlsx_passed[6], int)
    assert xlsx_passed[6] == int(passed[6])
    assert not any(isinstance(v, str) and v.startswith("=") for row in values for v in row)
    with app.app_context():
        from talentpool.organisations import office
        from talentpool.organisations.service import by_slug

        exports = [e for e in office.audit_log(by_slug("north")) if e.action == "report.export"]
    assert [e.after["format"] for e in exports] == ["xlsx", "csv"]
    assert latest(app).state in ("passed", "failed")


def test_a_mock_exam_is_never_reported(app, client, auth, make_user, tmp_path):
    from datetime import timedelta

    from talentpool.assessment import exam
    from talentpool.database import utcnow

    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        now = utcnow()
        mock = exam.create_session(5, "模拟考试", now - timedelta(hours=1),
                                   now + timedelta(days=1), None, organisation="north").public_id
    auth.login(make_user(Role.ADMIN))
    assert mock not in client.get("/admin/organisations/north/sittings").get_data(as_text=True)
    assert client.get(f"/admin/organisations/north/sittings/{mock}/report.csv"
                      ).status_code == 404


def test_a_plans_report_gathers_its_sittings(app, client, auth, make_user, tmp_path):
    from talentpool.accounts.service import create_user

    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心", code="91110000MA00000000")
        make_organisation("south", "南方技能评价中心")
        first = make_sitting(5, "上午场", organisation="north")
        second = make_sitting(5, "下午场", organisation="north", plan=plan_of(first))
        plan_id, batch = plan_of(first).public_id, plan_of(first).batch
        sittings = {"a@example.org": first.public_id, "b@example.org": second.public_id}
        for email, name in (("a@example.org", "甲"), ("b@example.org", "乙")):
            create_user(email, name, PASSWORD, Role.TRAINEE)
    for email, sitting in sittings.items():
        auth.login(email)
        start(client, sitting)
        sit(app, client, {"theory": True, "practical": email.startswith("a")})
        auth.logout()
    auth.login(make_user(Role.ADMIN))
    reply = client.get(f"/admin/organisations/north/plans/{plan_id}/report.csv")
    rows = list(csv.reader(io.StringIO(reply.data.decode("utf-8-sig"))))
    assert [(row[0], row[9], row[12]) for row in rows[1:]] == [("乙", "不合格", batch),
                                                              ("甲", "合格", batch)]
    assert client.get(f"/admin/organisations/south/plans/{plan_id}/report.csv"
                      ).status_code == 404
