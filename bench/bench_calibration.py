"""Calibration speed, accuracy and peak memory, and a comparison with girth on the same data.

Each run happens in a fresh subprocess so that its peak resident memory (ru_maxrss, which
includes simulating the data) belongs to that run alone. Timings cover ``calibrate`` only.

    PYTHONPATH=. python bench/bench_calibration.py                 # the three target designs
    PYTHONPATH=. python bench/bench_calibration.py --girth         # plus girth on the same data
    PYTHONPATH=. python bench/bench_calibration.py --designs grm --persons 5000 --items 50 --girth
    PYTHONPATH=. nice python bench/bench_calibration.py --long 1m-200   # long format, one run
    PYTHONPATH=. nice python bench/bench_calibration.py --long 1m-2000 --scale 0.1

Our timings are the median of ``--repeats`` runs (default 3); girth runs once. Results print as
a Markdown table; ``--json PATH`` also writes them as JSON.

``--long`` runs the large long-format designs instead (2PL; 1,000,000 persons × 200 items at
30 % answered, and × 2,000 items at 5 %), one run each: the answers are simulated directly as
(person, item, category) triples, never as a matrix; the record gives the simulation time, the
``calibrate`` time, the resident memory after simulating (VmRSS) and the peak (ru_maxrss).
``--scale`` multiplies the number of persons (for a quick trial).
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
LONG_DESIGNS = {
    # name: (persons, items, answered fraction, peak memory target GB, time target s)
    "1m-200": (1_000_000, 200, 0.3, 3.0, None),
    "1m-2000": (1_000_000, 2_000, 0.05, 6.0, 300.0),
}


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


def simulate_long(n_persons: int, n_items: int, fraction: float, seed: int):
    """2PL items, θ ~ N(0, 1) and ``LongResponses``: each (person, item) answered with
    probability ``fraction``, drawn block by block straight into preallocated triples."""
    from scipy.special import expit

    from talentpool.psychometrics import LongResponses
    from talentpool.psychometrics.simulate import random_dichotomous_items

    rng = np.random.default_rng(seed)
    items = random_dichotomous_items(n_items, rng, "2pl")
    a, b = items.a, items.b[:, 0]
    theta = rng.normal(size=n_persons)
    expected = n_persons * n_items * fraction
    capacity = int(expected + 10 * np.sqrt(expected) + 1000)
    person = np.empty(capacity, dtype=np.int32)
    item = np.empty(capacity, dtype=np.int32)
    category = np.empty(capacity, dtype=np.int16)
    filled = 0
    block = max(1, 2**23 // n_items)
    for start in range(0, n_persons, block):
        rows = min(block, n_persons - start)
        row, column = np.nonzero(rng.random((rows, n_items), dtype=np.float32) < fraction)
        end = filled + len(row)
        if end > capacity:
            raise RuntimeError("capacity estimate exceeded; use another seed")
        person[filled:end] = start + row
        item[filled:end] = column
        p_right = expit(a[column] * (theta[start + row] - b[column]))
        category[filled:end] = rng.random(len(row)) < p_right
        filled = end
    arrays = [array[:filled] for array in (person, item, category)]
    for array in arrays:
        array.setflags(write=False)  # read-only arrays are shared by LongResponses, not copied
    return items, theta, LongResponses(*arrays, n_persons, n_items)


def resident_mb() -> float:
    """Current resident memory of this process (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def long_worker(design: str, scale: float, seed: int) -> None:
    from talentpool.psychometrics import calibrate

    n_persons, n_items, fraction, _, _ = LONG_DESIGNS[design]
    n_persons = int(n_persons * scale)
    start = time.perf_counter()
    items, _, responses = simulate_long(n_persons, n_items, fraction, seed)
    simulate_seconds = time.perf_counter() - start
    data_mb = resident_mb()
    start = time.perf_counter()
    result = calibrate(responses, "2pl")
    seconds = time.perf_counter() - start
    record = {
        "design": design,
        "persons": n_persons,
        "items": n_items,
        "answers": responses.n_answers,
        "simulate_seconds": simulate_seconds,
        "seconds": seconds,
        "iterations": result.convergence.iterations,
        "converged": result.convergence.converged,
        "problems": len(result.item_problems),
        "rmse_a": rmse(result.items.a, items.a),
        "rmse_b": rmse(result.items.b, items.b),
        "data_rss_mb": data_mb,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(record))


def run_long(args: argparse.Namespace) -> list[dict]:
    records = []
    for design in args.long:
        command = [sys.executable, __file__, "--long-worker", design, "--scale", str(args.scale)]
        command += ["--seed", str(args.seed)]
        output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
        records.append(json.loads(output.stdout.strip().splitlines()[-1]))
    print(
        "| design | persons × items, answered | answers | simulate s | calibrate s | E-steps "
        "| RMSE a | RMSE b | RSS after data MB | peak RSS MB | targets |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in records:
        _, _, fraction, memory_gb, limit_s = LONG_DESIGNS[r["design"]]
        targets = f"≤ {memory_gb:g} GB" + (f", ≤ {limit_s:g} s" if limit_s else "")
        print(
            f"| {r['design']} | {r['persons']:,} × {r['items']:,}, {fraction:.0%} "
            f"| {r['answers']:,} | {r['simulate_seconds']:.1f} | {r['seconds']:.1f} "
            f"| {r['iterations']} | {r['rmse_a']:.4f} | {r['rmse_b']:.4f} "
            f"| {r['data_rss_mb']:.0f} | {r['peak_rss_mb']:.0f} | {targets} |"
        )
    return records


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
    parser.add_argument("--long", nargs="+", choices=list(LONG_DESIGNS), help="long-format runs")
    parser.add_argument("--scale", type=float, default=1.0, help="--long: share of the persons")
    parser.add_argument("--worker", choices=list(DESIGNS), help=argparse.SUPPRESS)
    parser.add_argument("--long-worker", choices=list(LONG_DESIGNS), help=argparse.SUPPRESS)
    parser.add_argument("--library", default="talentpool", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.long_worker:
        long_worker(args.long_worker, args.scale, args.seed)
        return
    if args.long:
        records = run_long(args)
        if args.json:
            args.json.write_text(json.dumps(records, indent=2))
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
