"""Standard setting in the product: ratings in, a cut with its error out; bad input refused
with the row, panellist and item; activation through the admin page."""



import numpy as np
import pytest
from sqlalchemy import select

from talentpool.assessment import pools, standards
from talentpool.assessment.calibration import active_run, build_bank, operational_entries
from talentpool.assessment.field_test import simulate_angoff_panel
from talentpool.assessment.models import Item, StandardSetting
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.psychometrics import expected_scores
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank


@pytest.fixture
def bank(app, tmp_path):
    return make_ready_bank(app, tmp_path, cuts={(5, "theory"): 0.6})


def exam_keys(part="theory"):
    rule = pools.scheme().levels[5].part(part)
    operational = operational_entries(active_run(part))
    return [i.key for i in pools.pool(rule) if i.id in operational]


def test_the_panel_cut_is_recovered_through_the_service(app, bank):
    with app.app_context():
        study = standards.active_standard(5, "theory")
        assert study.cut_theta == pytest.approx(0.6, abs=3 * study.cut_se + 0.05)
        assert study.n_panellists == 5 and len(study.panellist_thetas) == 5
        assert study.spread_sd > 0 and study.cut_se == pytest.approx(
            study.spread_sd / np.sqrt(5), rel=1e-6)


def test_ratings_csv_errors_name_the_row_panellist_and_item(app, bank):
    with app.app_context():
        with pytest.raises(standards.StandardSettingError, match="3.*p2.*t1.*1.5"):
            standards.parse_ratings("panellist,item,rating\np1,t1,0.5\np2,t1,1.5\n")
        with pytest.raises(standards.StandardSettingError, match="p1.*t1"):
            standards.parse_ratings("panellist,item,rating\np1,t1,0.5\np1,t1,0.6\n")
        with pytest.raises(standards.StandardSettingError, match="panellist.*item.*rating"):
            standards.parse_ratings("who,what\n")


def test_unusable_studies_are_refused_and_the_active_standard_stays(app, bank):
    with app.app_context():
        before = standards.active_standard(5, "theory").id
        keys = exam_keys()
        two = {f"p{n}": {k: 0.5 for k in keys} for n in range(2)}
        with pytest.raises(standards.StandardSettingError, match="2.*3"):
            standards.record_study(5, "theory", "x", two, None)
        unknown = {f"p{n}": {**{k: 0.5 for k in keys}, "nope": 0.5} for n in range(3)}
        with pytest.raises(standards.StandardSettingError, match="nope"):
            standards.record_study(5, "theory", "x", unknown, None)
        pretest = db.session.scalar(select(Item.key).where(Item.key == "tp0"))
        practice = {f"p{n}": {**{k: 0.5 for k in keys}, pretest: 0.5} for n in range(3)}
        with pytest.raises(standards.StandardSettingError, match="tp0"):
            standards.record_study(5, "theory", "x", practice, None)
        impossible = {f"p{n}": {k: 1.0 for k in keys} for n in range(3)}  # above the TCC
        with pytest.raises(standards.StandardSettingError, match="5"):
            standards.record_study(5, "theory", "x", impossible, None)
        assert standards.active_standard(5, "theory").id == before
        assert db.session.scalar(select(db.func.count()).select_from(StandardSetting).where(
            StandardSetting.status == "draft")) == 0


def test_an_admin_records_and_activates_a_study_on_the_page(app, client, auth, make_user, bank):
    auth.login(make_user(Role.ADMIN))
    with app.app_context():
        keys = exam_keys()
        run = active_run("theory")
        operational = operational_entries(run)
        ids = {i.key: i.id for i in db.session.scalars(select(Item).where(Item.key.in_(keys)))}
        items, order = build_bank([operational[ids[k]] for k in keys])
        share = np.asarray(expected_scores(np.array([1.0]), items)).ravel()
        key_of = {ids[k]: k for k in keys}
    rows = ["panellist,item,rating"] + [
        f"panel {p},{key_of[e.item_id]},{min(1.0, max(0.0, share[j] + 0.02 * (p - 1))):.3f}"
        for p in range(3) for j, e in enumerate(order)]
    page = client.get("/exams/admin/standards")
    assert page.status_code == 200
    reply = client.post("/exams/admin/standards", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "level": "4", "part": "theory",
        "title": "Panel 2026-12", "ratings": "\n".join(rows)}, follow_redirects=True)
    assert reply.status_code == 200
    with app.app_context():
        study = db.session.scalar(select(StandardSetting).where(
            StandardSetting.title == "Panel 2026-12"))
        assert study.status == "draft" and study.cut_theta == pytest.approx(1.0, abs=0.1)
        public_id = study.public_id
    page = client.get("/exams/admin/standards").get_data(as_text=True)
    client.post(f"/exams/admin/standards/{public_id}/activate",
                data={"csrf_token": csrf_from(page)})
    with app.app_context():
        assert standards.active_standard(4, "theory").public_id == public_id
        assert db.session.scalar(select(db.func.count()).select_from(StandardSetting).where(
            StandardSetting.level == 4, StandardSetting.part == "theory",
            StandardSetting.status == "active")) == 1


def test_a_study_without_ratings_or_with_too_few_panellists_says_why(client, auth, make_user,
                                                                     bank):
    auth.login(make_user(Role.ADMIN))
    token = csrf_from(client.get("/exams/admin/standards").get_data(as_text=True))
    empty = client.post("/exams/admin/standards", data={
        "csrf_token": token, "level": "4", "part": "theory", "title": "Panel"})
    assert empty.status_code == 400
    assert "上传评分文件或在此粘贴其 CSV" in empty.get_data(as_text=True)
    few = client.post("/exams/admin/standards", data={
        "csrf_token": token, "level": "4", "part": "practical", "title": "Panel",
        "ratings": "panellist,item,rating\nA,x,0.5"})
    html = few.get_data(as_text=True)
    assert few.status_code == 400 and 'id="ratings-error"' in html
    assert "4 级技能考核" in html and "practical" not in html.split('id="ratings-error"')[1][:300]
    assert 'value="Panel"' in html  # nothing typed is lost


def test_trainees_cannot_reach_the_standards_page(client, auth, make_user, bank):
    auth.login(make_user(Role.TRAINEE))
    assert client.get("/exams/admin/standards").status_code == 403


def test_a_second_panel_replaces_the_first(app, bank):
    with app.app_context():
        first = standards.active_standard(5, "practical").id
        second = simulate_angoff_panel(5, "practical", 1.0, np.random.default_rng(4), n_items=12)
        assert standards.active_standard(5, "practical").id == second.id != first
        assert db.session.get(StandardSetting, first).status == "retired"

