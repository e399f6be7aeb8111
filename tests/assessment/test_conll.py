"""CoNLL/BIO ⇄ text_spans packs, checked with seqeval (the tool CoNLL users score with)."""

import pytest
from seqeval.metrics import classification_report, f1_score

from talentpool.assessment import conll
from talentpool.assessment.converters import ConversionError
from talentpool.assessment.exports import AnsweredItem
from talentpool.scoring import get_scorer
from tests.formats import gold_answers, load_converted

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
NEWS = """Maria B-PER
moved O
from O
Lisbon B-LOC
, O
Portugal B-LOC
, O
to O
Acme B-ORG
Corp I-ORG
. O

The O
Bank B-ORG
of I-ORG
China I-ORG
opened O
. O
"""


def sentences(text):
    """Token and tag columns of a CoNLL file, one list per sentence; -DOCSTART- lines skipped."""
    blocks = [[line.split() for line in block.splitlines() if not line.startswith("-DOCSTART-")]
              for block in text.split("\n\n")]
    return [block for block in blocks if block]


def tags(text):
    return [[columns[-1] for columns in block] for block in sentences(text)]


def test_conll_round_trip_keeps_tokens_tags_and_item_ids(tmp_path):
    pack = load_converted(tmp_path, conll.from_conll(CONLL.splitlines(), "conll-pack", "P1.1"))
    first = pack.items[0]
    assert first.spec["text"] == "张伟在北京工作"
    assert first.gold["spans"] == [{"start": 0, "end": 2, "label": "PER"},
                                   {"start": 3, "end": 5, "label": "LOC"}]
    assert pack.items[1].spec["text"] == "John works at Acme Corp ."
    exported = conll.to_conll(gold_answers(pack))
    assert exported.startswith("-DOCSTART- -X- conll-0001 O\n\n张 B-PER\n")
    assert "\n-DOCSTART- -X- conll-0002 O\n\nJohn B-PER\n" in exported
    assert sentences(exported) == sentences(CONLL)
    assert f1_score(tags(CONLL), tags(exported)) == 1.0
    again = conll.from_conll(exported.splitlines(), "conll-pack", "P1.1").pack["items"]
    assert [(i["id"], i["spec"], i["gold"]) for i in again] == \
        [(i.key, i.spec, i.gold) for i in pack.items]


def test_an_entity_next_to_punctuation_keeps_its_tag():
    text = "Maria moved from Lisbon, Portugal, to Acme Corp."
    spans = [{"start": 0, "end": 5, "label": "PER"}, {"start": 17, "end": 23, "label": "LOC"},
             {"start": 25, "end": 33, "label": "LOC"}, {"start": 38, "end": 47, "label": "ORG"}]
    answer = AnsweredItem("news-1", "text_spans",
                          {"text": text, "labels": ["LOC", "ORG", "PER"]}, {"spans": spans})
    exported = conll.to_conll([answer])
    assert sentences(exported) == sentences(NEWS)[:1]
    assert f1_score(tags(NEWS)[:1], tags(exported)) == 1.0
    report = classification_report(tags(NEWS)[:1], tags(exported), output_dict=True)
    assert report["LOC"]["support"] == 2 and report["LOC"]["f1-score"] == 1.0


def test_a_span_boundary_inside_a_word_splits_the_token():
    answer = AnsweredItem("x", "text_spans", {"text": "Chinatown", "labels": ["LOC"]},
                          {"spans": [{"start": 0, "end": 5, "label": "LOC"}]})
    assert sentences(conll.to_conll([answer])) == [[["China", "B-LOC"], ["town", "O"]]]


def test_strict_text_spans_matching_is_the_seqeval_entity_f1(tmp_path):
    pack = load_converted(tmp_path, conll.from_conll(NEWS.splitlines(), "news-pack", "P1.1"))
    scorer = get_scorer("text_spans")
    answers = []
    for item in pack.items:
        spans = list(item.gold["spans"])
        spans[-1] = {**spans[-1], "end": spans[-1]["end"] - 5}  # "Acme" / "Bank of": too short
        answers.append(AnsweredItem(item.key, item.type_id, item.spec, {"spans": spans}))
    exported = conll.to_conll(answers)
    for item, answer, gold_tags, answer_tags in zip(pack.items, answers, tags(NEWS),
                                                     tags(exported), strict=True):
        strict = scorer.score({**item.spec, "matching": "strict"}, item.gold, answer.answer)
        partial = scorer.score(item.spec, item.gold, answer.answer)
        assert strict.value == pytest.approx(f1_score([gold_tags], [answer_tags]))
        assert partial.value > strict.value  # the default gives half credit for the boundary


def test_character_level_chinese_joins_digits_and_latin_letters():
    lines = ["2 B-DATE", "0 I-DATE", "2 I-DATE", "3 I-DATE", "年 I-DATE", "G B-ORG", "o I-ORG",
             "o I-ORG", "g I-ORG", "l I-ORG", "e I-ORG", "发 O", "布 O", "", "用 O",
             "Google B-ORG", "Chrome I-ORG", "浏 O", "览 O"]
    items = conll.from_conll(lines, "zh-pack", "P1.1").pack["items"]
    assert items[0]["spec"]["text"] == "2023年Google发布"
    assert items[0]["gold"]["spans"] == [{"start": 0, "end": 5, "label": "DATE"},
                                         {"start": 5, "end": 11, "label": "ORG"}]
    assert items[1]["spec"]["text"] == "用Google Chrome浏览"
    assert items[1]["gold"]["spans"] == [{"start": 1, "end": 14, "label": "ORG"}]


def test_conll_bad_line_is_named():
    with pytest.raises(ConversionError, match="line 2"):
        conll.from_conll(["张 B-PER", "oops"], "x-pack", "P1.1")
