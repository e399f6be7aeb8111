"""``text_spans``: mark entity spans in a text and give each a type (NER, slot filling).

Offsets count Unicode code points (one per Chinese character), ``end`` is exclusive::

    spec   {"text": "张伟在北京大学工作。", "labels": ["PER", "ORG", "LOC"],
            "matching": "partial"}                  (matching optional: partial or strict)
    gold   {"spans": [{"start": 0, "end": 2, "label": "PER"},
                      {"start": 3, "end": 7, "label": "ORG"}]}
    answer {"spans": [...]}   ([] = nothing marked)

Score: entity-level F1 with one-to-one matching.

* credit(a, g) = 1 if a and g have the same start, end and label (exact match);
  0.5 if they have the same label and overlap by at least one character
  (boundary error); 0 otherwise (a wrong type never earns credit). With
  ``"matching": "strict"`` a boundary error earns 0: the value is then the
  CoNLL entity F1 (what ``seqeval`` reports for the item).
* Answer and gold spans are paired one-to-one to maximise the total credit
  (Hungarian algorithm); TP = sum of the credits of the pairs.
* value = F1 = 2·TP / (|answer| + |gold|). With no gold spans an empty answer
  scores 1 and any span scores 0.

Default thresholds ``[0.5, 0.9]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from talentpool.scoring.base import Score, TaskScorer, f1_from_counts
from talentpool.scoring.validation import (
    expect_distinct,
    expect_int,
    expect_labels,
    expect_list,
    expect_member,
    expect_object,
    expect_str,
)

MAX_TEXT_CHARS = 20_000
MAX_SPANS = 500
PARTIAL_CREDIT = 0.5
MATCHING = ("partial", "strict")

Span = tuple[int, int, str]


def validate_span_list(
    spec: dict[str, Any], value: Any, path: str, *, with_ids: bool = False
) -> None:
    """Check a list of spans against an already validated spec."""
    spans = expect_list(value, path, max_len=MAX_SPANS)
    text_length = len(spec["text"])
    labels = spec["labels"]
    keys: list[Span] = []
    for index, span in enumerate(spans):
        span_path = f"{path}[{index}]"
        required = ("id", "start", "end", "label") if with_ids else ("start", "end", "label")
        expect_object(span, span_path, required=required)
        start = expect_int(span["start"], f"{span_path}.start", low=0, high=text_length - 1)
        end = expect_int(span["end"], f"{span_path}.end", low=start + 1, high=text_length)
        label = expect_str(span["label"], f"{span_path}.label", min_len=1, max_len=64)
        expect_member(label, labels, f"{span_path}.label", "label")
        keys.append((start, end, label))
    expect_distinct(keys, path, "span")


def _as_keys(spans: list[dict[str, Any]]) -> list[Span]:
    return [(span["start"], span["end"], span["label"]) for span in spans]


def _describe(span: Span, text: str) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "label": span[2], "text": text[span[0] : span[1]]}


def _columns(spans: list[Span], label_index: dict[str, int]) -> tuple[np.ndarray, ...]:
    starts = np.array([span[0] for span in spans])
    ends = np.array([span[1] for span in spans])
    labels = np.array([label_index[span[2]] for span in spans])
    return starts, ends, labels


def match_spans(
    answer: list[Span], gold: list[Span], partial_credit: float = PARTIAL_CREDIT
) -> list[tuple[int, int, float]]:
    """Pairs (answer index, gold index, credit) of a maximum-credit one-to-one matching.

    credit = 1 for the same (start, end, label), ``partial_credit`` (0.5) for the same label
    and at least one shared character, else 0; pairs with credit 0 are dropped.
    """
    if not answer or not gold:
        return []
    label_index = {label: i for i, label in enumerate({span[2] for span in answer + gold})}
    a_start, a_end, a_label = _columns(answer, label_index)
    g_start, g_end, g_label = _columns(gold, label_index)
    same_label = a_label[:, None] == g_label[None, :]
    exact = same_label & (a_start[:, None] == g_start[None, :]) & (a_end[:, None] == g_end[None, :])
    overlap = same_label & (a_start[:, None] < g_end[None, :]) & (g_start[None, :] < a_end[:, None])
    credit = np.where(exact, 1.0, np.where(overlap, partial_credit, 0.0))
    rows, cols = linear_sum_assignment(credit, maximize=True)
    return [
        (int(r), int(c), float(credit[r, c]))
        for r, c in zip(rows, cols, strict=True)
        if credit[r, c] > 0
    ]


class TextSpansScorer(TaskScorer):
    """Entity-level F1 = 2·TP / (|answer| + |gold|); exact span = 1 TP, same-label overlap = 0.5
    (0 with ``"matching": "strict"``, the CoNLL entity F1)."""

    type_id = "text_spans"
    empty_can_be_right = True
    default_thresholds = (0.5, 0.9)

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("text", "labels"), optional=("matching",))
        expect_str(spec["text"], "spec.text", min_len=1, max_len=MAX_TEXT_CHARS)
        expect_labels(spec["labels"], "spec.labels")
        if "matching" in spec:
            matching = expect_str(spec["matching"], "spec.matching", max_len=16)
            expect_member(matching, MATCHING, "spec.matching", "matching")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("spans",))
        validate_span_list(spec, gold["spans"], "gold.spans")

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("spans",))
        validate_span_list(spec, answer["spans"], "answer.spans")

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"spans": []}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        text = spec["text"]
        answer_spans = sorted(_as_keys(answer["spans"]))
        gold_spans = sorted(_as_keys(gold["spans"]))
        strict = spec.get("matching") == "strict"
        pairs = match_spans(answer_spans, gold_spans, 0.0 if strict else PARTIAL_CREDIT)
        true_positive = sum(credit for _, _, credit in pairs)
        matched_answers = {a for a, _, _ in pairs}
        matched_golds = {g for _, g, _ in pairs}
        value = f1_from_counts(true_positive, len(answer_spans), len(gold_spans))
        precision = true_positive / len(answer_spans) if answer_spans else float(not gold_spans)
        recall = true_positive / len(gold_spans) if gold_spans else 1.0
        return Score(
            value=value,
            feedback={
                "correct": [_describe(answer_spans[a], text) for a, _, c in pairs if c == 1.0],
                "partial": [
                    {
                        "answer": _describe(answer_spans[a], text),
                        "gold": _describe(gold_spans[g], text),
                        "credit": c,
                    }
                    for a, g, c in pairs
                    if c < 1.0
                ],
                "missing": [
                    _describe(span, text)
                    for i, span in enumerate(gold_spans)
                    if i not in matched_golds
                ],
                "spurious": [
                    _describe(span, text)
                    for i, span in enumerate(answer_spans)
                    if i not in matched_answers
                ],
                "true_positive": true_positive,
                "precision": precision,
                "recall": recall,
                "f1": value,
            },
        )


SCORER = TextSpansScorer()
