"""Demo data for the rating of written work: a SIMULATED level-3 candidate's written answers in
the level-3 mock exam, waiting for the demo rater and the demo administrator (both appointed
raters of the demo organisation), so a newcomer can score them, disagree and adjudicate."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from talentpool.accounts import service as accounts
from talentpool.auth import Role
from talentpool.extensions import db

SIMULATED_CANDIDATE = ("candidate-l3@demo.talentpool.test", "模拟考生 (simulated level-3 candidate)")
SAMPLE_ANSWERS = (
    "（演示用模拟作答 · SIMULATED answer for the demo）\n\n## 一、目标与范围\n\n本规范用于……\n\n"
    "## 二、标签定义\n\n| 标签 | 定义 | 正例 | 反例 |\n|---|---|---|---|\n| 正面 | 明确肯定 | 味道很好 | 还行吧 |\n\n"
    "## 三、边界情况\n\n- 反讽按实际态度标注；\n- 星级与文字矛盾时以文字为准。\n",
    "（演示用模拟作答 · SIMULATED answer for the demo）\n\n1. 流程：预标注 → 标注 → 质检抽样 → 验收。\n"
    "2. 抽样：每批抽 5%，错误率超过 3% 整批返工。\n",
)


def seed_written_work(now: datetime) -> list[str]:
    """Appoint the demo raters and let the simulated candidate write the level-3 mock's paper;
    skipped when it was seeded before or level 3 cannot open."""
    from talentpool.assessment import exam
    from talentpool.assessment.models import ExamSession, Item
    from talentpool.certification.service import issue_certificate
    from talentpool.organisations import office
    from talentpool.organisations import service as organisations
    from talentpool.organisations.models import OfficeRole
    from talentpool.scoring import get_scorer

    if accounts.find_user_by_email(SIMULATED_CANDIDATE[0]) is not None:
        return []
    organisation = organisations.default_organisation()
    admin = accounts.find_user_by_email("admin@demo.talentpool.test")
    for email in ("rater@demo.talentpool.test", "admin@demo.talentpool.test"):
        person = accounts.find_user_by_email(email)
        if OfficeRole.RATER not in office.roles_in(person.id, organisation.id):
            office.appoint(organisation, email, OfficeRole.RATER.value, admin)
    session = db.session.scalar(select(ExamSession).where(
        ExamSession.level == 3, ExamSession.plan_id.is_(None),
        ExamSession.closes_at > now).order_by(ExamSession.id))
    if session is None:
        return ["No level-3 mock exam: no written work to score in the demo."]
    candidate = accounts.add_user(*SIMULATED_CANDIDATE, password=secrets.token_urlsafe(18),
                                  role=Role.TRAINEE)
    db.session.flush()
    for level in (5, 4):
        issue_certificate(candidate, level, 75, 75, organisation=organisation)
    try:
        attempt = exam.start_attempt(candidate.id, session.public_id, now)
    except exam.ExamError as error:
        db.session.rollback()
        return [f"No written work to score in the demo: {error}"]
    while attempt.state == "theory":  # SIMULATED: the theory part answered with its keys
        item = db.session.get(Item, attempt.current_item_id)
        answer = get_scorer(item.type_id).gold_answer(item.spec, item.gold)
        attempt = exam.submit_answer(attempt, attempt.sequence, answer, now)
    written = 0
    while attempt.state == "practical":
        text = SAMPLE_ANSWERS[written % len(SAMPLE_ANSWERS)]
        attempt = exam.submit_answer(attempt, attempt.sequence, {"text": text, "files": []}, now)
        written += 1
    return [f"Level 3 mock exam with written tasks: a SIMULATED candidate's {written} written "
            "answers wait for the demo rater and the demo administrator (their raters) at "
            "/rating/; the office sees them at "
            f"/admin/organisations/{organisation.slug}/rating"]
