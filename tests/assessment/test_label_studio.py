"""Label Studio tasks ⇄ packs, checked against Label Studio's own labeling-config parser."""

import copy

import pytest
from label_studio_sdk.label_interface import LabelInterface
from PIL import Image

from talentpool.assessment import label_studio
from talentpool.assessment.converters import ConversionError
from tests.formats import gold_answers, load_converted

PROJECT_CONFIG = """<View>
  <Image name="photo" value="$image"/>
  <RectangleLabels name="vehicles" toName="photo">
    <Label value="car"/><Label value="bus"/>
  </RectangleLabels>
  <Choices name="weather" toName="photo" choice="single">
    <Choice value="sunny"/><Choice value="rainy"/>
  </Choices>
  <Text name="caption" value="$caption"/>
  <Labels name="entities" toName="caption">
    <Label value="PER"/><Label value="LOC"/>
  </Labels>
  <Choices name="quality" toName="caption" choice="single">
    <Choice value="good"/><Choice value="bad"/>
  </Choices>
</View>"""


def region(rid, kind, from_name, to_name, value, **extra):
    return {"id": rid, "type": kind, "from_name": from_name, "to_name": to_name,
            "value": value, "origin": "manual", **extra}


def box(rid, x, y, w, h, label, **value):
    return region(rid, "rectanglelabels", "vehicles", "photo",
                  {"x": x, "y": y, "width": w, "height": h, "rotation": 0,
                   "rectanglelabels": [label], **value},
                  original_width=200, original_height=100, image_rotation=0)


def make_project(tmp_path):
    """A small export of a project that uses every control of PROJECT_CONFIG on each task."""
    media = tmp_path / "media"
    media.mkdir()
    for name in ("a1b2-street.png", "c3d4-road.png"):
        Image.new("RGB", (200, 100), "white").save(media / name)
    tasks = [
        {"id": 101, "data": {"image": "/data/upload/3/a1b2-street.png",
                             "caption": "Alice drove to Paris."},
         "annotations": [
             {"id": 1, "was_cancelled": True, "result": []},
             {"id": 2, "was_cancelled": False, "ground_truth": False, "result": [
                 box("r1", 10, 20, 50, 40, "car"),
                 region("r2", "choices", "weather", "photo", {"choices": ["sunny"]}),
                 region("r3", "labels", "entities", "caption",
                        {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}),
                 region("r4", "labels", "entities", "caption",
                        {"start": 15, "end": 20, "text": "Paris", "labels": ["LOC"]}),
                 region("r5", "choices", "quality", "caption", {"choices": ["good"]})]}]},
        {"id": 102, "data": {"image": "/data/upload/3/c3d4-road.png", "caption": "Bob waited."},
         "annotations": [{"id": 3, "ground_truth": True, "result": [
             box("r6", 5, 5, 30, 30, "bus"),
             region("r7", "choices", "weather", "photo", {"choices": ["rainy"]}),
             region("r8", "labels", "entities", "caption",
                    {"start": 0, "end": 3, "text": "Bob", "labels": ["PER"]}),
             region("r9", "choices", "quality", "caption", {"choices": ["bad"]})]}]},
        {"id": 103, "data": {"image": "/data/upload/3/c3d4-road.png", "caption": "Skipped."},
         "annotations": [{"id": 4, "was_cancelled": True, "result": []}]},
    ]
    return tasks, media


def assert_accepted(config, task):
    """The project's config finds its data in the task and accepts every region."""
    # validate_task() of label-studio-sdk 2.1 cannot check annotations (it calls
    # validate_annotation() without one), so the data and the regions are checked apart
    assert config.validate_task({"data": task["data"]})
    assert config.validate_prediction(task["annotations"][0], return_errors=True) == []


def convert(tasks, media):
    return label_studio.from_label_studio(tasks, "ls-pack", "object_detection", "P1.1",
                                          media_root=media)


def test_cancelled_annotations_are_skipped_and_counted(tmp_path):
    tasks, media = make_project(tmp_path)
    conversion = convert(tasks, media)
    assert conversion.notes[0] == ("skipped 2 cancelled annotation(s); 1 task(s) had no other "
                                   "annotation and were left out")
    assert {item["source"]["task"] for item in conversion.pack["items"]} == {101, 102}


def test_each_control_becomes_an_item_with_its_own_options(tmp_path):
    tasks, media = make_project(tmp_path)
    items = {(i["source"]["task"], i["source"]["from_name"]): i
             for i in convert(tasks, media).pack["items"]}
    assert len(items) == 8
    car = items[(101, "vehicles")]
    assert car["type"] == "bbox" and car["gold"]["boxes"] == [
        {"x": 20.0, "y": 20.0, "w": 100.0, "h": 40.0, "label": "car"}]
    assert car["spec"]["labels"] == ["bus", "car"]
    weather, quality = items[(101, "weather")], items[(101, "quality")]
    assert [o["text"]["en"] for o in weather["spec"]["options"]] == ["rainy", "sunny"]
    assert [o["text"]["en"] for o in quality["spec"]["options"]] == ["bad", "good"]
    assert weather["spec"]["image"] == car["spec"]["image"] and "text" not in weather["spec"]
    assert quality["spec"]["text"] == "Alice drove to Paris."
    assert items[(101, "entities")]["gold"]["spans"] == [
        {"start": 0, "end": 5, "label": "PER"}, {"start": 15, "end": 20, "label": "LOC"}]
    assert "a1b2-street" not in str(car["spec"])  # the URL stays out of what trainees receive


def test_a_rotated_box_is_refused_naming_the_task(tmp_path):
    tasks, media = make_project(tmp_path)
    tasks[1]["annotations"][0]["result"][0]["value"]["rotation"] = 15
    with pytest.raises(ConversionError, match=r"task 102: box r6 of vehicles is rotated by 15"):
        convert(tasks, media)


def test_the_export_imports_into_the_source_project(tmp_path):
    tasks, media = make_project(tmp_path)
    conversion = convert(tasks, media)
    answers = []
    for types in (("bbox",), ("single_choice", "multi_choice"), ("text_spans",)):
        answers += gold_answers(load_converted(tmp_path, conversion, types))
    exported = label_studio.to_label_studio(answers)
    project = LabelInterface(PROJECT_CONFIG)
    assert [t["id"] for t in exported] == [101, 102]
    for task, source in zip(exported, tasks[:2], strict=True):
        assert task["data"] == source["data"]
        assert_accepted(project, task)
        annotation = task["annotations"][0]
        ids = [r["id"] for r in annotation["result"]]
        assert len(set(ids)) == len(ids) and all(ids)
        gold = next(a for a in source["annotations"] if not a.get("was_cancelled"))["result"]
        assert sorted(map(comparable, annotation["result"])) == sorted(map(comparable, gold))


def comparable(result):
    value = {k: round(float(v), 6) if isinstance(v, (int, float)) else v
             for k, v in result["value"].items()}
    return repr((result["type"], result["from_name"], result["to_name"], sorted(value.items())))


def test_the_written_labeling_config_accepts_the_export(tmp_path):
    tasks, media = make_project(tmp_path)
    conversion = convert(tasks, media)
    answers = gold_answers(load_converted(tmp_path, conversion, ("text_spans",)))
    answers += gold_answers(load_converted(tmp_path, conversion, ("bbox",)))
    config = LabelInterface(label_studio.label_config(answers))
    config.validate()
    assert {(c.name, c.tag) for c in config.controls} == {("entities", "Labels"),
                                                          ("vehicles", "RectangleLabels")}
    for task in label_studio.to_label_studio(answers):
        assert_accepted(config, task)


def test_items_without_a_source_export_with_a_config_of_their_own(tmp_path):
    tasks, media = make_project(tmp_path)
    answers = gold_answers(load_converted(tmp_path, convert(tasks, media), ("single_choice",)))
    plain = [type(a)(a.key, a.type_id, copy.deepcopy(a.spec), a.answer) for a in answers]
    exported = label_studio.to_label_studio(answers + plain)
    assert [t["id"] for t in exported] == [101, 102, 103, 104, 105, 106]
    config = LabelInterface(label_studio.label_config(answers + plain))
    config.validate()
    for task in exported[2:]:
        assert set(task["data"]) in ({"item", "image"}, {"item", "text"})
        assert config.validate_prediction(task["annotations"][0], return_errors=True) == []


def test_label_studio_media_must_exist(tmp_path):
    tasks, _media = make_project(tmp_path)
    with pytest.raises(ConversionError, match="needs --media-root"):
        label_studio.from_label_studio(tasks, "ls-pack", "object_detection", "P1.1")
