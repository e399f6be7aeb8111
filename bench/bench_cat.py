"""Adaptive testing: the cost of one step, and a certification-style simulation.

1. Step time: one θ update (``record_response``) plus one next-item choice (``next_item``) on a
   5,000-item bank, timed at test lengths 0–29, with and without blueprint + exposure control.
2. Simulation: examinees θ ~ N(0, 1) take an adaptive test that classifies at a cut score
   (confidence-interval rule, 10–40 items, randomesque 3, exposure cap 0.25, a 3-area
   blueprint), the same test without blueprint or exposure control, and with the SPRT rule
   instead of the confidence interval. Compared with fixed forms from the same bank: the 40
   items most informative at the cut (the best fixed form for this decision) and a form of the
   adaptive test's mean length.

    PYTHONPATH=. python bench/bench_cat.py [--examinees 2000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from talentpool.psychometrics import (
    AdaptiveTest,
    Blueprint,
    ExposureCounts,
    MaxInformationSelector,
    StoppingRule,
    adaptive_bank,
    concatenate_items,
    eap,
    item_information,
    next_item,
    record_response,
    simulate_adaptive_tests,
    start,
)
from talentpool.psychometrics.simulate import (
    random_dichotomous_items,
    random_polytomous_items,
    simulate_responses,
)

CODES = np.array(["theory.1", "theory.2", "practical.1"])


def make_bank(n_items: int, rng: np.random.Generator):
    n_graded = n_items // 10
    items = concatenate_items(
        random_dichotomous_items(n_items - n_graded, rng),
        random_polytomous_items(n_graded, 3, rng, "grm"),
    )
    return adaptive_bank(items, CODES[rng.integers(0, len(CODES), n_items)])


def time_steps(
    n_items: int, constrained: bool, rng: np.random.Generator, repeats: int = 60
) -> dict:
    bank = make_bank(n_items, rng)
    selector = MaxInformationSelector(
        randomesque=3 if constrained else 1,
        max_exposure_rate=0.25 if constrained else None,
        blueprint=Blueprint(("theory.1", "theory.2", "practical"), (12, 8, 10))
        if constrained
        else None,
    )
    test = AdaptiveTest(bank, selector, StoppingRule(max_items=30))
    exposure = (
        ExposureCounts(rng.integers(0, 50, n_items).astype(float), 100) if constrained else None
    )
    durations = []
    for _ in range(repeats):
        state = start(test)
        item = next_item(test, state, rng, exposure)
        while item is not None:
            response = int(rng.integers(0, bank.items.n_categories[item]))
            began = time.perf_counter()
            state = record_response(test, state, item, response)
            item = next_item(test, state, rng, exposure)
            durations.append(time.perf_counter() - began)
    ms = np.asarray(durations) * 1e3
    return {
        "bank": n_items,
        "constrained": constrained,
        "steps": len(ms),
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
    }


def classification_study(n_examinees: int, rng: np.random.Generator, cut: float = 0.5) -> dict:
    bank = make_bank(500, rng)
    blueprint = Blueprint(("theory.1", "theory.2", "practical"), (4, 3, 3))
    test = AdaptiveTest(
        bank,
        MaxInformationSelector(randomesque=3, max_exposure_rate=0.25, blueprint=blueprint),
        StoppingRule(max_items=40, min_items=10, cut_score=cut, classification="ci"),
    )
    unconstrained = AdaptiveTest(
        bank, MaxInformationSelector(max_exposure_rate=None), test.stopping
    )
    theta = rng.normal(size=n_examinees)
    truth = theta >= cut
    began = time.perf_counter()
    adaptive = simulate_adaptive_tests(test, theta, rng)
    seconds = time.perf_counter() - began
    free = simulate_adaptive_tests(unconstrained, theta, rng)
    sprt = AdaptiveTest(
        bank,
        test.selector,
        StoppingRule(max_items=40, min_items=10, cut_score=cut, classification="sprt"),
    )
    sequential = simulate_adaptive_tests(sprt, theta, rng)
    record = {"examinees": n_examinees, "bank": bank.n_items, "cut": cut, "seconds": seconds}
    for label, result in (
        ("adaptive", adaptive),
        ("adaptive_unconstrained", free),
        ("adaptive_sprt", sequential),
    ):
        record[f"{label}_accuracy"] = float(np.mean(result.passed == truth))
        record[f"{label}_mean_length"] = float(result.length.mean())
        record[f"{label}_max_exposure"] = float(result.exposure_rate.max())
    info_at_cut = item_information(np.array([cut]), bank.items)[0]
    for label, length in (
        ("fixed_40", 40),
        ("fixed_mean_length", round(adaptive.length.mean())),
    ):
        form = np.argsort(-info_at_cut)[:length]
        items = bank.items.subset(form)
        responses = simulate_responses(theta, items, rng)
        decided = eap(responses, items).theta >= cut
        record[f"{label}_length"] = length
        record[f"{label}_accuracy"] = float(np.mean(decided == truth))
    return record


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examinees", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    steps = [time_steps(5000, False, rng), time_steps(5000, True, rng)]
    study = classification_study(args.examinees, rng)
    print("| bank | blueprint + exposure | steps timed | median ms | p95 ms |")
    print("|---|---|---|---|---|")
    for s in steps:
        print(
            f"| {s['bank']:,} | {'yes' if s['constrained'] else 'no'} | {s['steps']} "
            f"| {s['median_ms']:.3f} | {s['p95_ms']:.3f} |"
        )
    print()
    print("| form | mean length | classification accuracy | max item exposure |")
    print("|---|---|---|---|")
    for label, name in (
        ("adaptive", "adaptive, blueprint + randomesque 3 + exposure cap 0.25"),
        ("adaptive_unconstrained", "adaptive, no blueprint or exposure control"),
        ("adaptive_sprt", "adaptive, SPRT (δ 0.3, α = β = 0.05) instead of CI, constrained"),
    ):
        print(
            f"| {name} | {study[label + '_mean_length']:.1f} "
            f"| {study[label + '_accuracy']:.3f} | {study[label + '_max_exposure']:.3f} |"
        )
    for label in ("fixed_40", "fixed_mean_length"):
        print(
            f"| fixed form, best {study[label + '_length']} at the cut "
            f"| {study[label + '_length']} "
            f"| {study[label + '_accuracy']:.3f} | 1.000 |"
        )
    print(
        f"\n{study['examinees']} examinees, bank {study['bank']} items, cut θ = {study['cut']}, "
        f"simulation {study['seconds']:.1f} s"
    )
    if args.json:
        args.json.write_text(json.dumps({"steps": steps, "classification": study}, indent=2))


if __name__ == "__main__":
    main()
