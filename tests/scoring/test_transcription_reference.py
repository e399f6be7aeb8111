"""Today's transcription scoring against the implementation it replaced (bit-parallel
Levenshtein in Python integers, a per-character punctuation pass): the same normalised texts,
distance, error rate and score on any input, and a valid shortest edit script."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool.scoring.edit_distance import distance_of, edit_operations
from talentpool.scoring.transcription import SCORER, normalise
from tests.scoring import transcription_reference as reference

# Characters a transcript is made of, with the cases normalisation treats specially: full-width
# forms, CJK and kana, Latin with case, digits, punctuation of several scripts, kept signs.
TRANSCRIPT_CHARS = "今天北京晴最高气温度のカナabcXYZ０１2５ ，。！？、,.;:!?-—…“”()（）%‰\t\n"
transcripts = st.text(alphabet=TRANSCRIPT_CHARS, max_size=60)


def noisy_copy(text: str, rate: float, rng: random.Random) -> str:
    """``text`` with about ``rate`` of its characters deleted, replaced or doubled."""
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate / 3:
            continue
        out.append(rng.choice("数据标注员的了") if roll < 2 * rate / 3 else char)
        if 2 * rate / 3 <= roll < rate:
            out.append(char)
    return "".join(out)


def check_same_score(gold: str, answer: str) -> None:
    spec = {"media": "assets/clip.wav", "language": "zh"}
    if not reference.normalise(gold):
        return
    feedback = SCORER.compute(spec, {"text": gold}, {"text": answer}).feedback
    gold_text, answer_text = reference.normalise(gold), reference.normalise(answer)
    expected = reference.distance_of(reference.edit_operations(gold_text, answer_text))
    assert feedback["gold_normalised"] == gold_text
    assert feedback["answer_normalised"] == answer_text
    assert feedback["distance"] == expected
    assert feedback["cer"] == expected / len(gold_text)
    ops = feedback["ops"]
    assert "".join(op["gold"] for op in ops) == gold_text
    assert "".join(op["answer"] for op in ops) == answer_text
    assert sum(max(len(op["gold"]), len(op["answer"])) for op in ops
               if op["op"] != "equal") == expected


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_normalisation_is_unchanged_on_any_unicode_text(text: str) -> None:
    assert normalise(text) == reference.normalise(text)


@settings(max_examples=300, deadline=None)
@given(gold=transcripts, answer=transcripts)
def test_distance_error_rate_and_script_match_the_previous_scorer(gold: str, answer: str) -> None:
    check_same_score(gold, answer)


@settings(max_examples=300, deadline=None)
@given(source=st.text(alphabet="ab北 ", max_size=40), target=st.text(alphabet="ab北 ", max_size=40))
def test_the_distance_matches_on_small_alphabets_where_ties_abound(source: str,
                                                                   target: str) -> None:
    assert distance_of(edit_operations(source, target)) == reference.levenshtein(source, target)


def test_long_answers_with_realistic_errors_score_as_before() -> None:
    rng = random.Random(2026)
    sentence = "今天北京晴，最高气温二十五度。明天有小雨，出门请带伞！"
    for length in (300, 2000, 6000):
        gold = (sentence * (length // len(sentence) + 1))[:length]
        for rate in (0.0, 0.05, 0.3):
            check_same_score(gold, noisy_copy(gold, rate, rng))
    check_same_score("a" * 900, "b" * 1300)
