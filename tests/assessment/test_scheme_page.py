"""The administrator's read-only page of the certification scheme: every level and part with its
mode, length and time limit, and each part's cut with where it comes from."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from talentpool.assessment import pools
from talentpool.assessment.models import StandardSetting
from talentpool.auth import Role
from talentpool.extensions import db
from tests.exam_bank import make_ready_bank


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def part_row(html: str, level: int, part: str) -> str:
    section = re.search(rf'<section [^>]*data-level="{level}">(.*?)</section>', html, re.DOTALL)
    assert section, f"level {level} missing"
    row = re.search(rf'<tr data-part="{part}"[^>]*>(.*?)</tr>', section.group(1), re.DOTALL)
    assert row, f"level {level} {part} missing"
    return row.group(0)


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.EMPLOYER, Role.INSTITUTION_STAFF])
def test_only_administrators_see_the_scheme_page(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/exams/admin/scheme").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/exams/admin/scheme")
    assert response.status_code == 302 and "/accounts/login" in response.location


def test_the_shipped_scheme_is_shown_part_by_part(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    html = client.get("/exams/admin/scheme").get_data(as_text=True)
    with app.app_context():
        scheme = pools.scheme()
    assert "certification-scheme.yaml" in html
    for number, level in scheme.levels.items():
        for rule in (level.theory, level.practical):
            row = part_row(html, number, rule.part)
            assert f"{rule.time_limit_minutes} min" in row
            for code, count in rule.blueprint:
                assert f"{code}&nbsp;×&nbsp;{count}" in row
            if rule.mode == "adaptive":
                assert f"{rule.min_items}–{rule.max_items} items" in row
            elif rule.rated:
                assert f"{rule.length} tasks" in row and 'data-cut="rubric"' in row
                assert "60% of the points" in row and f"{rule.raters} raters" in row
            else:
                assert f"{rule.length} items" in row
            if not rule.rated:  # no study has been recorded in this empty database
                assert 'data-cut="no_study"' in row and "cannot certify yet" in row
        if level.panel_review:
            row = part_row(html, number, "panel")
            assert f"{level.panel_review.members} members" in row
            assert f"{round(level.panel_review.pass_mark)} of 100" in row
        else:
            assert 'data-part="panel"' not in part_row(html, number, "theory")
    assert 'href="/exams/admin/standards"' in html


def test_active_studies_give_the_cut_and_its_source(app, client, auth, make_user, tmp_path):
    make_ready_bank(app, tmp_path, cuts={(5, "theory"): 0.4}, rated_levels=(3,))
    with app.app_context():
        study = db.session.scalar(select(StandardSetting).where(
            StandardSetting.level == 5, StandardSetting.part == "theory",
            StandardSetting.status == "active"))
        title, cut, se = study.title, study.cut_theta, study.cut_se
    auth.login(make_user(Role.ADMIN))
    html = client.get("/exams/admin/scheme").get_data(as_text=True)
    row = part_row(html, 5, "theory")
    assert 'data-cut="study"' in row and title in row
    assert f"60 of 100 = θ {cut:.2f} (SE {se:.2f})" in row
    assert 'data-cut="rubric"' in part_row(html, 3, "practical")
    assert 'data-cut="study"' in part_row(html, 4, "practical")


def test_a_broken_scheme_file_lists_its_problems(app, client, auth, make_user, tmp_path):
    broken = tmp_path / "broken" / "certification-scheme.yaml"
    broken.parent.mkdir()
    broken.write_text("occupation: {zh: x}\nlevels: []\n", encoding="utf-8")
    (broken.parent / "elements.yaml").write_text("elements: []\n", encoding="utf-8")
    app.config["EXAM_SCHEME"] = str(broken)
    auth.login(make_user(Role.ADMIN))
    response = client.get("/exams/admin/scheme")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "The scheme file is not valid" in html
    assert "occupation: needs zh and en" in html
