"""transcription: 1 − CER after normalisation, computed by hand."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer
from talentpool.scoring.transcription import MAX_TRANSCRIPT_CHARS, normalise

from .examples import make_transcription

scorer = get_scorer("transcription")
SPEC = {"media": "a.ogg", "language": "zh"}


def test_digits_for_words_cost_their_characters() -> None:
    gold = {"text": "今天北京晴，最高气温二十五度。"}
    # normalised gold 今天北京晴最高气温二十五度 has 13 characters;
    # answer …气温25度: two of 二十五 replaced by 2 and 5, one deleted: distance 3, CER 3/13,
    # value 10/13 (which two is a tie between equally short scripts)
    result = scorer.score(SPEC, gold, {"text": "今天北京晴最高气温25度"})
    assert result.value == pytest.approx(10 / 13)
    assert result.feedback["distance"] == 3
    ops = result.feedback["ops"]
    assert ops[0] == {"op": "equal", "gold": "今天北京晴最高气温", "answer": "今天北京晴最高气温"}
    assert sorted((op["op"], len(op["gold"]), len(op["answer"])) for op in ops[1:-1]) == [
        ("delete", 1, 0), ("replace", 2, 2)]
    assert "".join(op["gold"] for op in ops[1:-1]) == "二十五"
    assert "".join(op["answer"] for op in ops[1:-1]) == "25"
    assert ops[-1] == {"op": "equal", "gold": "度", "answer": "度"}


def test_width_case_punctuation_and_spaces_are_normalised() -> None:
    assert normalise("ＨＥＬＬＯ，　Ｗｏｒｌｄ！") == "hello world"
    assert normalise("  今天 北京 ， 晴  ") == "今天北京晴"
    assert normalise("Don't  stop") == "don t stop"
    gold = {"text": "Hello, world!"}
    assert (
        scorer.score(
            {"media": "a", "language": "en"}, gold, {"text": "ＨＥＬＬＯ　ＷＯＲＬＤ"}
        ).value
        == 1.0
    )


def test_percent_signs_are_kept_like_other_symbols() -> None:
    assert normalise("增长１８％，股价上涨6‰。") == "增长18%股价上涨6‰"
    assert normalise("Up 25 %, $3!") == "up 25 % $3"
    # gold 增长18% (5 characters); "增长18" misses the sign: one deletion, value 4/5
    assert scorer.score(SPEC, {"text": "增长18%。"}, {"text": "增长18"}).value == pytest.approx(0.8)


def test_latin_text_is_compared_by_character() -> None:
    # "the cat sat" (11 characters) vs "the cat sit": one replacement → 1 − 1/11
    spec = {"media": "a", "language": "en"}
    assert scorer.score(
        spec, {"text": "The cat sat."}, {"text": "the cat sit"}
    ).value == pytest.approx(10 / 11)


def test_value_is_clipped_at_zero_for_long_wrong_answers() -> None:
    # gold 2 characters, answer 6 unrelated characters: distance 6, CER 3 → value 0
    result = scorer.score(SPEC, {"text": "你好"}, {"text": "abcdef"})
    assert result.value == 0.0
    assert result.feedback["cer"] == 3.0


def test_limits_and_errors_name_the_field() -> None:
    spec, gold = make_transcription()
    with pytest.raises(ScoringError, match=r"^answer\.text: must have at most 10000 characters"):
        scorer.score(spec, gold, {"text": "好" * (MAX_TRANSCRIPT_CHARS + 1)})
    with pytest.raises(
        ScoringError, match=r"^answer\.text: must have at most 10000 characters after"
    ):
        scorer.score(spec, gold, {"text": "\ufdfa" * 1000})  # one character, 18 after NFKC
    with pytest.raises(ScoringError, match=r"^answer\.text: must be a string"):
        scorer.score(spec, gold, {"text": None})
    with pytest.raises(
        ScoringError, match=r"^gold\.text: must contain something other than punctuation"
    ):
        scorer.validate_gold(spec, {"text": "。。。"})
    with pytest.raises(ScoringError, match=r"^spec\.media_type: unknown media type 'video'"):
        scorer.validate_spec({**spec, "media_type": "video"})


def test_lone_surrogates_from_json_are_compared_not_crashed_on() -> None:
    # json.loads accepts "\ud800"; such a character is one more wrong character
    result = scorer.score(SPEC, {"text": "abcd"}, {"text": "a\ud800\ud801d"})
    assert result.value == 0.5  # two replacements of four characters
