"""Exam answers feed calibration: a new secure item, given only at pretest positions in real
sittings, becomes operational from those exam answers alone."""

import numpy as np
from sqlalchemy import func, select

from talentpool.assessment.calibration import active_run, calibrate_track
from talentpool.assessment.models import ExamResponse, Item
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.practice.models import Response
from tests.exam_bank import bank_packs, make_ready_bank
from tests.packs import import_live, make_item, make_pack


def test_a_pretest_item_becomes_operational_from_exam_answers_alone(app, tmp_path, make_user):
    from datetime import timedelta

    from talentpool.accounts.service import find_user_by_email
    from talentpool.assessment import exam
    from talentpool.assessment.field_test import simulate_sitting

    make_ready_bank(app, tmp_path, pretest_positions=[1])
    emails = [make_user(Role.TRAINEE) for _ in range(160)]
    with app.test_request_context():
        _theory, practical = bank_packs(tmp_path / "v1")
        import yaml

        pack = yaml.safe_load((practical / "pack.yaml").read_text())
        items = pack["items"] + [make_item("transcription", "p-new", use="exam",
                                           gold={"text": "新题"}, tags=["medium"])]
        import_live(make_pack(tmp_path / "v2", "practical-pack", version=2, items=items))
        new = db.session.scalar(select(Item).where(Item.key == "p-new"))
        before = active_run("practical")
        assert new.id not in {p.item_id for p in before.parameters}
        now = utcnow()
        session = exam.create_session(5, "pretest", now - timedelta(hours=1),
                                      now + timedelta(hours=2), None).public_id
        rng = np.random.default_rng(8)
        for email, theta in zip(emails, rng.normal(0, 1, len(emails)), strict=True):
            simulate_sitting(find_user_by_email(email).id, session, float(theta), rng)
        answers = db.session.scalar(select(func.count()).select_from(ExamResponse).where(
            ExamResponse.item_id == new.id, ExamResponse.pretest.is_(True)))
        assert answers == len(emails)  # one pretest showing per sitting
        assert db.session.scalar(select(func.count()).select_from(Response).where(
            Response.item_id == new.id)) == 0  # never in practice
        app.config["CALIBRATION_MIN_RESPONSES"] = 150
        run = calibrate_track("practical", "test")
        assert run.active and run.link_method == "stocking-lord", run.link_problem
        parameter = next(p for p in run.parameters if p.item_id == new.id)
        assert parameter.operational, parameter.problem
