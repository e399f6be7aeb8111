"""Admission tickets (准考证): what the page says (read back with poppler's pdftotext), the QR
code (rendered with pdftoppm, decoded with zbarimg) that the check-in page accepts, and who may
fetch a ticket."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from talentpool.certification.models import HolderIdentity, HolderPhoto, PhotoState
from talentpool.extensions import db
from talentpool.office import checkin, plans
from talentpool.office.models import Registration
from talentpool.organisations import office
from talentpool.organisations.service import by_slug
from tests.conftest import PASSWORD
from tests.office.test_plans import (
    make_candidates, make_north_plan, make_room, pools_ready,  # noqa: F401
)

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")


def photo_jpeg() -> bytes:
    """A small ID-photo-shaped JPEG."""
    buffer = io.BytesIO()
    Image.new("RGB", (358, 441), (200, 170, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


def seated(n: int = 2, **room):
    plan = make_north_plan()
    sitting = make_room(plan, **room)
    make_candidates(plan, n)
    plans.assign_seats(by_slug("north"), plan.public_id, None)
    rows = list(db.session.scalars(select(Registration).order_by(Registration.seat)))
    db.session.add(HolderIdentity(user_id=rows[0].user_id, id_type="resident_id",
                                  id_number="11010519491231002X"))
    db.session.add(HolderPhoto(user_id=rows[0].user_id, state=PhotoState.APPROVED,
                               jpeg=photo_jpeg()))
    db.session.commit()
    return sitting, rows


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils")
def test_the_candidate_ticket_shows_the_sitting_and_hides_the_id(app, client, auth, tmp_path,
                                                                 pools_ready):
    with app.app_context():
        sitting, [first, _second] = seated()
        url = f"/office/registrations/{first.public_id}/ticket.pdf"
        ticket, opens = first.ticket_number, plans.local_time(sitting.opens_at)
    auth.login("cand0@example.org", PASSWORD)
    reply = client.get(url)
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "application/pdf"
    assert "no-store" in reply.headers["Cache-Control"]
    (tmp_path / "t.pdf").write_bytes(reply.data)
    text = pdf_text(tmp_path / "t.pdf")
    for expected in ("准考证", "北方技能评价中心", "2026 第四批", "2026-04", "五级/初级工",
                     "考生cand0", "1101**********002X", "A-101", "001", ticket,
                     f"{opens:%Y-%m-%d %H:%M}", "北京时间", "考生须知"):
        assert expected in text, expected
    assert "11010519491231002X" not in text
    assert b"/Subtype /Image" in reply.data  # the approved photo is printed


@pytest.mark.skipif(not (POPPLER and shutil.which("zbarimg")),
                    reason="needs poppler-utils and zbar-tools")
def test_the_qr_code_scans_to_a_ticket_the_check_in_accepts(app, tmp_path, pools_ready):
    from talentpool.office import tickets

    with app.app_context():
        sitting, rows = seated(2, online=True, room="")
        north = by_slug("north")
        data = tickets.sitting_tickets(north, sitting.public_id, None)
        (tmp_path / "all.pdf").write_bytes(data)
        text = pdf_text(tmp_path / "all.pdf")
        assert text.count("准考证号") == 2 and "线上考试 Online" in text
        subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "2", "-l", "2",
                        str(tmp_path / "all.pdf"), str(tmp_path / "page")], check=True)
        [png] = tmp_path.glob("page*.png")
        scanned = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                                 text=True, check=True).stdout.strip()
        assert scanned == rows[1].ticket_number
        assert checkin.lookup(north, sitting.public_id, scanned).name == rows[1].candidate_name
        assert any(e.action == "tickets.export" for e in office.audit_log(north))


def test_a_ticket_is_only_for_its_own_seated_candidate(app, client, auth, pools_ready):
    with app.app_context():
        _sitting, [first, second] = seated()
        [waiting] = make_candidates(plans.plans_of(by_slug("north"))[0], 1, prefix="late")
        urls = [f"/office/registrations/{r.public_id}/ticket.pdf" for r in (first, second,
                                                                            waiting)]
    assert client.get(urls[0]).status_code == 302  # visitors are sent to log in
    auth.login("cand0@example.org", PASSWORD)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 404  # another candidate's
    assert client.get("/office/registrations/nope/ticket.pdf").status_code == 404
    auth.logout()
    auth.login("late0@example.org", PASSWORD)
    assert client.get(urls[2]).status_code == 404  # approved, not seated yet
