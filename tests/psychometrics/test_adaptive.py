"""Adaptive testing: exposure control, blueprint, stopping rules and unscored pretest items."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.adaptive import (
    Blueprint,
    EAPEstimator,
    MaxInformationSelector,
    PretestPlan,
    StoppingRule,
    adaptive_bank,
)
from talentpool.psychometrics.adaptive_session import (
    AdaptiveTest,
    next_item,
    passes,
    record_response,
    simulate_adaptive_tests,
    start,
    sympson_hetter_parameters,
)
from talentpool.psychometrics.items import concatenate_items

from .factories import make_items

CODES = np.array(["theory.1.1", "theory.1.2", "theory.2.1", "practical.1", "practical.2"])


def make_bank(n_items: int = 300, n_pretest: int = 0, seed: int = 41):
    rng = np.random.default_rng(seed)
    items = concatenate_items(make_items("2pl", n_items - 30, rng), make_items("grm", 30, rng, 3))
    content = CODES[rng.integers(0, len(CODES), n_items)]
    pretest = np.zeros(n_items, bool)
    pretest[rng.choice(n_items, n_pretest, replace=False)] = True
    return adaptive_bank(items, content, pretest)


def test_restricted_exposure_keeps_every_item_at_or_below_the_target() -> None:
    bank = make_bank()
    rng = np.random.default_rng(1)
    thetas = rng.normal(size=300)
    controlled = AdaptiveTest(
        bank, MaxInformationSelector(max_exposure_rate=0.25), StoppingRule(max_items=15)
    )
    free = AdaptiveTest(
        bank, MaxInformationSelector(max_exposure_rate=None), StoppingRule(max_items=15)
    )
    with_control = simulate_adaptive_tests(controlled, thetas, np.random.default_rng(2))
    without = simulate_adaptive_tests(free, thetas, np.random.default_rng(2))
    # The rule admits an item while its count is below 0.25·T, so one test may add 1/T on top.
    assert with_control.exposure_rate.max() <= 0.25 + 1 / len(thetas)
    assert without.exposure_rate.max() > 0.5


def test_sympson_hetter_parameters_bring_exposure_down_towards_the_target() -> None:
    """Sympson–Hetter controls exposure only in expectation and its parameters converge slowly
    (ten rounds of 150 simulated tests here), so the check is that the most exposed item drops
    from being in every test to well under half of them; the restricted method is the hard cap.
    """
    bank = make_bank()
    stopping = StoppingRule(max_items=10)
    test = AdaptiveTest(bank, MaxInformationSelector(max_exposure_rate=None), stopping)
    rng = np.random.default_rng(12)
    control = sympson_hetter_parameters(test, rng.normal(size=150), rng, rounds=10)
    assert np.all((control > 0) & (control <= 1)) and control.min() < 0.3
    controlled = AdaptiveTest(
        bank, MaxInformationSelector(max_exposure_rate=None, sympson_hetter=control), stopping
    )
    thetas = rng.normal(size=300)
    free = simulate_adaptive_tests(test, thetas, rng)
    result = simulate_adaptive_tests(controlled, thetas, rng)
    assert free.exposure_rate.max() > 0.9
    assert result.exposure_rate.max() < 0.42


def test_fixed_length_tests_meet_the_blueprint_exactly() -> None:
    bank = make_bank()
    blueprint = Blueprint(("theory.1", "theory.2", "practical"), (6, 4, 6))
    test = AdaptiveTest(
        bank, MaxInformationSelector(randomesque=3, blueprint=blueprint), StoppingRule(max_items=16)
    )
    result = simulate_adaptive_tests(
        test, np.random.default_rng(3).normal(size=60), np.random.default_rng(4)
    )
    membership = blueprint.membership(bank.content)
    for sequence in result.sequences:
        assert membership[:, list(sequence)].sum(axis=1).tolist() == [6, 4, 6]


def test_blueprint_from_proportions_rounds_to_the_length() -> None:
    blueprint = Blueprint.from_proportions(("a", "b", "c"), (0.5, 0.3, 0.2), 17)
    assert sum(blueprint.counts) == 17 and blueprint.counts == (9, 5, 3)


@pytest.mark.parametrize("rule", ["ci", "sprt"])
def test_classification_stop_is_accurate_and_shorter_than_the_maximum(rule: str) -> None:
    """Examinees further than 0.5 from the cut are classified correctly ≥ 97 % of the time."""
    bank = make_bank()
    cut = 0.5
    stopping = StoppingRule(max_items=40, min_items=5, cut_score=cut, classification=rule)
    test = AdaptiveTest(
        bank, MaxInformationSelector(randomesque=2, max_exposure_rate=None), stopping
    )
    thetas = np.random.default_rng(5).normal(size=300)
    result = simulate_adaptive_tests(test, thetas, np.random.default_rng(6))
    clear = np.abs(thetas - cut) > 0.5
    accuracy = np.mean(result.passed[clear] == (thetas[clear] >= cut))
    assert accuracy >= 0.97
    assert np.mean(result.passed == (thetas >= cut)) >= 0.85
    assert result.length.mean() < 25 and result.length.min() >= 5


def test_se_target_stops_when_precise_enough() -> None:
    bank = make_bank()
    test = AdaptiveTest(
        bank,
        MaxInformationSelector(max_exposure_rate=None),
        StoppingRule(max_items=60, se_target=0.35),
    )
    result = simulate_adaptive_tests(test, np.array([-1.0, 0.0, 1.0]), np.random.default_rng(7))
    stopped_early = result.length < 60
    assert stopped_early.all() and np.all(result.se <= 0.35)


def test_pretest_items_are_given_at_their_positions_and_never_move_theta() -> None:
    bank = make_bank(n_pretest=20)
    test = AdaptiveTest(bank, stopping=StoppingRule(max_items=12), pretest=PretestPlan((2, 7)))
    result = simulate_adaptive_tests(
        test, np.random.default_rng(8).normal(size=40), np.random.default_rng(9)
    )
    estimator = EAPEstimator()
    for sequence, responses, theta in zip(result.sequences, result.responses, result.theta):
        order = np.asarray(sequence)
        assert bank.pretest[order].sum() == 2
        assert bank.pretest[order[[2, 7]]].all()
        scored = ~bank.pretest[order]
        assert result.length.max() == 12
        only_scored = estimator.estimate(bank, order[scored], np.asarray(responses)[scored])[0]
        assert theta == pytest.approx(only_scored)


def test_a_pretest_answer_leaves_theta_and_se_unchanged() -> None:
    bank = make_bank(n_pretest=5)
    test = AdaptiveTest(bank)
    rng = np.random.default_rng(10)
    state = start(test)
    for response in (1, 0, 1):
        state = record_response(test, state, next_item(test, state, rng), response)
    pretest_item = int(np.flatnonzero(bank.pretest)[0])
    right = record_response(test, state, pretest_item, 1)
    wrong = record_response(test, state, pretest_item, 0)
    assert (right.theta, right.se) == (state.theta, state.se) == (wrong.theta, wrong.se)


def test_randomesque_spreads_the_first_item_and_respects_the_rng() -> None:
    test = AdaptiveTest(make_bank(), MaxInformationSelector(randomesque=5, max_exposure_rate=None))
    firsts = {next_item(test, start(test), np.random.default_rng(seed)) for seed in range(40)}
    assert 2 <= len(firsts) <= 5
    again = [next_item(test, start(test), np.random.default_rng(11)) for _ in range(3)]
    assert len(set(again)) == 1


def test_passes_needs_a_cut_score() -> None:
    test = AdaptiveTest(make_bank(n_items=40))
    with pytest.raises(ValueError):
        passes(test, start(test))


def test_excluded_items_are_never_given_to_that_examinee() -> None:
    bank = make_bank(n_pretest=20)
    test = AdaptiveTest(bank, stopping=StoppingRule(max_items=40),
                        pretest=PretestPlan((0, 5, 10, 15)))
    rng = np.random.default_rng(3)
    excluded = np.zeros(bank.n_items, bool)
    excluded[rng.choice(bank.n_items, 150, replace=False)] = True
    state, given = start(test), []
    while (item := next_item(test, state, rng, excluded=excluded)) is not None:
        given.append(item)
        state = record_response(test, state, item, 1)
    assert len(given) == 40 + 4 and not excluded[given].any()
    assert sum(bank.pretest[given]) == 4  # pretest positions still filled, from allowed items


@pytest.mark.slow
def test_a_wle_stop_and_decision_pass_examinees_at_the_cut_about_half_the_time() -> None:
    """The confidence-interval stop and the decision use the same WLE, so an examinee exactly
    at a cut above the population mean passes about half the time."""
    from talentpool.psychometrics import WLEEstimator

    bank, cut = make_bank(n_items=300, seed=8), 0.8
    test = AdaptiveTest(bank, MaxInformationSelector(randomesque=3, max_exposure_rate=None),
                        StoppingRule(max_items=30, min_items=8, cut_score=cut,
                                     classification="ci"), WLEEstimator())
    result = simulate_adaptive_tests(test, np.full(300, cut), np.random.default_rng(9))
    assert 0.40 <= np.mean(result.passed) <= 0.60, np.mean(result.passed)
    assert np.all(np.isfinite(result.theta)) and np.all(result.se < 1.0)


def test_the_adaptive_wle_agrees_with_the_decision_estimator() -> None:
    from talentpool.psychometrics import WLEEstimator
    from talentpool.psychometrics.decisions import wle

    bank, rng = make_bank(seed=12), np.random.default_rng(13)
    for n in (1, 5, 20, 40):
        items = rng.choice(270, n, replace=False)  # the right/wrong items of the bank
        responses = rng.integers(0, 2, n)
        theta, se = WLEEstimator().estimate(bank, items, responses)
        exact = wle(responses[None, :].astype(float), bank.items.subset(items))
        assert theta == pytest.approx(exact.theta[0], abs=0.01)
        assert se == pytest.approx(exact.se[0], rel=0.02)
