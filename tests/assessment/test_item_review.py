"""Item drafts and their second-person review: new or changed items are drafts until another
administrator approves them; approval belongs to a content hash; every decision is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import drafts
from talentpool.assessment.models import ACTIVE, DRAFT, EXAM, RETIRED, Item, ItemReview
from talentpool.assessment.service import import_path
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice.service import next_item
from tests.conftest import PASSWORD
from tests.packs import make_item, make_pack


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


@pytest.fixture
def admins(app, make_user):
    """The author who imports, and a second administrator who reviews."""
    return make_user(Role.ADMIN, "author@example.org"), make_user(Role.ADMIN, "second@example.org")


def user(email: str):
    return find_user_by_email(email)


def items() -> dict[str, Item]:
    return {item.key: item for item in db.session.scalars(select(Item))}


def review_count() -> int:
    return db.session.scalar(select(func.count(ItemReview.id)))


def import_as(tmp_path, email: str | None, version: int = 1, items_=None, name: str = "v1"):
    return import_path(make_pack(tmp_path / name, version=version, items=items_),
                       by=user(email) if email else None)


def test_a_draft_is_never_served_in_practice_or_drawn_into_an_exam(app, client, auth, tmp_path,
                                                                   admins, make_user):
    from datetime import timedelta

    import yaml

    from talentpool.assessment import bank, exam
    from talentpool.assessment.tracks import SCALES
    from talentpool.database import utcnow
    from tests.exam_bank import bank_packs, make_ready_bank

    make_ready_bank(app, tmp_path)  # reviewed, calibrated, with standards
    theory, _practical = bank_packs(tmp_path / "v2")
    pack = yaml.safe_load((theory / "pack.yaml").read_text())
    pack["version"] = 2
    for entry in pack["items"]:
        if entry["id"] in ("t0", "t1", "t2", "t3", "tp0", "tp1", "tp2", "tp3"):
            entry["explanation"] = {"zh": "改过的解析", "en": "A changed explanation"}
    (theory / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True))
    trainees = [make_user(Role.TRAINEE) for _ in range(6)]
    practising = make_user(Role.TRAINEE)
    with app.app_context():
        (result,), _ = import_path(theory, by=user(admins[0]))
        assert result.drafts == 8
        draft_ids = {i.id for i in items().values() if i.status == DRAFT}
        draft_public = [i.public_id for i in items().values() if i.status == DRAFT]
        assert next_item(user(trainees[0]).id, "theory") is None  # every practice item a draft
        summary = {s.track: s for s in bank.summaries(SCALES)}
        assert summary["theory"].draft_items == 8 and summary["theory"].active_items == 12
        assert summary["theory"].calibrated_items <= 12  # drafts never count as operational
        now = utcnow()
        session = exam.create_session(5, "t", now - timedelta(hours=1), now + timedelta(hours=5),
                                      None).public_id
    with app.test_request_context():
        for email in trainees:
            attempt = exam.start_attempt(user(email).id, session)
            assert not set(attempt.form["theory"]) & draft_ids
    auth.login(practising)
    for public_id in draft_public:
        assert client.get(f"/practice/items/{public_id}").status_code == 404


def test_the_importer_cannot_approve_their_own_import(app, tmp_path, admins):
    author, _second = admins
    with app.app_context():
        import_as(tmp_path, author)
        draft = items()["q0"]
        with pytest.raises(drafts.ReviewError, match="another administrator"):
            drafts.review(draft.public_id, drafts.APPROVED, "", user(author))
        with pytest.raises(drafts.ReviewError, match="another administrator"):
            drafts.approve_many([(items()["q1"].public_id, None), (draft.public_id, None)],
                                user(author))
        assert review_count() == 0
        assert {item.status for item in items().values()} == {DRAFT}


def test_a_second_administrator_approves_and_the_item_goes_live(app, tmp_path, admins):
    author, second = admins
    with app.app_context():
        import_as(tmp_path, author)
        draft = items()["q0"]
        stored = drafts.review(draft.public_id, drafts.APPROVED, "", user(second))
        assert (stored.submitted_by_id, stored.reviewer_id) == (user(author).id, user(second).id)
        assert (stored.revision, stored.content_hash) == (1, draft.content_hash)
        assert items()["q0"].status == ACTIVE and items()["q1"].status == DRAFT
        assert next_item(user(second).id, "text_classification").key == "q0"
        with pytest.raises(drafts.ReviewError, match="not a draft"):
            drafts.review(draft.public_id, drafts.APPROVED, "", user(second))
        assert review_count() == 1


def test_only_administrators_review(app, tmp_path, admins, make_user):
    with app.app_context():
        import_as(tmp_path, admins[0])
        staff = user(make_user(Role.INSTITUTION_STAFF))
        with pytest.raises(drafts.ReviewError, match="Only an administrator"):
            drafts.review(items()["q0"].public_id, drafts.APPROVED, "", staff)
        assert review_count() == 0


def test_an_import_without_a_recorded_importer_may_be_approved_by_any_admin(app, tmp_path,
                                                                             admins):
    with app.app_context():
        import_as(tmp_path, None)
        assert items()["q0"].imported_by_id is None
        drafts.review(items()["q0"].public_id, drafts.APPROVED, "", user(admins[0]))
        assert items()["q0"].status == ACTIVE


def test_a_changed_item_goes_back_to_draft_and_its_old_approval_does_not_carry_over(
        app, tmp_path, admins):
    author, second = admins
    changed = [make_item("single_choice", f"q{n}") for n in range(3)]
    changed[0]["gold"] = {"choice": "pos"}
    changed[1]["prompt"] = {"zh": "新题目", "en": "A new question"}
    with app.app_context():
        import_as(tmp_path, author)
        drafts.approve_many([(i.public_id, i.content_hash) for i in items().values()],
                            user(second))
        assert {item.status for item in items().values()} == {ACTIVE}
        (result,), _ = import_as(tmp_path, second, version=2, items_=changed, name="v2")
        assert (result.updated, result.unchanged, result.drafts) == (2, 1, 2)
        now = items()
        assert (now["q0"].status, now["q1"].status, now["q2"].status) == (DRAFT, DRAFT, ACTIVE)
        assert now["q0"].revision == 2 and now["q0"].imported_by_id == user(second).id
        assert drafts.changed_fields(now["q0"]) == ["gold"]
        assert drafts.changed_fields(now["q1"]) == ["prompt"]
        assert next_item(user(author).id, "text_classification").key == "q2"
        # the second administrator imported this revision, so now the author reviews it
        with pytest.raises(drafts.ReviewError, match="another administrator"):
            drafts.review(now["q0"].public_id, drafts.APPROVED, "", user(second))
        drafts.review(now["q0"].public_id, drafts.APPROVED, "", user(author))
        assert items()["q0"].status == ACTIVE and items()["q0"].previous_content is None


def test_an_item_restored_to_approved_content_is_live_without_review(app, tmp_path, admins):
    author, second = admins
    changed = [make_item("single_choice", f"q{n}") for n in range(3)]
    changed[0]["gold"] = {"choice": "pos"}
    with app.app_context():
        import_as(tmp_path, author)
        drafts.approve_many([(i.public_id, None) for i in items().values()], user(second))
        import_as(tmp_path, author, version=2, items_=changed, name="v2")
        assert items()["q0"].status == DRAFT
        reviews = review_count()
        (result,), _ = import_as(tmp_path, author, version=3, name="v3")  # back to version 1
        assert items()["q0"].status == ACTIVE and result.drafts == 0
        assert items()["q0"].revision == 3 and review_count() == reviews
        # a removed item comes back unchanged: live again, its content was approved
        import_as(tmp_path, author, version=4, items_=[make_item("single_choice", "q0")],
                  name="v4")
        assert items()["q1"].status == RETIRED
        import_as(tmp_path, author, version=5, name="v5")
        assert items()["q1"].status == ACTIVE


def test_items_live_before_reviews_existed_stay_live_until_changed(app, tmp_path, admins):
    with app.app_context():
        import_as(tmp_path, None)
        for item in items().values():  # what the migration leaves: active, no review rows
            item.status = ACTIVE
        db.session.commit()
        changed = [make_item("single_choice", f"q{n}") for n in range(3)]
        changed[2]["explanation"] = {"zh": "新解析", "en": "New explanation"}
        import_as(tmp_path, admins[0], version=2, items_=changed, name="v2")
        assert [items()[k].status for k in ("q0", "q1", "q2")] == [ACTIVE, ACTIVE, DRAFT]
        assert review_count() == 0


def test_a_returned_item_stays_a_draft_with_the_note(app, tmp_path, admins):
    author, second = admins
    with app.app_context():
        import_as(tmp_path, author)
        public_id = items()["q0"].public_id
        with pytest.raises(drafts.ReviewError, match="Say why"):
            drafts.review(public_id, drafts.RETURNED, "  ", user(second))
        drafts.review(public_id, drafts.RETURNED, "选项 B 的解析写错了", user(second))
        assert items()["q0"].status == DRAFT
        ((_pack, rows),) = drafts.queue()
        row = next(r for r in rows if r.item.key == "q0")
        assert row.returned.note == "选项 B 的解析写错了" and row.changed is None
        (stored,) = drafts.reviews_of(items()["q0"].id)
        assert (stored.decision, stored.reviewer_id) == (drafts.RETURNED, user(second).id)


def test_a_decision_on_content_imported_since_is_refused(app, tmp_path, admins):
    author, second = admins
    with app.app_context():
        import_as(tmp_path, author)
        seen = items()["q0"].content_hash
        changed = [make_item("single_choice", f"q{n}") for n in range(3)]
        changed[0]["gold"] = {"choice": "pos"}
        import_as(tmp_path, author, version=2, items_=changed, name="v2")
        with pytest.raises(drafts.ReviewError, match="imported again"):
            drafts.review(items()["q0"].public_id, drafts.APPROVED, "", user(second), seen)
        assert review_count() == 0 and items()["q0"].status == DRAFT


def test_restoring_a_retired_item_never_skips_review(app, tmp_path, admins):
    from talentpool.assessment import bank

    author, second = admins
    with app.app_context():
        import_as(tmp_path, author)
        q0, q1 = items()["q0"], items()["q1"]
        drafts.review(q0.public_id, drafts.APPROVED, "", user(second))
        for public_id in (q0.public_id, q1.public_id):
            bank.set_item_status(public_id, RETIRED)
            bank.set_item_status(public_id, ACTIVE)
        assert items()["q0"].status == ACTIVE  # approved content
        assert items()["q1"].status == DRAFT  # never approved
        assert bank.set_item_status(items()["q2"].public_id, ACTIVE).status == DRAFT


def test_a_standard_is_never_set_on_drafts(app, tmp_path, admins):
    from talentpool.assessment import standards
    from tests.exam_bank import make_ready_bank

    make_ready_bank(app, tmp_path)
    with app.test_request_context():
        exam_item = db.session.scalar(select(Item).where(Item.use == EXAM,
                                                         Item.track == "theory"))
        exam_item.status = DRAFT
        db.session.commit()
        keys = [i.key for i in db.session.scalars(select(Item).where(
            Item.use == EXAM, Item.track == "theory"))]
        ratings = {f"p{n}": {key: 0.6 for key in keys} for n in range(5)}
        with pytest.raises(standards.StandardSettingError, match="not live"):
            standards.record_study(5, "theory", "t", ratings, None)


# ---- pages ----------------------------------------------------------------------------------

def login(client, email):
    from tests.conftest import post_form

    post_form(client, "/accounts/login", {"email": email, "password": PASSWORD})


def queue_form(client) -> tuple[str, str]:
    from tests.conftest import csrf_from

    html = client.get("/admin/bank/drafts").get_data(as_text=True)
    return html, csrf_from(html)


def test_non_admins_get_403_on_the_review_pages(app, client, make_user, tmp_path, admins):
    with app.app_context():
        import_as(tmp_path, admins[0])
        public_id = items()["q0"].public_id
    for role in (Role.TRAINEE, Role.INSTITUTION_STAFF, Role.EMPLOYER):
        login(client, make_user(role))
        assert client.get("/admin/bank/drafts").status_code == 403
        assert client.get(f"/admin/bank/items/{public_id}").status_code == 403
        token = client.get("/home").get_data(as_text=True)
        from tests.conftest import csrf_from

        reply = client.post("/admin/bank/drafts", data={
            "action": f"approved:{public_id}", "csrf_token": csrf_from(token)})
        assert reply.status_code == 403
        client.post("/accounts/logout", data={"csrf_token": csrf_from(token)})
    with app.app_context():
        assert items()["q0"].status == DRAFT and review_count() == 0


def test_the_queue_shows_what_changed_and_reviews_per_item_and_in_bulk(app, client, tmp_path,
                                                                       admins):
    author, second = admins
    with app.app_context():
        import_as(tmp_path, None, items_=[make_item("single_choice", f"q{n}") for n in range(4)])
        drafts.approve_many([(i.public_id, None) for i in items().values()], user(author))
        changed = [make_item("single_choice", f"q{n}") for n in range(4)]
        changed[0]["gold"] = {"choice": "pos"}
        changed[1]["explanation"] = {"zh": "新解析", "en": "New explanation"}
        changed.append(make_item("single_choice", "fresh"))
        import_as(tmp_path, author, version=2, items_=changed, name="v2")
        ids = {key: item.public_id for key, item in items().items()}
    login(client, author)
    html, _token = queue_form(client)
    assert "You imported this revision" in html and 'name="item"' not in html
    client.post("/accounts/logout", data={"csrf_token": _token})
    login(client, second)
    html, token = queue_form(client)
    assert "Changed: gold answer" in html and "new item" in html
    assert f"/admin/bank/items/{ids['q0']}" in html and 'data-pack="test-pack"' in html
    with app.app_context():
        hashes = {key: item.content_hash for key, item in items().items()}
    refused = client.post("/admin/bank/drafts", data={
        "csrf_token": token, "action": f"returned:{ids['q1']}", "note-" + ids["q1"]: ""},
        follow_redirects=True).get_data(as_text=True)
    assert "Say why the draft is returned" in refused
    client.post("/admin/bank/drafts", data={
        "csrf_token": token, "action": f"returned:{ids['q1']}",
        f"note-{ids['q1']}": "The new instructions contradict the gold.",
        f"hash-{ids['q1']}": hashes["q1"]})
    reply = client.post("/admin/bank/drafts", data={
        "csrf_token": token, "action": "approve-selected", "item": [ids["q0"], ids["fresh"]],
        f"hash-{ids['q0']}": hashes["q0"], f"hash-{ids['fresh']}": hashes["fresh"]},
        follow_redirects=True)
    assert "Approved 2 drafts" in reply.get_data(as_text=True)
    with app.app_context():
        now = items()
        assert (now["q0"].status, now["fresh"].status, now["q1"].status) == (ACTIVE, ACTIVE,
                                                                             DRAFT)
        assert review_count() == 4 + 3  # four first approvals, one return, two approvals
    html, _ = queue_form(client)
    assert "The new instructions contradict the gold." in html
    search = client.get("/admin/bank/items?status=draft").get_data(as_text=True)
    assert 'data-item="q1"' in search and 'data-item="q0"' not in search
    preview = client.get(f"/admin/bank/items/{ids['q1']}").get_data(as_text=True)
    assert "Draft waiting for review" in preview and "Review history" in preview
    assert "The new instructions contradict the gold." in preview
    assert "What the changed fields were while live" in preview
    bank_page = client.get("/admin/bank/").get_data(as_text=True)
    assert "/admin/bank/drafts" in bank_page


def test_the_preview_page_reviews_and_returns_to_the_item(app, client, tmp_path, admins):
    author, second = admins
    with app.app_context():
        import_as(tmp_path, author)
        item = items()["q0"]
        public_id, content_hash = item.public_id, item.content_hash
    login(client, second)
    from tests.conftest import csrf_from

    page = client.get(f"/admin/bank/items/{public_id}").get_data(as_text=True)
    reply = client.post("/admin/bank/drafts", data={
        "csrf_token": csrf_from(page), "action": f"approved:{public_id}",
        f"hash-{public_id}": content_hash, "back": f"/admin/bank/items/{public_id}"})
    assert reply.headers["Location"].endswith(f"/admin/bank/items/{public_id}")
    after = client.get(f"/admin/bank/items/{public_id}").get_data(as_text=True)
    assert "Draft waiting for review" not in after and 'data-review="approved"' in after


def test_the_zh_cn_queue_renders(app, client, tmp_path, admins, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "zh_CN")
    with app.app_context():
        import_as(tmp_path, admins[0])
    login(client, admins[1])
    assert client.get("/admin/bank/drafts").status_code == 200


# ---- command line ---------------------------------------------------------------------------

def test_the_cli_imports_by_an_admin_and_reviews_with_the_second_person_rule(app, runner,
                                                                            tmp_path, admins):
    author, second = admins
    folder = make_pack(tmp_path / "packs")
    result = runner.invoke(args=["exams", "import", str(folder), "--by", "nobody@example.org"])
    assert result.exit_code != 0 and "no administrator" in result.output
    result = runner.invoke(args=["exams", "import", str(folder), "--by", author])
    assert result.exit_code == 0 and "3 waiting for review" in result.output
    listing = runner.invoke(args=["exams", "review", "--pack", "test-pack", "--by", second])
    assert listing.exit_code == 0 and "q0 r1 (new; author@example.org)" in listing.output
    own = runner.invoke(args=["exams", "review", "--pack", "test-pack", "--by", author,
                              "--approve-all"])
    assert own.exit_code != 0
    with app.app_context():
        assert review_count() == 0
    returned = runner.invoke(args=["exams", "review", "--pack", "test-pack", "--by", second,
                                   "--return", "q2", "--note", "typo in the prompt"])
    assert returned.exit_code == 0, returned.output
    approved = runner.invoke(args=["exams", "review", "--pack", "test-pack", "--by", second,
                                   "--approve-all"])
    assert approved.exit_code == 0 and "3 draft(s) of test-pack approved" in approved.output
    with app.app_context():
        assert {item.status for item in items().values()} == {ACTIVE}
        assert review_count() == 4
    unknown = runner.invoke(args=["exams", "review", "--pack", "test-pack", "--by", second,
                                  "--approve", "q0"])
    assert unknown.exit_code != 0 and "not a draft of test-pack" in unknown.output
    no_pack = runner.invoke(args=["exams", "review", "--pack", "nope", "--by", second])
    assert no_pack.exit_code != 0 and "no imported pack nope" in no_pack.output
