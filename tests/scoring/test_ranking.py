"""ranking: (Kendall τ + 1) / 2 and pairwise agreement, computed by hand."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_ranking

scorer = get_scorer("ranking")


def test_one_swapped_pair() -> None:
    spec, gold = make_ranking()  # gold r4 > r1 > r3 > r2
    # answer swaps r4 and r1: 5 of 6 pairs concordant, τ = (5 − 1) / 6 = 2/3, value = 5/6
    result = scorer.score(spec, gold, {"order": ["r1", "r4", "r3", "r2"]})
    assert result.value == pytest.approx(5 / 6)
    assert result.feedback["kendall_tau"] == pytest.approx(2 / 3)
    assert result.feedback["pairs_agreed"] == 5 and result.feedback["pairs_total"] == 6
    assert result.feedback["pairs"][0] == {"better": "r4", "worse": "r1", "agreed": False}
    assert result.feedback["gold_order"] == ["r4", "r1", "r3", "r2"]


def test_reversed_order_scores_zero_and_half_is_random_level() -> None:
    spec, gold = make_ranking()
    assert scorer.score(spec, gold, {"order": ["r2", "r3", "r1", "r4"]}).value == 0.0
    # r3 r2 r4 r1: concordant pairs (r4,r1) (r3,r2) and (r1,... none) → count by hand:
    # gold pairs: r4>r1 ✓, r4>r3 ✗, r4>r2 ✗, r1>r3 ✗, r1>r2 ✗, r3>r2 ✓ → 2 of 6, τ = −1/3, value 1/3
    assert scorer.score(spec, gold, {"order": ["r3", "r2", "r4", "r1"]}).value == pytest.approx(
        1 / 3
    )


def test_pairwise_preference_is_a_two_response_ranking() -> None:
    spec = {"responses": [{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]}
    assert scorer.score(spec, {"order": ["b", "a"]}, {"order": ["b", "a"]}).value == 1.0
    assert scorer.score(spec, {"order": ["b", "a"]}, {"order": ["a", "b"]}).value == 0.0


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (["r1", "r2", "r3"], r"^answer\.order: must rank every response; missing r4"),
        (["r1", "r1", "r3", "r2"], r"^answer\.order\[1\]: duplicate response 'r1'"),
        (["r1", "r9", "r3", "r2"], r"^answer\.order\[1\]: unknown response 'r9'"),
        (["r1", "r2", "r3", "r4", "r1"], r"^answer\.order: must have at most 4 elements"),
        ("r1 r2 r3 r4", r"^answer\.order: must be a list"),
    ],
)
def test_order_errors_name_the_field(order: object, message: str) -> None:
    spec, gold = make_ranking()
    with pytest.raises(ScoringError, match=message):
        scorer.score(spec, gold, {"order": order})
