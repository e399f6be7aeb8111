"""Pack validation: every problem reported with its file and item; hostile packs refused."""

import os
import zipfile

import pytest
import yaml

from talentpool.assessment.packs import load_elements, load_pack, validate_tree
from talentpool.assessment.packzip import UnsafeArchive, safe_extract
from tests.packs import make_elements, make_item, make_pack


def load(folder):
    elements, _ = load_elements(folder.parent / "elements.yaml")
    return load_pack(folder, elements)


def messages(problems):
    return [str(p) for p in problems]


def test_valid_pack_loads(tmp_path):
    pack, problems = load(make_pack(tmp_path))
    assert problems == []
    assert pack.id == "test-pack" and len(pack.items) == 3
    assert pack.items[0].thresholds == (1.0,)


def test_every_type_loads_with_its_assets(tmp_path):
    for type_id in ("bbox", "transcription", "text_spans", "ranking", "cot_steps", "review"):
        pack, problems = load(make_pack(tmp_path / type_id, f"pack-{type_id.replace('_', '-')}",
                                        items=[make_item(type_id, "a1")]))
        assert problems == [], type_id
    assert load(make_pack(tmp_path / "b", "pack-b", items=[make_item("bbox", "a")]))[0].assets == (
        "assets/scene-1.png",)


def test_rubric_tasks_load_as_exam_items_only(tmp_path):
    """Raters score them, so they have marking notes instead of a gold answer and are never
    practised; they belong to the written-work track."""
    pack, problems = load(make_pack(tmp_path / "ok", "written", items=[
        make_item("rubric", "w1", use="exam")]))
    assert problems == [] and pack.items[0].thresholds == (0.6,)
    _pack, problems = load(make_pack(tmp_path / "practice", "written", items=[
        make_item("rubric", "w1")]))
    assert [p.message for p in problems] == [
        "use: a rubric task is scored by raters, so it is exam only"]
    _pack, problems = load(make_pack(tmp_path / "track", "written", track="theory", items=[
        make_item("rubric", "w1", use="exam")]))
    assert any("rubric is not used in track theory" in p.message for p in problems)


def test_all_problems_are_reported_with_file_and_item(tmp_path):
    items = [
        make_item("single_choice", "ok1"),
        make_item("single_choice", "bad-expl", explanation={"zh": "解析", "en": ""}),
        make_item("single_choice", "bad-field", colour="red"),
        make_item("single_choice", "ok1"),
        make_item("single_choice", "bad-gold", gold={"choice": "nope"}),
        make_item("single_choice", "bad-element", element="Z9"),
        make_item("ranking", "wrong-track"),
        make_item("single_choice", "bad-thresholds", thresholds=[0.9, 0.5]),
    ]
    _, problems = load(make_pack(tmp_path, items=items, track="text_classification"))
    text = "\n".join(messages(problems))
    assert "test-pack/pack.yaml [bad-expl]: explanation: needs a non-empty en text" in text
    assert "[bad-field]: colour: unknown field" in text
    assert "[ok1]: id: used twice in this pack" in text
    assert "[bad-gold]: gold.choice" in text
    assert "[bad-element]: element: 'Z9' is not in elements.yaml" in text
    assert "[wrong-track]: type: ranking is not used in track text_classification" in text
    assert "[bad-thresholds]: thresholds" in text
    assert len(problems) == 7


def test_header_problems(tmp_path):
    folder = make_pack(tmp_path)
    data = yaml.safe_load((folder / "pack.yaml").read_text())
    data.update(id="Bad ID", version=0, track="cooking", levels=[7], licence="")
    (folder / "pack.yaml").write_text(yaml.safe_dump(data))
    text = "\n".join(messages(load(folder)[1]))
    for field in ("id:", "version:", "track:", "levels:", "licence:"):
        assert field in text


def test_invalid_yaml_and_python_tags_are_refused(tmp_path):
    folder = make_pack(tmp_path)
    (folder / "pack.yaml").write_text("id: x\nitems: !!python/object/apply:os.system ['true']\n")
    assert "not valid YAML" in messages(load(folder)[1])[0]


@pytest.mark.parametrize("ref", ["assets/../../secret.png", "/etc/passwd.png", "assets/missing.png",
                                 "assets/script.sh"])
def test_bad_asset_references(tmp_path, ref):
    item = make_item("bbox", "b1")
    item["spec"]["image"] = ref
    _, problems = load(make_pack(tmp_path, items=[item]))
    assert problems and all("[b1]" in m for m in messages(problems))


def test_symlinked_asset_is_refused(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"x")
    folder = make_pack(tmp_path, items=[make_item("bbox", "b1")])
    os.remove(folder / "assets" / "scene-1.png")
    os.symlink(outside, folder / "assets" / "scene-1.png")
    assert "symbolic link" in "\n".join(messages(load(folder)[1]))


def test_bbox_size_must_match_the_image(tmp_path):
    item = make_item("bbox", "b1")
    item["spec"]["width"] = 800
    assert "do not match the image" in "\n".join(messages(load(make_pack(tmp_path, items=[item]))[1]))


def test_pixel_flood_image_is_refused_from_its_header(tmp_path):
    from PIL import Image

    folder = make_pack(tmp_path, items=[make_item("bbox", "b1")])
    Image.new("1", (5000, 4000)).save(folder / "assets" / "scene-1.png")
    assert "at most 4096" in "\n".join(messages(load(folder)[1]))


def test_duplicate_pack_ids_in_a_tree(tmp_path):
    make_pack(tmp_path, "same-id")
    other = make_pack(tmp_path / "x", "same-id")
    other.rename(tmp_path / "copy")
    _, problems = validate_tree(tmp_path, make_elements(tmp_path))
    assert "also used by" in "\n".join(messages(problems))


def zip_folder(folder, target, extra=None):
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in folder.rglob("*"):
            bundle.write(path, path.relative_to(folder.parent))
        for name, data in (extra or {}).items():
            bundle.writestr(name, data)
    return target


def test_zip_pack_extracts_to_its_folder(tmp_path):
    archive = zip_folder(make_pack(tmp_path / "src"), tmp_path / "p.zip")
    root = safe_extract(archive, tmp_path / "out")
    assert (root / "pack.yaml").exists()


@pytest.mark.parametrize("name, data, reason", [
    ("../evil.txt", b"x", "leaves the pack"),
    ("/abs.txt", b"x", "leaves the pack"),
    ("bomb.bin", b"\0" * 5_000_000, "compressed more than"),
])
def test_hostile_zip_entries_are_refused(tmp_path, name, data, reason):
    archive = zip_folder(make_pack(tmp_path / "src"), tmp_path / "p.zip", {name: data})
    with pytest.raises(UnsafeArchive, match=reason):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_zip_entry_is_refused(tmp_path):
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        info = zipfile.ZipInfo("pack/link")
        info.external_attr = (0o120777 << 16)
        bundle.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        safe_extract(archive, tmp_path / "out")


def test_not_a_zip(tmp_path):
    bogus = tmp_path / "p.zip"
    bogus.write_text("hello")
    with pytest.raises(UnsafeArchive, match="not a zip"):
        safe_extract(bogus, tmp_path / "out")


def test_box_label_names_are_checked_by_the_validator(tmp_path):
    from tests.scoring.examples import BOX_LABEL_NAMES

    def named(key, names):
        item = make_item("bbox", key)
        item["spec"]["label_names"] = names
        return item

    pack, problems = load(make_pack(tmp_path / "ok", "named", items=[
        named("b1", BOX_LABEL_NAMES), make_item("bbox", "b2")]))
    assert problems == []
    assert pack.items[0].spec["label_names"]["person"] == {"zh": "行人", "en": "pedestrian"}
    assert "label_names" not in pack.items[1].spec  # optional: pages show the ids
    _pack, problems = load(make_pack(tmp_path / "bad", "named", items=[
        named("unknown", {**BOX_LABEL_NAMES, "truck": {"zh": "卡车", "en": "truck"}}),
        named("partial", {"car": BOX_LABEL_NAMES["car"]}),
        named("one-language", {**BOX_LABEL_NAMES, "bicycle": {"zh": "自行车"}}),
        named("not-a-map", "汽车, 行人, 自行车"),
    ]))
    assert messages(problems) == [
        "named/pack.yaml [unknown]: spec.label_names.truck: is not one of the labels "
        "(car, person, bicycle)",
        "named/pack.yaml [partial]: spec.label_names: has no name for the label 'person': name "
        "every label, or leave label_names out to show the ids",
        "named/pack.yaml [one-language]: spec.label_names.bicycle.en: is required",
        "named/pack.yaml [not-a-map]: spec.label_names: must be an object of label → "
        '{"zh": …, "en": …}',
    ]
