"""Converters to packs and answer exports: round trips through each format."""

import json

import pytest
import yaml
from PIL import Image

from talentpool.assessment import converters, exports
from talentpool.assessment.packs import load_elements, load_pack
from talentpool.scoring import get_scorer
from tests.packs import make_elements

CONLL = """张 B-PER
伟 I-PER
在 O
北 B-LOC
京 I-LOC
工 O
作 O

John B-PER
works O
at O
Acme B-ORG
Corp I-ORG
. O
"""


def write_and_load(tmp_path, data, assets):
    folder = tmp_path / data["id"]
    folder.mkdir(parents=True)
    for relative, origin in assets.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(origin.read_bytes())
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    elements, _ = load_elements(make_elements(tmp_path))
    pack, problems = load_pack(folder, elements)
    assert problems == []
    return pack


def gold_answers(pack):
    return [exports.AnsweredItem(i.key, i.type_id, i.spec,
                                 get_scorer(i.type_id).gold_answer(i.spec, i.gold))
            for i in pack.items]


def test_conll_round_trip(tmp_path):
    data, assets = converters.from_conll(CONLL.splitlines(), "conll-pack", "P1.1")
    pack = write_and_load(tmp_path, data, assets)
    first = pack.items[0]
    assert first.spec["text"] == "张伟在北京工作"
    assert first.gold["spans"] == [{"start": 0, "end": 2, "label": "PER"},
                                   {"start": 3, "end": 5, "label": "LOC"}]
    assert pack.items[1].spec["text"] == "John works at Acme Corp ."
    assert exports.to_conll(gold_answers(pack)) == CONLL


def test_conll_bad_line_is_named():
    with pytest.raises(converters.ConversionError, match="line 2"):
        converters.from_conll(["张 B-PER", "oops"], "x-pack", "P1.1")


def make_label_studio(tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    Image.new("RGB", (200, 100), "white").save(media / "photo.png")
    (media / "clip.wav").write_bytes(b"RIFF0000WAVE")
    tasks = [
        {"id": 1, "data": {"text": "好评！"}, "annotations": [
            {"result": [{"type": "choices", "value": {"choices": ["正面"]}}]}]},
        {"id": 2, "data": {"text": "一般"}, "annotations": [
            {"result": [{"type": "choices", "value": {"choices": ["负面"]}}]},
            {"ground_truth": True, "result": [{"type": "choices", "value": {"choices": ["中性"]}}]}]},
        {"id": 3, "data": {"image": "/data/upload/photo.png"}, "annotations": [{"result": [
            {"type": "rectanglelabels", "original_width": 200, "original_height": 100,
             "value": {"x": 10, "y": 20, "width": 50, "height": 40, "rectanglelabels": ["car"]}}]}]},
        {"id": 4, "data": {"audio": "clip.wav"}, "annotations": [{"result": [
            {"type": "textarea", "value": {"text": ["你好世界"]}}]}]},
    ]
    return tasks, media


def test_label_studio_to_pack_and_back(tmp_path):
    tasks, media = make_label_studio(tmp_path)
    data, assets = converters.from_label_studio(tasks, "ls-pack", "text_classification", "P1.1",
                                                media_root=media)
    by_type = {item["type"]: item for item in data["items"]}
    assert data["items"][1]["gold"] == {"choice": "c0"}  # ground truth wins; 中性 sorts first
    assert by_type["bbox"]["gold"]["boxes"] == [{"x": 20.0, "y": 20.0, "w": 100.0, "h": 40.0,
                                                 "label": "car"}]
    assert by_type["transcription"]["gold"] == {"text": "你好世界"}
    data["items"] = data["items"][:2]  # the classification track takes the choice items
    pack = write_and_load(tmp_path, data, {})
    exported = exports.to_label_studio(gold_answers(pack))
    assert [t["annotations"][0]["result"][0]["value"]["choices"] for t in exported] == [["正面"], ["中性"]]


def test_label_studio_media_must_exist(tmp_path):
    tasks, _media = make_label_studio(tmp_path)
    with pytest.raises(converters.ConversionError, match="needs --media-root"):
        converters.from_label_studio(tasks, "ls-pack", "object_detection", "P1.1")


def test_coco_round_trip(tmp_path):
    Image.new("RGB", (320, 240), "white").save(tmp_path / "a.jpg")
    coco = {"images": [{"id": 7, "file_name": "a.jpg", "width": 320, "height": 240}],
            "annotations": [{"id": 1, "image_id": 7, "bbox": [10, 20, 30, 40], "category_id": 3}],
            "categories": [{"id": 3, "name": "person"}]}
    data, assets = converters.from_coco(coco, "coco-pack", "P1.1", tmp_path)
    pack = write_and_load(tmp_path / "out", data, assets)
    back = exports.to_coco(gold_answers(pack))
    assert back["annotations"][0]["bbox"] == [10, 20, 30, 40]
    assert back["categories"] == [{"id": 1, "name": "person"}]


def test_coco_missing_image_is_named(tmp_path):
    coco = {"images": [{"id": 1, "file_name": "gone.jpg", "width": 1, "height": 1}],
            "annotations": [], "categories": []}
    with pytest.raises(converters.ConversionError, match="gone.jpg"):
        converters.from_coco(coco, "coco-pack", "P1.1", tmp_path)


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
    with app.app_context():
        from sqlalchemy import select

        from talentpool.accounts.service import find_user_by_email
        from talentpool.assessment.models import Item
        from talentpool.extensions import db
        from talentpool.practice.service import submit

        user = find_user_by_email(email)
        for item in db.session.scalars(select(Item)):
            submit(user.id, item, item.gold, None)
    out = tmp_path / "answers.conll"
    result = runner.invoke(args=["exams", "export-answers", "--email", email, "--format", "conll",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == CONLL
    result = runner.invoke(args=["exams", "export-answers", "--email", email, "--format", "coco",
                                 "--out", str(tmp_path / "a.json")])
    assert json.loads((tmp_path / "a.json").read_text())["images"] == []
