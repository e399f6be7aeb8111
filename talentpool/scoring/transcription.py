"""``transcription``: type what is heard (speech) or seen (OCR of an image).

Shapes::

    spec   {"media": "assets/weather-03.ogg", "language": "zh", "media_type": "audio"}
           (media_type "audio" or "image", optional, default "audio")
    gold   {"text": "今天北京晴，最高气温二十五度。"}
    answer {"text": "今天北京晴最高气温25度"}   ("" = nothing typed)

Normalisation, applied to both texts before comparing:

1. Unicode NFKC (full-width letters, digits and punctuation become half-width),
2. case folding,
3. every punctuation character (Unicode category P*) becomes a space, except the
   percent and per-mille signs % ‰ ‱, which Unicode files under punctuation but
   which change what a number says,
4. runs of whitespace collapse to one space, leading and trailing space is dropped,
5. a space next to a CJK character (Han, kana) is dropped, since those scripts
   do not separate words.

Both scripts are compared character by character (Latin too: a misspelt word
costs the characters it gets wrong, not the whole word). Symbols such as % or $
and digits are kept: "25" and "二十五" differ, the item's gold decides.

Score: CER = Levenshtein(answer, gold) / len(gold) on the normalised texts and
value = clip(1 − CER, 0, 1). The normalised gold is never empty. Default
thresholds ``[0.8, 0.95]`` (CER at most 20 % / 5 %).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache, lru_cache
from typing import Any

from talentpool.scoring.base import Score, TaskScorer, clip_unit
from talentpool.scoring.edit_distance import distance_of, edit_operations
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import MAX_PATH_CHARS, expect_member, expect_object, expect_str

MAX_TRANSCRIPT_CHARS = 10_000
MEDIA_TYPES = ("audio", "image")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_WHITESPACE = re.compile(r"\s+")
KEPT_SIGNS = frozenset("%‰‱")
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")


@cache
def _punctuation_to_space() -> dict[int, str]:
    """``str.translate`` table: every punctuation code point (P*) but KEPT_SIGNS → a space.

    Built once per process from the running Python's Unicode database (about 0.3 s)."""
    return {code: " " for code in range(sys.maxunicode + 1)
            if unicodedata.category(chr(code)).startswith("P") and chr(code) not in KEPT_SIGNS}


@lru_cache(maxsize=256)
def normalise(text: str) -> str:
    """The comparison form of a transcript (NFKC, case fold, no punctuation, CJK unspaced).

    Cached: an item's gold text is normalised for every answer to it, and an answer once for
    its validation and once for its score."""
    if not unicodedata.is_normalized("NFKC", text):  # the quick check is far cheaper
        text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    unpunctuated = folded.translate(_punctuation_to_space())
    collapsed = _WHITESPACE.sub(" ", unpunctuated).strip()
    return _SPACE_NEXT_TO_CJK.sub("", collapsed)


class TranscriptionScorer(TaskScorer):
    """value = clip(1 − CER, 0, 1), CER = Levenshtein(answer, gold) / len(gold), normalised."""

    type_id = "transcription"
    default_thresholds = (0.8, 0.95)

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("media", "language"), optional=("media_type",))
        expect_str(spec["media"], "spec.media", min_len=1, max_len=MAX_PATH_CHARS)
        language = expect_str(spec["language"], "spec.language", min_len=2, max_len=35)
        if not _LANGUAGE.fullmatch(language):
            raise ScoringError("spec.language", "must be a language code such as zh or en")
        if "media_type" in spec:
            media_type = expect_str(spec["media_type"], "spec.media_type", max_len=16)
            expect_member(media_type, MEDIA_TYPES, "spec.media_type", "media type")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("text",))
        text = expect_str(gold["text"], "gold.text", min_len=1, max_len=MAX_TRANSCRIPT_CHARS)
        if len(normalise(text)) > MAX_TRANSCRIPT_CHARS:
            raise ScoringError(
                "gold.text",
                f"must have at most {MAX_TRANSCRIPT_CHARS} characters after normalisation",
            )
        if not normalise(text):
            raise ScoringError(
                "gold.text", "must contain something other than punctuation and spaces"
            )

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("text",))
        text = expect_str(answer["text"], "answer.text", max_len=MAX_TRANSCRIPT_CHARS)
        if len(normalise(text)) > MAX_TRANSCRIPT_CHARS:
            raise ScoringError(
                "answer.text",
                f"must have at most {MAX_TRANSCRIPT_CHARS} characters after normalisation",
            )

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"text": ""}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        gold_text = normalise(gold["text"])
        answer_text = normalise(answer["text"])
        ops = edit_operations(gold_text, answer_text)
        distance = distance_of(ops)
        cer = distance / len(gold_text)
        return Score(
            value=clip_unit(1.0 - cer),
            feedback={
                "gold_text": gold["text"],
                "gold_normalised": gold_text,
                "answer_normalised": answer_text,
                "distance": distance,
                "cer": cer,
                "ops": [{"op": op.op, "gold": op.source, "answer": op.target} for op in ops],
            },
        )


SCORER = TranscriptionScorer()
