"""What the converters share, and the convert / export-answers commands end to end."""

import json

import yaml
from PIL import Image
from pycocotools.coco import COCO

from talentpool.assessment import label_studio
from talentpool.assessment.packs import load_elements, load_pack
from tests.assessment.test_coco import make_coco, quiet
from tests.assessment.test_conll import CONLL
from tests.formats import gold_answers, load_converted
from tests.packs import make_elements, make_item


def test_older_label_studio_exports_without_control_names_still_convert(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    Image.new("RGB", (200, 100), "white").save(media / "photo.png")
    tasks = [
        {"id": 1, "data": {"text": "好评！"}, "annotations": [
            {"result": [{"type": "choices", "value": {"choices": ["正面"]}}]}]},
        {"id": 2, "data": {"text": "一般"}, "annotations": [
            {"result": [{"type": "choices", "value": {"choices": ["负面"]}}]},
            {"ground_truth": True, "result": [{"type": "choices", "value": {"choices": ["中性"]}}]}]},
    ]
    conversion = label_studio.from_label_studio(tasks, "ls-pack", "text_classification", "P1.1")
    assert conversion.pack["items"][1]["gold"] == {"choice": "c0"}  # ground truth wins
    exported = label_studio.to_label_studio(gold_answers(load_converted(tmp_path, conversion)))
    assert [t["id"] for t in exported] == [1, 2]
    assert [t["annotations"][0]["result"][0]["value"]["choices"] for t in exported] == [
        ["正面"], ["中性"]]


def test_a_malformed_source_is_a_pack_problem(tmp_path):
    folder = tmp_path / "src-pack"
    folder.mkdir()
    item = make_item("single_choice", "q1", source={"tool": "coco", "image_id": 1})
    (folder / "pack.yaml").write_text(yaml.safe_dump(
        {"id": "src-pack", "version": 1, "title": {"zh": "t", "en": "t"},
         "track": "text_classification", "levels": [5], "licence": "CC-BY-4.0", "items": [item]},
        allow_unicode=True))
    elements, _ = load_elements(make_elements(tmp_path))
    _pack, problems = load_pack(folder, elements)
    assert [str(p) for p in problems] == ["src-pack/pack.yaml [q1]: source: categories: required"]


def answer_everything_with_gold(app, email):
    with app.app_context():
        from sqlalchemy import select

        from talentpool.accounts.service import find_user_by_email
        from talentpool.assessment.models import Item
        from talentpool.extensions import db
        from talentpool.practice.service import submit

        user = find_user_by_email(email)
        for item in db.session.scalars(select(Item)):
            submit(user.id, item, item.gold, None)


def test_cli_convert_and_export_answers(app, runner, tmp_path, make_user):
    source = tmp_path / "ner.conll"
    source.write_text(CONLL, encoding="utf-8")
    result = runner.invoke(args=["exams", "convert", "conll", str(source), "--out",
                                 str(tmp_path / "packs"), "--id", "ner-import"])
    assert result.exit_code == 0, result.output
    make_elements(tmp_path / "packs")
    result = runner.invoke(args=["exams", "import", str(tmp_path / "packs" / "ner-import")])
    assert result.exit_code == 0 and "2 added" in result.output
    email = make_user()
    answer_everything_with_gold(app, email)
    out = tmp_path / "answers.conll"
    result = runner.invoke(args=["exams", "export-answers", "--email", email, "--format", "conll",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- -X- conll-0001 O\n\n张 B-PER")
    result = runner.invoke(args=["exams", "export-answers", "--email", email, "--format", "coco",
                                 "--out", str(tmp_path / "a.json")])
    assert json.loads((tmp_path / "a.json").read_text())["images"] == []


def test_cli_coco_source_ids_survive_the_database(app, runner, tmp_path, make_user):
    _data, path = make_coco(tmp_path)
    result = runner.invoke(args=["exams", "convert", "coco", str(path), "--out",
                                 str(tmp_path / "packs"), "--id", "coco-import"])
    assert result.exit_code == 0, result.output
    assert "note: image 13 (c.jpg): annotation 5 lies" in result.output
    make_elements(tmp_path / "packs")
    result = runner.invoke(args=["exams", "import", str(tmp_path / "packs" / "coco-import")])
    assert result.exit_code == 0 and "2 added" in result.output
    email = make_user()
    answer_everything_with_gold(app, email)
    out = tmp_path / "results.json"
    result = runner.invoke(args=["exams", "export-answers", "--email", email, "--format",
                                 "coco-results", "--out", str(out)])
    assert result.exit_code == 0, result.output
    truth = quiet(COCO, str(path))
    detections = quiet(truth.loadRes, str(out))
    assert sorted((a["image_id"], a["category_id"]) for a in detections.anns.values()) == [
        (7, 3), (7, 18), (12, 18)]
