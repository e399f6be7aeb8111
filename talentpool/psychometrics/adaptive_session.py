"""Running adaptive tests: the per-step calls a live exam makes, and a simulation of many tests.

A live exam keeps a ``ExamState`` and, per step, calls ``next_item`` (``None`` means stop), shows
the item, then ``record_response``. The simulation drives the same calls with responses drawn
from the model at known abilities and reports accuracy, length and exposure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .adaptive import (
    AdaptiveBank,
    EAPEstimator,
    WLEEstimator,
    ExamState,
    ExposureCounts,
    MaxInformationSelector,
    PretestPlan,
    StoppingRule,
)
from .models import probabilities


@dataclass(frozen=True)
class AdaptiveTest:
    """The configuration of one adaptive exam: bank, estimator, selector, stopping rule, pretest."""

    bank: AdaptiveBank
    selector: MaxInformationSelector = field(default_factory=MaxInformationSelector)
    stopping: StoppingRule = field(default_factory=StoppingRule)
    estimator: EAPEstimator | WLEEstimator = field(default_factory=EAPEstimator)
    pretest: PretestPlan = field(default_factory=PretestPlan)
    membership: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.membership is None and self.selector.blueprint is not None:
            object.__setattr__(
                self, "membership", self.selector.blueprint.membership(self.bank.content)
            )


def start(test: AdaptiveTest) -> ExamState:
    """The state before the first item: θ̂ and SE are the prior's."""
    return ExamState(theta=test.estimator.prior_mean, se=test.estimator.prior_sd)


def next_item(
    test: AdaptiveTest,
    state: ExamState,
    rng: np.random.Generator,
    exposure: ExposureCounts | None = None,
    excluded: np.ndarray | None = None,
) -> int | None:
    """The next item to show (a pretest item at its seeded position), or ``None`` to stop.

    ``excluded`` (boolean, one per item) marks items this examinee must not get, e.g. those
    seen in an earlier attempt; the bank itself can then be shared between examinees.
    """
    if test.stopping.should_stop(test.bank, state):
        return None
    seeded = test.pretest.pick(test.bank, state, rng, excluded)
    if seeded is not None:
        return seeded
    return test.selector.select(test.bank, state, rng, exposure, test.membership, excluded)


def record_response(test: AdaptiveTest, state: ExamState, item: int, response: int) -> ExamState:
    """The state after ``response`` to ``item``; θ̂ is re-estimated from scored items only."""
    new_state = ExamState(state.items + (item,), state.responses + (int(response),))
    items, responses = new_state.operational(test.bank)
    theta, se = test.estimator.estimate(test.bank, items, responses)
    return ExamState(new_state.items, new_state.responses, theta, se)


def passes(test: AdaptiveTest, state: ExamState) -> bool:
    """The pass/fail decision at the stopping rule's cut score: θ̂ ≥ cut."""
    if test.stopping.cut_score is None:
        raise ValueError("the stopping rule has no cut score")
    return state.theta >= test.stopping.cut_score


@dataclass(frozen=True)
class SimulationResult:
    """Per simulated examinee: final θ̂, SE, scored length and pass decision; per item: exposure."""

    theta: np.ndarray
    se: np.ndarray
    length: np.ndarray
    passed: np.ndarray | None
    exposure_rate: np.ndarray
    sequences: tuple[tuple[int, ...], ...] = field(repr=False)
    responses: tuple[tuple[int, ...], ...] = field(repr=False)


def simulate_adaptive_tests(
    test: AdaptiveTest, true_theta: np.ndarray, rng: np.random.Generator
) -> SimulationResult:
    """Give one adaptive test per true θ, in order, sharing exposure counts across tests."""
    bank = test.bank
    counts = np.zeros(bank.n_items)
    thetas, ses, lengths, sequences, answers = [], [], [], [], []
    for n_tests, theta_true in enumerate(np.asarray(true_theta, dtype=float), start=1):
        state = start(test)
        exposure = ExposureCounts(counts, n_tests)
        while (item := next_item(test, state, rng, exposure)) is not None:
            probs = probabilities(np.array([theta_true]), bank.items.subset(np.array([item])))[0, 0]
            response = int(rng.choice(len(probs), p=probs / probs.sum()))
            state = record_response(test, state, item, response)
            counts[item] += 1
        scored, _ = state.operational(bank)
        thetas.append(state.theta)
        ses.append(state.se)
        lengths.append(len(scored))
        sequences.append(state.items)
        answers.append(state.responses)
    theta = np.asarray(thetas)
    cut = test.stopping.cut_score
    return SimulationResult(
        theta=theta,
        se=np.asarray(ses),
        length=np.asarray(lengths),
        passed=None if cut is None else theta >= cut,
        exposure_rate=counts / max(len(thetas), 1),
        sequences=tuple(sequences),
        responses=tuple(answers),
    )


def sympson_hetter_parameters(
    test: AdaptiveTest,
    true_theta: np.ndarray,
    rng: np.random.Generator,
    max_rate: float = 0.25,
    rounds: int = 6,
) -> np.ndarray:
    """Sympson–Hetter control parameters K_j found by repeated simulation.

    Each round simulates the test with the current K and scales down the parameter of every
    over-exposed item: K_j ← K_j · min(1, r / P(A_j)), P(A_j) being its administration rate.
    Restricting some items raises the selection of others, so later rounds catch those; K only
    decreases, which makes the rounds converge. The restricted-exposure cap is switched off
    while simulating.
    """
    control = np.ones(test.bank.n_items)
    for _ in range(rounds):
        selector = replace(test.selector, sympson_hetter=control, max_exposure_rate=None)
        rates = simulate_adaptive_tests(replace(test, selector=selector), true_theta, rng)
        over = rates.exposure_rate > max_rate
        control[over] *= max_rate / rates.exposure_rate[over]
    return control
