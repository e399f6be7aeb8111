"""``ranking``: order model responses from best to worst (preference labeling for LLMs).

Shapes::

    spec   {"prompt": "optional prompt the responses answer",
            "responses": [{"id": "r1", "text": "..."}, {"id": "r2", "text": "..."}, ...]}
    gold   {"order": ["r2", "r1", "r3"]}        (best first, a permutation of the ids)
    answer {"order": ["r1", "r2", "r3"]}   or  {"order": null}  (no ranking submitted)

Score: Kendall τ between the gold and the answer ranks (``scipy.stats.kendalltau``;
with no ties τ = (concordant − discordant pairs) / (n(n−1)/2)), mapped to [0, 1]
by value = (τ + 1) / 2, which equals the share of response pairs the answer puts
in the gold order. ``{"order": null}`` scores 0. Two responses make a pairwise
preference item (value 0 or 1). Default thresholds ``[0.75, 1.0]``.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from scipy.stats import kendalltau

from talentpool.scoring.base import Score, TaskScorer, clip_unit
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    expect_distinct,
    expect_id,
    expect_list,
    expect_localised_text,
    expect_member,
    expect_object,
)

MAX_RESPONSES = 20


def _response_ids(spec: dict[str, Any]) -> list[str]:
    return [response["id"] for response in spec["responses"]]


def _check_order(spec: dict[str, Any], value: Any, path: str) -> None:
    ids = _response_ids(spec)
    order = expect_list(value, path, max_len=len(ids))
    for index, response_id in enumerate(order):
        expect_member(
            expect_id(response_id, f"{path}[{index}]"), ids, f"{path}[{index}]", "response"
        )
    expect_distinct(order, path, "response")
    if len(order) != len(ids):
        missing = [response_id for response_id in ids if response_id not in order]
        raise ScoringError(path, f"must rank every response; missing {', '.join(missing)}")


class RankingScorer(TaskScorer):
    """value = (τ + 1) / 2 with Kendall τ of answer vs gold ranks = share of pairs in gold order."""

    type_id = "ranking"
    default_thresholds = (0.75, 1.0)

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("responses",), optional=("prompt",))
        responses = expect_list(
            spec["responses"], "spec.responses", min_len=2, max_len=MAX_RESPONSES
        )
        for index, response in enumerate(responses):
            path = f"spec.responses[{index}]"
            expect_object(response, path, required=("id", "text"))
            expect_id(response["id"], f"{path}.id")
            expect_localised_text(response["text"], f"{path}.text")
        expect_distinct(_response_ids(spec), "spec.responses", "response id")
        if "prompt" in spec:
            expect_localised_text(spec["prompt"], "spec.prompt")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("order",))
        _check_order(spec, gold["order"], "gold.order")

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("order",))
        if answer["order"] is not None:
            _check_order(spec, answer["order"], "answer.order")

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"order": None}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        gold_order: list[str] = gold["order"]
        gold_pairs = list(combinations(gold_order, 2))
        if answer["order"] is None:
            return Score(
                value=0.0,
                feedback={
                    "gold_order": gold_order,
                    "answer_order": None,
                    "kendall_tau": None,
                    "pairs": [{"better": b, "worse": w, "agreed": False} for b, w in gold_pairs],
                },
            )
        answer_rank = {response_id: rank for rank, response_id in enumerate(answer["order"])}
        gold_ranks = list(range(len(gold_order)))
        answer_ranks = [answer_rank[response_id] for response_id in gold_order]
        tau = float(kendalltau(gold_ranks, answer_ranks).statistic)
        pairs = [
            {"better": better, "worse": worse, "agreed": answer_rank[better] < answer_rank[worse]}
            for better, worse in gold_pairs
        ]
        return Score(
            value=clip_unit((tau + 1.0) / 2.0),
            feedback={
                "gold_order": gold_order,
                "answer_order": answer["order"],
                "kendall_tau": tau,
                "pairs": pairs,
                "pairs_agreed": sum(pair["agreed"] for pair in pairs),
                "pairs_total": len(pairs),
            },
        )


SCORER = RankingScorer()
