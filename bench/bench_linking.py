"""Linking's share of a recalibration: a free 2PL calibration of a new sample, then
Stocking–Lord linking with drift screening onto the base run over the common items.

The new sample is stronger (θ ~ N(0.5, 1.2²)) than the base sample (θ ~ N(0, 1)), so the
linking has a real job: the constants must come back near A = 1.2, B = 0.5.

    PYTHONPATH=. python bench/bench_linking.py [--persons 20000] [--items 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from talentpool.psychometrics import calibrate, random_dichotomous_items, simulate_responses
from talentpool.psychometrics.linking import link_with_drift_screening


def run(persons: int, n_items: int, answered: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    truth = random_dichotomous_items(n_items, rng)
    base = calibrate(simulate_responses(rng.normal(0, 1, persons), truth, rng, answered), "2pl")
    new_responses = simulate_responses(rng.normal(0.5, 1.2, persons), truth, rng, answered)
    started = time.perf_counter()
    new = calibrate(new_responses, "2pl")
    calibration_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = link_with_drift_screening(new.items, base.items, min_anchors=5)
    linking_seconds = time.perf_counter() - started
    return {"persons": persons, "items": n_items, "answered": answered,
            "calibration_s": round(calibration_seconds, 3),
            "linking_s": round(linking_seconds, 3),
            "linking_share": round(linking_seconds / calibration_seconds, 4),
            "A": round(result.A, 3), "B": round(result.B, 3),
            "anchors": int(result.anchors_used.sum()), "dropped": len(result.dropped)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--answered", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.persons, args.items, args.answered, args.seed)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
