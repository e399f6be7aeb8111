"""Adaptive testing, one small piece per step: estimate θ, select the next item, decide to stop.

* ``EAPEstimator`` — θ̂ and posterior SD on a grid, from the *operational* items only (pretest
  items are administered and recorded but never scored).
* ``MaxInformationSelector`` — the eligible item with the largest Fisher information I_j(θ̂),
  where eligible means: not yet given, not a pretest item, in the blueprint area furthest behind
  its target (Kingsbury–Zara), and under the exposure cap. Exposure is controlled two ways:
  *randomesque* (a random pick among the ``randomesque`` most informative items) and the
  *restricted* method (Revuelta & Ponsoda): an item already used in ≥ r·T of the T tests so far
  is ineligible, which holds every item's exposure rate near or below r. Sympson–Hetter is
  available too: with control parameters K_j (``sympson_hetter``, found by simulation with
  ``adaptive_session.sympson_hetter_parameters``) the ranked items are offered in turn and item
  j is administered with probability K_j.
* ``StoppingRule`` — stop at ``max_items``; after ``min_items``, stop when SE ≤ ``se_target`` or
  when the pass/fail decision at ``cut_score`` is settled by a confidence interval
  (|θ̂ − cut| > z·SE) or by the SPRT of θ = cut + δ against θ = cut − δ (Wald's bounds
  log((1 − β)/α) and log(β/(1 − α)) on the log-likelihood ratio).
* ``PretestPlan`` — unscored pretest items seeded at fixed positions of the sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .calibration import normal_log_weights
from .items import ItemParameters
from .models import PROBABILITY_FLOOR, item_information, probabilities


@dataclass(frozen=True)
class AdaptiveBank:
    """Items plus what adaptive testing needs about them; build with ``adaptive_bank``."""

    items: ItemParameters
    content: np.ndarray
    pretest: np.ndarray
    nodes: np.ndarray = field(repr=False)
    log_probs: np.ndarray = field(repr=False)  # (n_items, n_nodes, max_K)
    information: np.ndarray = field(repr=False, default=None)  # (n_items, n_nodes)

    @property
    def n_items(self) -> int:
        return self.items.n_items


def adaptive_bank(
    items: ItemParameters,
    content: np.ndarray | None = None,
    pretest: np.ndarray | None = None,
    nodes: np.ndarray | None = None,
) -> AdaptiveBank:
    """Precompute log P_jk(θ_q) on the grid so each θ update is a sum of a few rows."""
    nodes = np.linspace(-5.0, 5.0, 101) if nodes is None else nodes
    content = np.full(items.n_items, "", dtype=object) if content is None else np.asarray(content)
    pretest = np.zeros(items.n_items, bool) if pretest is None else np.asarray(pretest, bool)
    log_probs = np.log(np.maximum(probabilities(nodes, items), PROBABILITY_FLOOR))
    information = np.ascontiguousarray(np.asarray(item_information(nodes, items)).T)
    return AdaptiveBank(
        items, content, pretest, nodes, np.ascontiguousarray(log_probs.transpose(1, 0, 2)),
        information,
    )


@dataclass(frozen=True)
class ExamState:
    """Everything administered so far, in order, and the current θ̂ with its SE."""

    items: tuple[int, ...] = ()
    responses: tuple[int, ...] = ()
    theta: float = 0.0
    se: float = 1.0

    def operational(self, bank: AdaptiveBank) -> tuple[np.ndarray, np.ndarray]:
        """(items, responses) of the scored items only."""
        items = np.asarray(self.items, dtype=int)
        responses = np.asarray(self.responses, dtype=int)
        scored = ~bank.pretest[items] if len(items) else np.zeros(0, bool)
        return items[scored], responses[scored]


@dataclass(frozen=True)
class EAPEstimator:
    """θ̂ = posterior mean and SE = posterior SD under a N(prior_mean, prior_sd²) prior."""

    prior_mean: float = 0.0
    prior_sd: float = 1.0

    def estimate(
        self, bank: AdaptiveBank, items: np.ndarray, responses: np.ndarray
    ) -> tuple[float, float]:
        log_post = normal_log_weights(bank.nodes, self.prior_mean, self.prior_sd)
        if len(items):
            log_post = log_post + bank.log_probs[items, :, responses].sum(axis=0)
        weights = np.exp(log_post - log_post.max())
        weights /= weights.sum()
        theta = float(weights @ bank.nodes)
        se = float(np.sqrt(max(weights @ bank.nodes**2 - theta**2, 0.0)))
        return theta, se


@dataclass(frozen=True)
class WLEEstimator:
    """θ̂ = the maximiser of the weighted likelihood log L(θ) + ½·log I(θ) within ``bounds`` and
    SE = 1/√I(θ̂): Warm's WLE for 2PL and GPCM items (for other models a close approximation of
    the root ``decisions.wle`` solves), with no pull towards the population mean, so a
    confidence-interval stop agrees with a pass/fail decision made by WLE (in the product's
    simulations an EAP stop with a WLE decision passed 63–72 % of candidates exactly at a cut
    above the population mean). Found on the bank's precomputed grid, refined by a parabola
    through the best node and its neighbours: microseconds per step. Before the first answer
    the state is (prior_mean, prior_sd)."""

    prior_mean: float = 0.0
    prior_sd: float = 1.0
    bounds: tuple[float, float] = (-4.0, 4.0)

    def estimate(
        self, bank: AdaptiveBank, items: np.ndarray, responses: np.ndarray
    ) -> tuple[float, float]:
        if not len(items):
            return self.prior_mean, self.prior_sd
        inside = np.flatnonzero((bank.nodes >= self.bounds[0]) & (bank.nodes <= self.bounds[1]))
        information = bank.information[items][:, inside].sum(axis=0)
        objective = bank.log_probs[items][:, inside, :][
            np.arange(len(items)), :, np.asarray(responses, dtype=int)].sum(axis=0)
        objective = objective + 0.5 * np.log(np.maximum(information, 1e-12))
        best = int(np.argmax(objective))
        nodes = bank.nodes[inside]
        theta = float(nodes[best])
        if 0 < best < len(nodes) - 1:
            left, middle, right = objective[best - 1: best + 2]
            curvature = left - 2 * middle + right
            if curvature < 0:
                step = nodes[1] - nodes[0]
                theta += float(0.5 * step * (left - right) / curvature)
        info = float(np.interp(theta, nodes, information))
        return theta, 1.0 / np.sqrt(max(info, 1e-12))


@dataclass(frozen=True)
class Blueprint:
    """Target item counts per content code; a code matches an item's code or its sub-codes
    (``"3.1"`` matches ``"3.1"`` and ``"3.1.2"``), so tracks and assessment elements both work."""

    codes: tuple[str, ...]
    counts: tuple[int, ...]

    def membership(self, content: np.ndarray) -> np.ndarray:
        """Boolean ``(n_codes, n_items)``."""
        content = np.asarray(content, dtype=str)
        return np.array(
            [(content == code) | np.char.startswith(content, code + ".") for code in self.codes]
        )

    @classmethod
    def from_proportions(
        cls, codes: tuple[str, ...], proportions: tuple[float, ...], length: int
    ) -> Blueprint:
        """Counts summing to ``length`` in the given proportions (largest remainders)."""
        raw = np.asarray(proportions, float) / np.sum(proportions) * length
        counts = np.floor(raw).astype(int)
        counts[np.argsort(counts - raw)[: length - counts.sum()]] += 1
        return cls(tuple(codes), tuple(int(n) for n in counts))


@dataclass(frozen=True)
class ExposureCounts:
    """How many of the ``n_tests`` tests so far (the current one included) used each item."""

    counts: np.ndarray
    n_tests: int


@dataclass(frozen=True)
class MaxInformationSelector:
    """Maximum-information selection under blueprint and exposure constraints."""

    randomesque: int = 1
    max_exposure_rate: float | None = 0.25
    blueprint: Blueprint | None = None
    sympson_hetter: np.ndarray | None = field(default=None, compare=False)

    def select(
        self,
        bank: AdaptiveBank,
        state: ExamState,
        rng: np.random.Generator,
        exposure: ExposureCounts | None = None,
        membership: np.ndarray | None = None,
        excluded: np.ndarray | None = None,
    ) -> int:
        """Index of the next operational item; pass ``membership`` (``Blueprint.membership``)
        to avoid recomputing it on every step, and ``excluded`` (boolean per item) for items
        this examinee must not get."""
        eligible = ~bank.pretest
        if excluded is not None:
            eligible &= ~excluded
        eligible[list(state.items)] = False
        if self.blueprint is not None:
            eligible = self._blueprint_area(bank, state, eligible, membership)
        if exposure is not None and self.max_exposure_rate is not None:
            under_cap = exposure.counts < self.max_exposure_rate * max(exposure.n_tests, 1)
            if np.any(eligible & under_cap):
                eligible = eligible & under_cap
        candidates = np.flatnonzero(eligible)
        if not len(candidates):
            raise ValueError("no eligible item left in the bank")
        info = item_information(np.array([state.theta]), bank.items)[0, candidates]
        if self.sympson_hetter is not None:
            # Walk down the information ranking; item j passes its lottery with probability K_j.
            ranked = candidates[np.argsort(-info)]
            passed = rng.random(len(ranked)) < self.sympson_hetter[ranked]
            return int(ranked[np.argmax(passed)] if passed.any() else ranked[0])
        n_best = min(self.randomesque, len(candidates))
        best = np.argpartition(-info, n_best - 1)[:n_best]
        return int(candidates[best[rng.integers(n_best)] if n_best > 1 else best[0]])

    def _blueprint_area(
        self,
        bank: AdaptiveBank,
        state: ExamState,
        eligible: np.ndarray,
        membership: np.ndarray | None,
    ) -> np.ndarray:
        assert self.blueprint is not None
        member = self.blueprint.membership(bank.content) if membership is None else membership
        given, _ = state.operational(bank)
        done = member[:, given].sum(axis=1) if len(given) else np.zeros(len(member))
        targets = np.asarray(self.blueprint.counts, float)
        has_items = np.any(member & eligible, axis=1)
        open_area = (done < targets) & has_items
        if not open_area.any():
            return eligible
        ratio = np.where(open_area, done / np.maximum(targets, 1e-9), np.inf)
        return eligible & member[int(np.argmin(ratio))]


@dataclass(frozen=True)
class StoppingRule:
    """When to end the test; ``classification`` is ``"ci"``, ``"sprt"`` or ``None``."""

    max_items: int = 30
    min_items: int = 0
    se_target: float | None = None
    cut_score: float | None = None
    classification: str | None = None
    confidence_z: float = 1.96
    sprt_delta: float = 0.3
    sprt_alpha: float = 0.05
    sprt_beta: float = 0.05

    def should_stop(self, bank: AdaptiveBank, state: ExamState) -> bool:
        items, responses = state.operational(bank)
        if len(items) >= self.max_items:
            return True
        if len(items) < self.min_items:
            return False
        if self.se_target is not None and state.se <= self.se_target:
            return True
        if self.cut_score is None or self.classification is None:
            return False
        if self.classification == "ci":
            return abs(state.theta - self.cut_score) > self.confidence_z * state.se
        if self.classification == "sprt":
            ratio = sprt_log_ratio(bank, items, responses, self.cut_score, self.sprt_delta)
            upper = np.log((1.0 - self.sprt_beta) / self.sprt_alpha)
            lower = np.log(self.sprt_beta / (1.0 - self.sprt_alpha))
            return bool(ratio >= upper or ratio <= lower)
        raise ValueError(
            f"classification must be 'ci', 'sprt' or None, not {self.classification!r}"
        )


def sprt_log_ratio(
    bank: AdaptiveBank, items: np.ndarray, responses: np.ndarray, cut: float, delta: float
) -> float:
    """log L(cut + δ) − log L(cut − δ) over the scored items."""
    if not len(items):
        return 0.0
    probs = probabilities(np.array([cut + delta, cut - delta]), bank.items.subset(items))
    chosen = np.maximum(probs[:, np.arange(len(items)), responses], PROBABILITY_FLOOR)
    logs = np.log(chosen).sum(axis=1)
    return float(logs[0] - logs[1])


@dataclass(frozen=True)
class PretestPlan:
    """Sequence positions (0-based) at which a random unused pretest item is given."""

    positions: tuple[int, ...] = ()

    def pick(self, bank: AdaptiveBank, state: ExamState, rng: np.random.Generator,
             excluded: np.ndarray | None = None) -> int | None:
        if len(state.items) not in self.positions:
            return None
        unused = bank.pretest.copy()
        if excluded is not None:
            unused &= ~excluded
        unused[list(state.items)] = False
        candidates = np.flatnonzero(unused)
        return int(rng.choice(candidates)) if len(candidates) else None
