"""Cohort reports: a bilingual PDF (tables and charts) and formula-escaped CSV exports.

The PDF sets its text through ``talentpool.pdfs`` in embedded fonts, like the certificate, and is
dated with the time it was made. Charts are matplotlib PNGs.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table, TableStyle

from talentpool import charts, pdfs
from talentpool.assessment import pools
from talentpool.practice import skills
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.certification.levels import level
from talentpool.cohorts import dashboards
from talentpool.cohorts.models import Cohort
from talentpool.spreadsheets import to_csv

INK, BRAND = colors.HexColor("#14212b"), colors.HexColor("#0f5c8c")
LINE, HEAD = colors.HexColor("#dbe3e8"), colors.HexColor("#eef4f8")
WIDTH = A4[0] - 36 * mm
TITLE = ParagraphStyle("title", fontName=pdfs.LATIN, fontSize=17, leading=22, textColor=BRAND)
HEADING = ParagraphStyle("heading", fontName=pdfs.LATIN, fontSize=12, leading=16, textColor=INK,
                         spaceBefore=8, spaceAfter=4)
BODY = ParagraphStyle("body", fontName=pdfs.LATIN, fontSize=9, leading=12, textColor=INK)
CELL = ParagraphStyle("cell", fontName=pdfs.LATIN, fontSize=8.5, leading=11, textColor=INK)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def _outlook(p: dashboards.TraineeProgress) -> str:
    """The chance of passing, or the level held and the chance of the next one."""
    if p.held is None:
        return _percent(p.pass_probability)
    text = f"已获{level(p.held.level).short_zh}证书 Certified level {p.held.level}"
    if p.level is not None and p.pass_probability is not None:
        text += f" · {p.level}: {_percent(p.pass_probability)}"
    return text


def _track(track: str) -> str:
    info = TRACKS_BY_ID.get(track)
    return f"{info.zh} {info.en}" if info else track


def progress_csv(cohort: Cohort, today: date) -> bytes:
    """One row per trainee and plan track: items done, quota, skill, pass probability (of the
    level in ``p_pass_for_level``: the target, or the one above ``certified_level``)."""
    header = ["name", "email", "region", "track", "done", "quota", "skill", "skill_se",
              "p_pass_track", "p_pass_level", "behind", "p_pass_for_level", "certified_level"]
    rows = []
    for p in dashboards.cohort_progress(cohort, today):
        for t in p.tracks:
            rows.append([p.enrolment.name, p.enrolment.email, p.enrolment.region or "", t.track,
                         t.done, t.quota, "" if t.score is None else f"{t.score:.1f}",
                         "" if t.score_se is None else f"{t.score_se:.1f}",
                         "" if t.pass_probability is None else f"{t.pass_probability:.3f}",
                         "" if p.pass_probability is None else f"{p.pass_probability:.3f}",
                         "yes" if p.behind else "no", "" if p.level is None else p.level,
                         "" if p.held is None else p.held.level])
    return to_csv(header, rows)


def roster_csv(cohort: Cohort) -> bytes:
    """The cohort's enrolments: who joined and who has not accepted yet."""
    return to_csv(["name", "email", "phone", "region", "source", "joined_at"],
                  [[e.name, e.email, e.phone or "", e.region or "", e.source,
                    e.joined_at.isoformat(timespec="minutes") if e.joined_at else ""]
                   for e in cohort.enrolments])


def results_csv(cohort: Cohort) -> bytes:
    """Exam attempts of the cohort's trainees."""
    names = {e.user_id: (e.name, e.email) for e in dashboards.joined(cohort)}
    return to_csv(["name", "email", "level", "session", "started_at", "state", "theory",
                   "practical", "passed"],
                  [[*names[a.user_id], a.level, a.session.title,
                    a.started_at.isoformat(timespec="minutes"), a.state,
                    "" if a.theory_score is None else f"{a.theory_score:.0f}",
                    "" if a.practical_score is None else f"{a.practical_score:.0f}",
                    "" if a.passed is None else ("yes" if a.passed else "no")]
                   for a in dashboards.cohort_results(cohort)])


def _text(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """Plain ``text`` as a paragraph, each character in an embedded face that has its glyph."""
    return Paragraph(pdfs.markup(text), style)


def _table(rows: list[list], shares: list[float]) -> Table:
    """A table over the text width; ``shares`` are the columns' fractions of it."""
    table = Table([[_text(str(cell), CELL) for cell in row] for row in rows],
                  colWidths=[WIDTH * share for share in shares], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), pdfs.LATIN), ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LINE), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def _image(png: bytes, width: float) -> Image:
    image = Image(io.BytesIO(png))
    image.drawHeight = image.drawHeight * width / image.drawWidth
    image.drawWidth = width
    return image


def cohort_pdf(cohort: Cohort, now: datetime) -> bytes:
    """The cohort report made at ``now`` (UTC): plan, trainees' progress, skills, weakest
    elements, exam results."""
    today = now.date()
    progress = dashboards.cohort_progress(cohort, today)
    user_ids = [p.enrolment.user_id for p in progress]
    width = WIDTH
    story = [_text(f"{cohort.institution.name} · 培训班报告 Cohort report"),
             _text(cohort.name, TITLE),
             _text(f"目标等级 Target level {cohort.target_level} · {cohort.starts_on} – "
                   f"{cohort.deadline} · 报告日期 Report date {today}"),
             _text("培训计划 Training plan", HEADING),
             _table([["方向 Track", "练习定额 Quota (items)"]]
                    + [[_track(t), str(q)] for t, q in cohort.quotas.items()], [.7, .3]),
             _text("学员进度 Trainee progress", HEADING)]
    if progress:
        story.append(_table(
            [["学员 Trainee", "完成 Done", "应完成 Expected", "通过概率 P(pass)", "状态 Status"]]
            + [[p.enrolment.name, f"{p.done}/{p.quota}", f"{p.expected:.0f}",
                _outlook(p), "落后 Behind" if p.behind else "正常 On track"]
               for p in progress], [.32, .15, .15, .18, .2]))
    else:
        story.append(_text("尚无学员加入。No trainee has joined yet."))
    volume = dashboards.daily_volume(cohort, user_ids, today)
    if any(n for _d, n in volume):
        with force_locale("en"):  # the PNG's dates, like its other labels, are in English
            bars = charts.daily_bar_chart([d for d, _n in volume], [n for _d, n in volume],
                                          y_label="answers", png=True)
        story += [_text("每日练习量 Practice answers per day", HEADING), _image(bars, width)]
    summary = dashboards.track_summary(progress)
    cut_theta = pools.cut_theta(cohort.target_level, "practical")
    cut = 60.0 if cut_theta is None else skills.report_score(cut_theta)
    if summary:
        story += [_text("各方向平均能力（95%区间）Mean skill per track (95% interval)", HEADING),
                  _image(charts.interval_chart(
                      [TRACKS_BY_ID[t].en for t, *_ in summary], [m for _t, m, _s, _n in summary],
                      [max(0, m - 1.96 * s) for _t, m, s, _n in summary],
                      [min(100, m + 1.96 * s) for _t, m, s, _n in summary],
                      x_label="score 0-100", reference=cut, reference_label=f"{cut:.0f}",
                      png=True), width)]
    weakest = dashboards.weakest_elements(cohort, user_ids)
    if weakest:
        story += [_text("最薄弱的认定要素 Weakest assessment elements", HEADING),
                  _table([["要素 Element", "平均得分 Mean score", "作答 Answers"]]
                         + [[f"{code} {(name or {}).get('zh', '')}", f"{100 * mean:.0f}", str(n)]
                            for code, name, mean, n in weakest], [.6, .2, .2])]
    results = dashboards.cohort_results(cohort)
    if results:
        names = {p.enrolment.user_id: p.enrolment.name for p in progress}
        story += [_text("考试结果 Exam results", HEADING),
                  _table([["学员 Trainee", "等级 Level", "理论 Theory", "技能 Practical", "结果 Result"]]
                         + [[names.get(a.user_id, ""), str(a.level),
                             "—" if a.theory_score is None else f"{a.theory_score:.0f}",
                             "—" if a.practical_score is None else f"{a.practical_score:.0f}",
                             {True: "通过 Passed", False: "未通过 Failed"}.get(a.passed, a.state)]
                            for a in results], [.3, .1, .2, .2, .2])]
    buffer = io.BytesIO()
    info = pdfs.DocumentInfo(
        title=f"{cohort.name} · 培训班报告 Cohort report", author=cohort.institution.name,
        subject=f"Cohort report · target level {cohort.target_level} · {today}", created=now)
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm,
                                 **pdfs.canvas_options())
    document.build(story, onFirstPage=lambda canvas, _doc: pdfs.apply_info(canvas, info))
    return buffer.getvalue()
