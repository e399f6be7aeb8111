"""Helpers for the format tests: write a converted pack, load it, answer it with its gold."""

from __future__ import annotations

import copy

import yaml

from talentpool.assessment.exports import AnsweredItem
from talentpool.assessment.packs import load_elements, load_pack
from talentpool.scoring import get_scorer
from tests.packs import TRACK_OF_TYPE, make_elements


def load_converted(tmp_path, conversion, types=None):
    """Write the conversion (only items of ``types``) as a pack, load and validate it."""
    data = copy.deepcopy(conversion.pack)
    if types:
        data["items"] = [item for item in data["items"] if item["type"] in types]
        data["track"] = TRACK_OF_TYPE[data["items"][0]["type"]]
    folder = tmp_path / f"{data['id']}-{data['track']}"
    folder.mkdir(parents=True)
    for relative, origin in conversion.assets.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(origin.read_bytes())
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    elements, _ = load_elements(make_elements(tmp_path / "elements"))
    pack, problems = load_pack(folder, elements)
    assert problems == []
    return pack


def gold_answers(pack):
    """Every item of the pack answered with its gold answer."""
    return [AnsweredItem(i.key, i.type_id, i.spec,
                         get_scorer(i.type_id).gold_answer(i.spec, i.gold), i.source)
            for i in pack.items]
