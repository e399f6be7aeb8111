"""Calibration speed, accuracy and peak memory, and a comparison with girth on the same data.

Each run happens in a fresh subprocess so that its peak resident memory (ru_maxrss, which
includes simulating the data) belongs to that run alone. Timings cover ``calibrate`` only.

    PYTHONPATH=. python bench/bench_calibration.py                 # the three target designs
    PYTHONPATH=. python bench/bench_calibration.py --girth         # plus girth on the same data
    PYTHONPATH=. python bench/bench_calibration.py --designs grm --persons 5000 --items 50 --girth

Our timings are the median of ``--repeats`` runs (default 3); girth runs once. Results print as
a Markdown table; ``--json PATH`` also writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = {
    # name: (model, answered fraction, categories)
    "2pl-sparse": ("2pl", 0.3, 2),
    "grm-sparse": ("grm", 0.3, 4),
    "2pl-dense": ("2pl", 1.0, 2),
    # Not a target design; run with --designs gpcm-sparse.
    "gpcm-sparse": ("gpcm", 0.3, 4),
}
TARGET_DESIGNS = ["2pl-sparse", "grm-sparse", "2pl-dense"]


def simulate(design: str, n_persons: int, n_items: int, seed: int):
    from talentpool.psychometrics.simulate import (
        random_dichotomous_items,
        random_polytomous_items,
        simulate_responses,
    )

    model, fraction, n_categories = DESIGNS[design]
    rng = np.random.default_rng(seed)
    if model in ("grm", "gpcm"):
        items = random_polytomous_items(n_items, n_categories, rng, model)
    else:
        items = random_dichotomous_items(n_items, rng, model)
    theta = rng.normal(size=n_persons)
    return model, items, simulate_responses(theta, items, rng, fraction)


def rmse(estimate: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.nanmean((np.asarray(estimate) - np.asarray(truth)) ** 2)))


def run_ours(design: str, n_persons: int, n_items: int, seed: int) -> dict:
    from talentpool.psychometrics import calibrate

    model, items, responses = simulate(design, n_persons, n_items, seed)
    start = time.perf_counter()
    result = calibrate(responses, model)
    seconds = time.perf_counter() - start
    return {
        "library": "talentpool",
        "seconds": seconds,
        "iterations": result.convergence.iterations,
        "converged": result.convergence.converged,
        "rmse_a": rmse(result.items.a, items.a),
        "rmse_b": rmse(result.items.b, items.b),
    }


def run_girth(design: str, n_persons: int, n_items: int, seed: int) -> dict:
    from girth import grm_mml, pcm_mml, twopl_mml
    from girth.utilities import INVALID_RESPONSE

    model, items, responses = simulate(design, n_persons, n_items, seed)
    data = np.where(np.isnan(responses), INVALID_RESPONSE, responses).astype(int).T
    start = time.perf_counter()
    fitted = {"2pl": twopl_mml, "grm": grm_mml, "gpcm": pcm_mml}[model](data)
    seconds = time.perf_counter() - start
    difficulty = np.asarray(fitted["Difficulty"], dtype=float).reshape(n_items, -1)
    return {
        "library": "girth",
        "seconds": seconds,
        "iterations": None,
        "converged": None,
        "rmse_a": rmse(fitted["Discrimination"], items.a),
        "rmse_b": rmse(difficulty, items.b),
    }


def worker(args: argparse.Namespace) -> None:
    runner = run_girth if args.library == "girth" else run_ours
    record = runner(args.worker, args.persons, args.items, args.seed)
    record.update(
        design=args.worker,
        persons=args.persons,
        items=args.items,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )
    print(json.dumps(record))


def spawn(design: str, library: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        design,
        "--library",
        library,
        "--persons",
        str(args.persons),
        "--items",
        str(args.items),
        "--seed",
        str(args.seed),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--designs", nargs="*", default=TARGET_DESIGNS, choices=list(DESIGNS))
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--girth", action="store_true", help="also run girth on the same data")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--repeats", type=int, default=3, help="talentpool runs per design (median time reported)"
    )
    parser.add_argument("--worker", choices=list(DESIGNS), help=argparse.SUPPRESS)
    parser.add_argument("--library", default="talentpool", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    records = []
    for design in args.designs:
        for library in ("talentpool", "girth") if args.girth else ("talentpool",):
            runs = [
                spawn(design, library, args)
                for _ in range(args.repeats if library == "talentpool" else 1)
            ]
            record = runs[0]
            record["seconds_all"] = [run["seconds"] for run in runs]
            record["seconds"] = float(np.median(record["seconds_all"]))
            record["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
            records.append(record)
    print(
        "| design | persons × items | library | seconds (median) | E-steps | RMSE a | RMSE b "
        "| peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in records:
        print(
            f"| {r['design']} | {r['persons']:,} × {r['items']} | {r['library']} "
            f"| {r['seconds']:.2f} | {r['iterations'] or '–'} | {r['rmse_a']:.4f} "
            f"| {r['rmse_b']:.4f} | {r['peak_rss_mb']:.0f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(records, indent=2))


if __name__ == "__main__":
    main()
