"""The teacher's pages in plain words (the method behind a help link), and charts with a text
alternative: role="img", a name, and the same numbers as a captioned table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import pools
from talentpool.assessment.models import Item
from talentpool.cohorts.models import Cohort
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.chart_markup import assert_accessible_charts
from tests.cohorts.conftest import answer, estimate
from tests.packs import import_live, make_item, make_pack

FORMULA_SIGNS = ("Φ", "θ", "SE)", "P(pass)", "P(θ")


@pytest.fixture
def practised(app, tmp_path, two_institutions, monkeypatch):
    """张三 answered four items today, the first day of the plan, and has two estimates."""
    monkeypatch.setattr(pools, "cut_theta", lambda level, part: 0.8)
    mine, _other = two_institutions
    now = utcnow()
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", "tc-pack",
                              items=[make_item("single_choice", f"q{n}") for n in range(4)]))
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        cohort.starts_on, cohort.deadline = now.date(), (now + timedelta(days=30)).date()
        user = find_user_by_email(mine.trainee_email)
        mine_items = select(Item).where(Item.key.startswith("q")).order_by(Item.id)
        db.session.add_all([answer(user.id, item, n % 2, now)
                            for n, item in enumerate(db.session.scalars(mine_items))])
        first, second = (estimate(user.id, "text_classification", 0.2, 0.6),
                         estimate(user.id, "text_classification", 0.6, 0.5))
        first.computed_at, second.computed_at = now - timedelta(minutes=3), now
        db.session.add_all([first, second])
        db.session.commit()
    return mine


def main_text(html: str) -> str:
    """The page's visible words outside the folded method note."""
    html = re.sub(r'<details class="card section-card method-note">.*?</details>', "", html,
                  flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", html)


def test_dashboard_speaks_plain_words_and_links_the_method(client, auth, practised):
    auth.login(practised.staff_email)
    html = client.get(f"/cohorts/{practised.cohort_id}").get_data(as_text=True)
    for sign in FORMULA_SIGNS:
        assert sign not in html, sign
    text = main_text(html)
    assert "Chance of passing level 5" in text
    # θ̂ 0.6, SE 0.5, cut 0.8 → Φ(−0.4) = 0.345 (practical only: the plan's theory track has
    # no estimate, so it enters with the prior θ 0, SE 1 → Φ(−0.8) = 0.212; product 0.073)
    assert "very unlikely to pass yet" in text and "about 5%" in text
    assert "58 (45–70)" in " ".join(text.split())  # 50 + 12.5 × 0.6 = 57.5 ± 1.96 × 6.25
    assert '<a href="#method">How these numbers are worked out</a>' in html
    method = html[html.index('class="card section-card method-note"'):]
    method = method[:method.index("</details>")]
    assert 'id="method"' in method
    for words in ("ability estimate", "standard error", "normal approximation", "95%"):
        assert words in method, words


def test_trainee_page_says_how_much_the_skill_rests_on(client, auth, practised):
    auth.login(practised.staff_email)
    html = client.get(f"/cohorts/{practised.cohort_id}/trainees/{practised.trainee_id}"
                      ).get_data(as_text=True)
    for sign in FORMULA_SIGNS:
        assert sign not in html, sign
    text = " ".join(main_text(html).split())
    assert "Items answered" in text and "chance of passing level 5" in text
    assert re.search(r"Text classification 4 / 10 58 \(45–70\) 5 ", text)  # n_items of the row


def test_dashboard_charts_are_named_images_with_tables(client, auth, practised):
    auth.login(practised.staff_email)
    html = client.get(f"/cohorts/{practised.cohort_id}").get_data(as_text=True)
    volume, skill = assert_accessible_charts(html, 2)
    assert volume.label == "Practice answers of the cohort per day"
    assert skill.label == "Mean skill per track" and skill.rows == 2  # header + one track
    page = client.get(f"/cohorts/{practised.cohort_id}/trainees/{practised.trainee_id}"
                      ).get_data(as_text=True)
    volume, skill, history = assert_accessible_charts(page, 3)
    assert history.label == "Skill over time: Text classification"
    assert history.rows == 3  # header + the two estimates


def test_one_day_of_practice_is_one_dated_bar(client, auth, practised):
    auth.login(practised.staff_email)
    html = client.get(f"/cohorts/{practised.cohort_id}").get_data(as_text=True)
    volume, _skill = assert_accessible_charts(html, 2)
    assert volume.rows == 2  # header + today
    today = utcnow().date()
    svg = html[html.index('aria-label="Practice answers of the cohort per day"'):]
    svg = svg[:svg.index("</svg>")]
    assert re.findall(r">\s*([^<>]*?)\s*</text>", svg)[:1] == [f"{today.day} {today:%b}"]
    assert svg.count('fill="#0f5c8c"') == 1  # one bar
