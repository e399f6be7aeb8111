"""COCO ⇄ bbox packs, scored back with pycocotools' own COCOeval."""

import contextlib
import io
import json

import pytest
from PIL import Image
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from talentpool.assessment import coco
from talentpool.assessment.converters import ConversionError
from tests.formats import gold_answers, load_converted


def make_coco(tmp_path):
    """Three images: a box 0.05 px over the edge, a crowd region, a box 20 px outside."""
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        Image.new("RGB", (320, 240), "white").save(tmp_path / name)
    data = {
        "images": [{"id": 7, "file_name": "a.jpg", "width": 320, "height": 240},
                   {"id": 12, "file_name": "b.jpg", "width": 320, "height": 240},
                   {"id": 13, "file_name": "c.jpg", "width": 320, "height": 240}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 3, "bbox": [10, 20, 30, 40], "area": 1200,
             "iscrowd": 0},
            {"id": 2, "image_id": 7, "category_id": 18, "bbox": [300, 100, 20.05, 50],
             "area": 1002.5, "iscrowd": 0},
            {"id": 3, "image_id": 12, "category_id": 18, "bbox": [5, 5, 50, 60], "area": 3000,
             "iscrowd": 0},
            {"id": 4, "image_id": 12, "category_id": 3, "bbox": [150, 50, 100, 100],
             "area": 10000, "iscrowd": 1},
            {"id": 5, "image_id": 13, "category_id": 3, "bbox": [300, 10, 40, 40], "area": 1600,
             "iscrowd": 0}],
        "categories": [{"id": 3, "name": "person"}, {"id": 18, "name": "dog"}],
    }
    path = tmp_path / "instances.json"
    path.write_text(json.dumps(data))
    return data, path


def quiet(call, *args):
    """pycocotools prints progress; keep the test output clean."""
    with contextlib.redirect_stdout(io.StringIO()):
        return call(*args)


def test_gold_answers_score_perfectly_in_cocoeval_against_the_source_file(tmp_path):
    data, path = make_coco(tmp_path)
    pack = load_converted(tmp_path, coco.from_coco(data, "coco-pack", "P1.1", tmp_path))
    results = coco.to_coco_results(gold_answers(pack))
    assert all(set(r) == {"image_id", "category_id", "bbox", "score"} for r in results)
    truth = quiet(COCO, str(path))
    evaluation = COCOeval(truth, quiet(truth.loadRes, results), "bbox")
    evaluation.params.imgIds = [7, 12]  # image 13 was left out of the pack
    quiet(evaluation.evaluate)
    quiet(evaluation.accumulate)
    quiet(evaluation.summarize)
    assert evaluation.stats[0] == pytest.approx(1.0)  # AP at IoU .50:.95


def test_the_export_keeps_image_ids_file_names_and_category_ids(tmp_path):
    data, _path = make_coco(tmp_path)
    pack = load_converted(tmp_path, coco.from_coco(data, "coco-pack", "P1.1", tmp_path))
    exported = COCO()
    exported.dataset = coco.to_coco(gold_answers(pack))
    quiet(exported.createIndex)
    assert {i: (img["file_name"], img["width"]) for i, img in exported.imgs.items()} == {
        7: ("a.jpg", 320), 12: ("b.jpg", 320)}
    assert exported.cats == {3: {"id": 3, "name": "person"}, 18: {"id": 18, "name": "dog"}}
    assert sorted((a["image_id"], a["category_id"]) for a in exported.anns.values()) == [
        (7, 3), (7, 18), (12, 18)]
    assert "a.jpg" not in json.dumps(pack.items[0].spec)  # file names can give labels away


def test_a_box_just_over_the_edge_is_clipped_and_one_far_out_leaves_its_image_out(tmp_path):
    data, _path = make_coco(tmp_path)
    conversion = coco.from_coco(data, "coco-pack", "P1.1", tmp_path)
    items = {item["id"]: item for item in conversion.pack["items"]}
    assert set(items) == {"coco-7", "coco-12"}
    assert items["coco-7"]["gold"]["boxes"][1] == {"x": 300, "y": 100, "w": 20, "h": 50,
                                                   "label": "dog"}
    assert any("image 7 (a.jpg): annotation 2 clipped" in note for note in conversion.notes)
    assert any(note.startswith("image 13 (c.jpg): annotation 5 lies 20.00 px outside")
               for note in conversion.notes)


def test_crowd_regions_are_left_out_of_the_gold_and_flagged(tmp_path):
    data, _path = make_coco(tmp_path)
    conversion = coco.from_coco(data, "coco-pack", "P1.1", tmp_path)
    crowded = next(i for i in conversion.pack["items"] if i["id"] == "coco-12")
    assert crowded["gold"]["boxes"] == [{"x": 5, "y": 5, "w": 50, "h": 60, "label": "dog"}]
    assert coco.CROWD_TAG in crowded["tags"]
    assert any("image 12 (b.jpg): 1 crowd region(s)" in note for note in conversion.notes)


def test_a_malformed_box_is_named(tmp_path):
    data, _path = make_coco(tmp_path)
    data["annotations"][2]["bbox"] = [5, 5, 50]
    with pytest.raises(ConversionError, match=r"image 12 \(b.jpg\): annotation 3: bbox must"):
        coco.from_coco(data, "coco-pack", "P1.1", tmp_path)


def test_coco_missing_image_is_named(tmp_path):
    data = {"images": [{"id": 1, "file_name": "gone.jpg", "width": 1, "height": 1}],
            "annotations": [], "categories": []}
    with pytest.raises(ConversionError, match="gone.jpg"):
        coco.from_coco(data, "coco-pack", "P1.1", tmp_path)
