"""Importing packs: idempotent, versioned, items retired never deleted, responses kept."""

import pytest
from sqlalchemy import func, select

from talentpool.assessment.models import RETIRED, ExamPack, Item
from talentpool.assessment.service import PackImportError, import_path
from talentpool.extensions import db
from talentpool.practice.models import Response
from talentpool.practice.service import submit
from tests.packs import import_live, make_item, make_pack


def items_by_key():
    return {i.key: i for i in db.session.scalars(select(Item))}


def test_import_then_reimport_is_idempotent(app, tmp_path):
    folder = make_pack(tmp_path)
    with app.app_context():
        results, problems = import_path(folder)
        assert problems == [] and results[0].added == 3
        again, _ = import_path(folder)
        assert again[0].unchanged == 3 and again[0].added == 0
        assert db.session.scalar(select(func.count()).select_from(Item)) == 3


def test_new_version_updates_retires_and_keeps_responses(app, tmp_path, make_user):
    email = make_user()
    folder = make_pack(tmp_path, items=[make_item("single_choice", k) for k in ("a", "b", "c")])
    with app.app_context():
        import_live(folder)  # reviewed: "b" comes back live below, its content was approved
        from talentpool.accounts.service import find_user_by_email

        user = find_user_by_email(email)
        before = items_by_key()
        submit(user.id, before["b"], {"choice": "neg"}, None)
        changed = make_item("single_choice", "a", prompt={"zh": "改过的题目", "en": "Changed"})
        make_pack(tmp_path, version=2, items=[changed, make_item("single_choice", "c"),
                                              make_item("single_choice", "d")])
        (result,), problems = import_path(folder)
        assert problems == []
        assert (result.added, result.updated, result.unchanged, result.retired) == (1, 1, 1, 1)
        after = items_by_key()
        assert after["a"].id == before["a"].id and after["a"].revision == 2
        assert after["b"].status == RETIRED
        response = db.session.scalars(select(Response)).one()
        assert response.item_id == before["b"].id
        make_pack(tmp_path, version=3, items=[make_item("single_choice", k) for k in "abcd"])
        (result,), _ = import_path(folder)
        assert result.restored == 1 and items_by_key()["b"].status == "active"


def test_changed_content_without_new_version_is_refused(app, tmp_path):
    folder = make_pack(tmp_path)
    with app.app_context():
        import_path(folder)
        make_pack(tmp_path, items=[make_item("single_choice", "other")])
        with pytest.raises(PackImportError, match="raise 'version'"):
            import_path(folder)
        assert db.session.scalar(select(ExamPack.version)) == 1


def test_pack_with_problems_imports_nothing(app, tmp_path):
    folder = make_pack(tmp_path, items=[make_item("single_choice", "a"),
                                        make_item("single_choice", "b", element="nope")])
    with app.app_context():
        results, problems = import_path(folder)
        assert results == [] and len(problems) == 1
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_assets_are_copied_to_the_instance(app, tmp_path):
    folder = make_pack(tmp_path, items=[make_item("bbox", "b1")])
    with app.app_context():
        import_path(folder)
        pack = db.session.scalars(select(ExamPack)).one()
    copied = tmp_path / "instance" / "packs" / pack.slug / pack.asset_version / "assets"
    assert (copied / "scene-1.png").exists()


def test_cli_validate_and_import(app, runner, tmp_path):
    good = make_pack(tmp_path / "good")
    result = runner.invoke(args=["exams", "validate", str(good)])
    assert result.exit_code == 0 and "ok  test-pack v1: 3 items" in result.output
    bad = make_pack(tmp_path / "bad", items=[make_item("single_choice", "x", element="Q")])
    result = runner.invoke(args=["exams", "validate", str(bad)])
    assert result.exit_code == 1 and "[x]: element" in result.output and "Traceback" not in result.output
    result = runner.invoke(args=["exams", "import", str(good)])
    assert result.exit_code == 0 and "3 added" in result.output
    result = runner.invoke(args=["exams", "import", str(bad)])
    assert result.exit_code == 1 and "nothing was imported" in result.output


def test_cli_import_refuses_a_non_pack_file(app, runner, tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    result = runner.invoke(args=["exams", "import", str(stray)])
    assert result.exit_code == 1 and "not a pack folder" in result.output
